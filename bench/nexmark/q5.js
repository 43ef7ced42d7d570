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
import { SlidingEventTimeWindows, Time, TumblingEventTimeWindows, Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'hot items';
export const description = 'sliding windows 10 s every 2 s: the auction(s) with the most bids per window';

export const WINDOW = Time.seconds(10);
export const SLIDE = Time.seconds(2);

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
