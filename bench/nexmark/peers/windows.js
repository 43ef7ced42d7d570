// The event-time windows of the peers of q5, q7 and q11: the same window
// logic for the loop, RxJS and Node streams, written once with Maps.
//
// Neither RxJS nor Node streams have event time (RxJS's bufferTime and
// windowTime cut by the wall clock), so each peer runs a window operator from
// here: an object with onEvent(bid) and finish() (the end of input) that sends
// each result to the `emit` it was made with. Its semantics are Flink's, as
// weir's: the watermark trails the largest timestamp seen by Nexmark's 4 s
// bound + 1 ms (WatermarkStrategy.forBoundedOutOfOrderness(4000)), a window
// fires once the watermark reaches its end − 1, an element whose windows are
// all behind the watermark is late (dropped and counted), session windows
// that overlap or touch merge, and the end of input is the watermark
// +Infinity. The peers advance the watermark after every bid, where weir
// emits one every 200 ms: with Nexmark's in-order events no bid is late
// either way, so the results are the same.
//
// Each peer then feeds its operator the idiomatic way: a for-loop, an RxJS
// operator (`windowed`, made the way RxJS documents custom operators:
// source => new Observable(…)) and a Node object-mode Transform
// (`windowTransform`).
import { Observable, filter, from, map } from 'rxjs';
import { EventKind } from 'weir/nexmark';
import { nodeBids, nodeRun, rxRun, transform } from './plumbing.js';

/** Nexmark's watermark delay (its DDL: `dateTime - INTERVAL '4' SECOND`). */
export const WATERMARK_DELAY = 4000;

/** The start of the window of `size` that `t` falls in (Flink's getWindowStartWithOffset, offset 0). */
export const windowStart = (t, size) => t - (((t % size) + size) % size);

/** Watermarks as forBoundedOutOfOrderness(delay) makes them: largest timestamp − delay − 1; +Infinity at the end. */
export class Watermarks {
  constructor(onAdvance, delay = WATERMARK_DELAY) {
    this.onAdvance = onAdvance;
    this.delay = delay;
    this.maxTimestamp = -Infinity;
    this.current = -Infinity;
  }

  onEvent(t) {
    if (t <= this.maxTimestamp) return;
    this.maxTimestamp = t;
    const w = t - this.delay - 1;
    if (w > this.current) {
      this.current = w;
      this.onAdvance(w);
    }
  }

  finish() {
    this.current = Infinity;
    this.onAdvance(Infinity);
  }
}

/** Windows of one size in a Map by start; `advance` fires every window whose end − 1 the watermark reached, in order of start. */
export class WindowsByStart {
  constructor(size, fire) {
    this.size = size;
    this.fire = fire;
    this.windows = new Map();
    this.nextEnd = Infinity;
  }

  /** The state of the window at `start`, made with `make()` if it is new. */
  get(start, make) {
    let w = this.windows.get(start);
    if (w === undefined) {
      w = make();
      this.windows.set(start, w);
      if (start + this.size < this.nextEnd) this.nextEnd = start + this.size;
    }
    return w;
  }

  advance(watermark) {
    if (this.nextEnd - 1 > watermark) return;
    const ready = [];
    let next = Infinity;
    for (const start of this.windows.keys()) {
      const end = start + this.size;
      if (end - 1 <= watermark) ready.push(start);
      else if (end < next) next = end;
    }
    this.nextEnd = next;
    ready.sort((a, b) => a - b);
    for (const start of ready) {
      const w = this.windows.get(start);
      this.windows.delete(start);
      this.fire(start, start + this.size, w);
    }
  }
}

/** A binary min-heap of timers { time, … }. */
export class TimerHeap {
  constructor() {
    this.items = [];
  }

  get size() {
    return this.items.length;
  }

  peek() {
    return this.items[0];
  }

  push(item) {
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].time <= item.time) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = item;
  }

  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1].time < a[l].time ? l + 1 : l;
        if (a[c].time >= last.time) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

// ---------------------------------------------------------------------------
// How each peer feeds a window operator (`makeOperator(emit)` → { onEvent(bid), finish() }).

const isBid = (e) => e.type === EventKind.BID;

/**
 * The three peers of a windowed query, each feeding the bids of `events` to
 * the window operator `makeOperator(emit)` and its results to `sink`: the
 * for-loop, RxJS (`from` → filter bids → `windowed`) and Node streams.
 */
export function windowPeers(makeOperator) {
  return {
    loop: (events, sink) => runLoop(events, sink, makeOperator),
    rxjs: (events, sink) =>
      rxRun(
        from(events).pipe(
          filter(isBid),
          map((e) => e.bid),
          windowed(makeOperator),
        ),
        sink,
      ),
    node: (events, sink) => nodeRun(events, sink, nodeBids(), windowTransform(makeOperator)),
  };
}

/** The loop peer: every bid of `events` into the operator, then the end of input. */
export function runLoop(events, sink, makeOperator) {
  const op = makeOperator(sink);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (isBid(e)) op.onEvent(e.bid);
  }
  op.finish();
}

/** An RxJS operator running the window operator over the bids it receives; completes after the last windows fired. */
export const windowed = (makeOperator) => (source) =>
  new Observable((subscriber) => {
    const op = makeOperator((r) => subscriber.next(r));
    return source.subscribe({
      next: (bid) => op.onEvent(bid),
      error: (err) => subscriber.error(err),
      complete: () => {
        op.finish();
        subscriber.complete();
      },
    });
  });

/** A Node object-mode Transform running the window operator over the bids written to it; the last windows fire in its flush. */
export function windowTransform(makeOperator) {
  let push;
  const op = makeOperator((r) => push(r));
  return transform(
    (bid, p) => {
      push = p;
      op.onEvent(bid);
    },
    (p) => {
      push = p;
      op.finish();
    },
  );
}
