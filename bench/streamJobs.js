// The jobs of bench/stream.bench.js, written once per contender so that the
// timed runs (stream.bench.js) and the memory runs in child processes
// (streamMemory.js) run the same code: weir, RxJS 7, Node object-mode
// streams and a hand-written for-loop. Also the events they all read.
//
//   mapFilter:  Nexmark Q1's currency conversion (map) then a filter keeping about half
//   keyedSum:   a projection (map) to { auction, price, bids }, keyed by auction, rolling sum of price
//
// Each job feeds its output records to `sink(record)`, which may return a
// promise (a slow sink); each contender waits for it in its own way.
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bufferCount, concatMap, filter, from, groupBy, map, mergeMap, scan } from 'rxjs';
import { StreamExecutionEnvironment, Types } from 'weir';
import { Bid, bid } from './nexmarkRecords.js';

/** The projection that crosses weir's task boundary in keyedSum, typed so that it is serialized by a generated serializer. */
export const BidPrice = Types.OBJECT({ auction: Types.LONG, price: Types.LONG, bids: Types.LONG });

/**
 * `n` Bid records. The numeric fields come from a fixed LCG of their own (so
 * every process gets the same counts and sums whatever else ran before); the
 * strings are shared with 4096 bids of nexmarkRecords.js, so making 2M events
 * takes a fraction of a second instead of seconds.
 */
export function makeEvents(n) {
  const templates = Array.from({ length: 4096 }, (_, i) => bid(i));
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const events = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = templates[i & 4095];
    events[i] = {
      auction: 1000 + (rand() < 0.5 ? 0 : Math.floor(rand() * 100)),
      bidder: 1000 + Math.floor(rand() * 1000),
      price: Math.round(10 ** (rand() * 6) * 100),
      channel: t.channel,
      url: t.url,
      dateTime: 1_700_000_000_000 + i * 5,
      extra: t.extra,
    };
  }
  return events;
}

// The user functions, shared by every contender.
const toEuro = (b) => ({ auction: b.auction, bidder: b.bidder, price: Math.round(b.price * 0.908), dateTime: b.dateTime });
const keep = (m) => (m.bidder & 1) === 0;
const project = (b) => ({ auction: b.auction, price: b.price, bids: 1 });
const byAuction = (r) => r.auction;
// Flink's sum: the key's first record as it is, then the first record's other fields with the summed field.
const add = (acc, r) => ({ auction: acc.auction, price: acc.price + r.price, bids: acc.bids });

/** A counting sink: records and an order-independent checksum of the price field; `every`/`wait` make it slow. */
export function countingSink({ every = 0, wait, onWait } = {}) {
  const result = { count: 0, check: 0 };
  const invoke = (r) => {
    result.count++;
    result.check += r.price % 1_000_003;
    if (every > 0 && result.count % every === 0) {
      onWait?.();
      return wait();
    }
    return undefined;
  };
  return { invoke, result };
}

/**
 * The contenders, by name. `job(events, sink, { budget, slow })` resolves when
 * every output record reached the sink; `slow` says the sink returns promises.
 */
export const contenders = {
  weir: {
    label: 'weir',
    mapFilter(events, sink, { budget }) {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, memory: budget });
      env.fromCollection(events, Bid).map(toEuro).filter(keep).sinkTo({ invoke: sink });
      return env.execute('map -> filter');
    },
    keyedSum(events, sink, { budget }) {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, memory: budget });
      env.fromCollection(events, Bid).map(project, BidPrice).keyBy(byAuction).sum('price').sinkTo({ invoke: sink });
      return env.execute('map -> keyBy -> sum');
    },
  },
  rxjs: {
    label: 'RxJS 7',
    mapFilter(events, sink, { slow }) {
      return subscribe(from(events).pipe(map(toEuro), filter(keep)), sink, slow);
    },
    keyedSum(events, sink, { slow }) {
      return subscribe(
        from(events).pipe(
          map(project),
          groupBy(byAuction),
          mergeMap((group) => group.pipe(scan(add))),
        ),
        sink,
        slow,
      );
    },
  },
  node: {
    label: 'Node object-mode streams',
    mapFilter(events, sink) {
      return pipeline(
        Readable.from(events),
        new Transform({ objectMode: true, transform: (b, _, cb) => cb(null, toEuro(b)) }),
        new Transform({ objectMode: true, transform: (m, _, cb) => (keep(m) ? cb(null, m) : cb()) }),
        writableSink(sink),
      );
    },
    keyedSum(events, sink) {
      const sums = new Map();
      return pipeline(
        Readable.from(events),
        new Transform({ objectMode: true, transform: (b, _, cb) => cb(null, project(b)) }),
        new Transform({
          objectMode: true,
          transform(r, _, cb) {
            const key = byAuction(r);
            const prev = sums.get(key);
            const next = prev === undefined ? r : add(prev, r);
            sums.set(key, next);
            cb(null, next);
          },
        }),
        writableSink(sink),
      );
    },
  },
  loop: {
    label: 'for-loop (the ceiling)',
    async mapFilter(events, sink) {
      for (let i = 0; i < events.length; i++) {
        const m = toEuro(events[i]);
        if (keep(m)) {
          const p = sink(m);
          if (p !== undefined) await p;
        }
      }
    },
    async keyedSum(events, sink) {
      const sums = new Map();
      for (let i = 0; i < events.length; i++) {
        const r = project(events[i]);
        const key = byAuction(r);
        const prev = sums.get(key);
        const next = prev === undefined ? r : add(prev, r);
        sums.set(key, next);
        const p = sink(next);
        if (p !== undefined) await p;
      }
    },
  },
};

// RxJS has no backpressure. A fast sink (it never returns a promise) is called
// from subscribe's next. A slow sink's promises are honoured with concatMap,
// which queues what arrives meanwhile: here all the records, since from(array)
// emits synchronously. They are queued in batches of RX_BATCH (bufferCount):
// concatMap per record would hold the same records, but its queue is an array
// drained by shift(), which V8 makes O(length) on an array this large, so the
// drain is quadratic (measured: 100K records 3.8 s, 200K 15 s, 400K 70 s).
const RX_BATCH = 1000;
function subscribe(observable, sink, slow) {
  return new Promise((resolve, reject) => {
    if (!slow) {
      observable.subscribe({ next: sink, error: reject, complete: resolve });
      return;
    }
    observable
      .pipe(
        bufferCount(RX_BATCH),
        concatMap(async (batch) => {
          for (let i = 0; i < batch.length; i++) {
            const p = sink(batch[i]);
            if (p !== undefined) await p;
          }
        }),
      )
      .subscribe({ error: reject, complete: resolve });
  });
}

function writableSink(sink) {
  return new Writable({
    objectMode: true,
    write(r, _, cb) {
      const p = sink(r);
      if (p === undefined) cb();
      else p.then(() => cb(), cb);
    },
  });
}
