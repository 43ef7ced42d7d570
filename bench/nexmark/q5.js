// Nexmark q5, hot items: per sliding window of 10 s every 2 s (event time),
// the auction(s) with the most bids.
//
// Flink's SQL counts bids per auction per HOP window, takes the maximum count
// per window, and joins the two on the window with count >= max: every
// auction whose count is the window's maximum (all ties), once per window
// that has bids.
//
// weir counts as Flink's window aggregation does, by slices: bids per auction
// per 2 s tumbling window (one state update per bid instead of one per each
// of its 5 windows), then per auction the sum of the 5 slices of each 10 s
// window, then per window (keyed by its end) the auctions with the highest
// count, kept incrementally. Each result is (auction, count, window start,
// end); the SQL's rows are (auction, count), one per window.
import { filter, from, map } from 'rxjs';
import { SlidingEventTimeWindows, Time, TumblingEventTimeWindows, Types } from 'weir';
import { bids, bidsOf, EventKind } from './common.js';
import { nodeBids, nodeRun, rxRun } from './peers.js';
import { runLoop, Watermarks, windowed, windowStart, windowTransform } from './windowPeers.js';

export const title = 'hot items';
export const description = 'sliding windows 10 s every 2 s: the auction(s) with the most bids per window';

const WINDOW = Time.seconds(10);
const SLIDE = Time.seconds(2);

const AuctionCount = Types.OBJECT({ auction: Types.LONG, count: Types.LONG });
const HotItem = Types.OBJECT({ auction: Types.LONG, count: Types.LONG, start: Types.LONG, end: Types.LONG });
/** The highest count of a window so far and the auctions that have it. */
const Hottest = Types.OBJECT({ count: Types.LONG, auctions: Types.LIST(Types.LONG) });

const counting = { createAccumulator: () => 0, add: (_auction, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b };
const summing = { createAccumulator: () => 0, add: (c, n) => n + c.count, getResult: (n) => n, merge: (a, b) => a + b };
const hottest = {
  createAccumulator: () => ({ count: 0, auctions: [] }),
  add(c, acc) {
    if (c.count > acc.count) {
      acc.count = c.count;
      acc.auctions = [c.auction];
    } else if (c.count === acc.count) acc.auctions.push(c.auction);
    return acc;
  },
  getResult: (acc) => acc,
  merge(a, b) {
    for (const auction of b.auctions) hottest.add({ auction, count: b.count }, a);
    return a;
  },
};

export function weir(events) {
  return (
    bids(events)
      .map((b) => b.auction, Types.LONG)
      .name('q5: auction')
      .keyBy((auction) => auction, Types.LONG)
      .window(TumblingEventTimeWindows.of(SLIDE))
      .aggregate(counting, (auction, _ctx, counts, out) => {
        for (const count of counts) out.collect({ auction, count });
      }, Types.LONG, AuctionCount)
      .name('q5: bids per auction per 2 s slice')
      // A slice's count has the timestamp slice end − 1: it falls in the 5 windows that contain the slice.
      .keyBy((c) => c.auction, Types.LONG)
      .window(SlidingEventTimeWindows.of(WINDOW, SLIDE))
      .aggregate(summing, (auction, ctx, counts, out) => {
        for (const count of counts) out.collect({ auction, count, start: ctx.window.start, end: ctx.window.end });
      }, Types.LONG, HotItem)
      .name('q5: bids per auction per 10 s window')
      // Each window's counts have the timestamp end − 1: one tumbling window of a slide per window end gathers them.
      .keyBy((c) => c.end, Types.LONG)
      .window(TumblingEventTimeWindows.of(SLIDE))
      .aggregate(hottest, (end, _ctx, results, out) => {
        for (const { count, auctions } of results) for (const auction of auctions) out.collect({ auction, count, start: end - WINDOW, end });
      }, Hottest, HotItem)
      .name('q5: the auctions with the most bids per window')
  );
}

/** Per HOP window (every 2 s, 10 s long) the bids per auction, then the auctions with the window's maximum count. */
export function reference(events) {
  const windows = new Map(); // window start → (auction → bids)
  for (const b of bidsOf(events)) {
    const last = b.dateTime - (b.dateTime % SLIDE);
    for (let start = last; start > b.dateTime - WINDOW; start -= SLIDE) {
      let counts = windows.get(start);
      if (counts === undefined) windows.set(start, (counts = new Map()));
      counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
    }
  }
  const out = [];
  for (const [start, counts] of windows) {
    const max = Math.max(...counts.values());
    for (const [auction, count] of counts) if (count === max) out.push({ auction, count, start, end: start + WINDOW });
  }
  return out;
}

export const canonical = (r) => `${r.start} ${r.end} ${r.auction} ${r.count}`;

// ---------------------------------------------------------------------------
// The peers: bids per auction in a Map per 2 s slice; a window fires when the
// watermark passes its end, summing its 5 slices, and drops its first slice
// (no later window needs it).

function q5Windows(emit) {
  const slices = new Map(); // slice start → (auction → bids)
  let next = Infinity; // the start of the next window to fire
  const fire = (start) => {
    const counts = new Map();
    for (let s = start; s < start + WINDOW; s += SLIDE) {
      const slice = slices.get(s);
      if (slice !== undefined) for (const [auction, n] of slice) counts.set(auction, (counts.get(auction) ?? 0) + n);
    }
    slices.delete(start);
    let max = 0;
    for (const n of counts.values()) if (n > max) max = n;
    for (const [auction, count] of counts) if (count === max) emit({ auction, count, start, end: start + WINDOW });
  };
  const wm = new Watermarks((w) => {
    while (next + WINDOW - 1 <= w && slices.size > 0) {
      fire(next);
      next += SLIDE;
    }
  });
  return {
    late: 0,
    onEvent(b) {
      const t = b.dateTime;
      const start = windowStart(t, SLIDE);
      if (start + SLIDE - 1 <= wm.current) this.late++; // its slice is behind the watermark (as in weir's slices)
      else {
        let slice = slices.get(start);
        if (slice === undefined) {
          slices.set(start, (slice = new Map()));
          if (start + SLIDE - WINDOW < next) next = start + SLIDE - WINDOW; // the first window that contains it
        }
        slice.set(b.auction, (slice.get(b.auction) ?? 0) + 1);
      }
      wm.onEvent(t);
    },
    finish: () => wm.finish(),
  };
}

const isBid = (e) => e.type === EventKind.BID;

export const peers = {
  loop: (events, sink) => runLoop(events, sink, q5Windows, isBid),
  rxjs: (events, sink) =>
    rxRun(
      from(events).pipe(
        filter(isBid),
        map((e) => e.bid),
        windowed(q5Windows),
      ),
      sink,
    ),
  node: (events, sink) => nodeRun(events, sink, nodeBids(), windowTransform(q5Windows)),
};
