// Plumbing shared by the peers of the Nexmark queries (peers/qN.js) (RxJS 7 and Node
// object-mode streams): each peer reads the same array of events and sends
// each result to `sink(record)`; the runner times it like weir's job.
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EventKind } from 'weir/nexmark';

/** Resolves when `observable` completes, each value sent to `sink`. */
export function rxRun(observable, sink) {
  return new Promise((resolve, reject) => {
    observable.subscribe({ next: sink, error: reject, complete: resolve });
  });
}

/** An object-mode Transform calling `fn(record, push)`; `flush(push)` runs at the end. */
export function transform(fn, flush) {
  return new Transform({
    objectMode: true,
    transform(record, _encoding, callback) {
      fn(record, (r) => this.push(r));
      callback();
    },
    flush:
      flush &&
      function (callback) {
        flush((r) => this.push(r));
        callback();
      },
  });
}

/** Node streams: `Readable.from(events)`, then each Transform in turn, into a Writable calling `sink`. */
export function nodeRun(events, sink, ...stages) {
  return pipeline(
    Readable.from(events),
    ...stages,
    new Writable({
      objectMode: true,
      write(record, _encoding, callback) {
        sink(record);
        callback();
      },
    }),
  );
}

/** The Node stage that keeps the bids of the events (Flink's `bid` view). */
export const nodeBids = () => transform((e, push) => e.type === EventKind.BID && push(e.bid));
