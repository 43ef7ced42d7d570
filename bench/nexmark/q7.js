// Nexmark q7, highest bid: per tumbling 10 s window of event time, the bids
// with the window's highest price.
//
// Flink's SQL joins every bid B with the windows' maxima B1 (max(price) per
// TUMBLE(10 s), with B1.dateTime = window_end) on
//   B.price = B1.maxprice AND B.dateTime BETWEEN B1.dateTime - 10 s AND B1.dateTime
// a regular join that keeps every bid in state. BETWEEN includes both ends,
// so a bid at exactly a window's end (the first millisecond of the next
// window) also matches that window if its price equals the window's maximum,
// and every bid with the maximum price matches (all ties).
//
// weir computes the same rows without the join's state, per window as
// Flink's documentation builds windows by hand (a KeyedProcessFunction keyed
// by window, with state and an event-time timer at the window's end): the
// window's maximum price (ValueState), the bids that have it (ListState,
// restarted when the maximum rises) and the bids at the window's end that may
// match it. Per bid that is one read of a number; a bid's bytes go into state
// only while it is among the highest. A bid at a window's end is sent twice:
// for its own window, and for the window it ends, where it does not count
// towards the maximum. Each result carries its window.
import { KeyedProcessFunction, ListStateDescriptor, Time, Types, ValueStateDescriptor } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'highest bid';
export const description = 'tumbling 10 s windows: the bid(s) with the highest price, with the window';

export const WINDOW = Time.seconds(10);

/** A bid as q7 needs it, for the window starting at `window`: its own, or the one that ends at its time. */
const Q7Bid = Types.OBJECT({ window: Types.LONG, auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG, extra: Types.STRING });
const Q7Out = Types.OBJECT({ start: Types.LONG, end: Types.LONG, auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG, extra: Types.STRING });

const q7Bid = (window, b) => ({ window, auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });
export const q7Result = (start, end, b) => ({ start, end, auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });

/** Keyed by window start: the window's highest bids, emitted when the watermark passes its end. */
class HighestBids extends KeyedProcessFunction {
  open() {
    const state = this.getRuntimeContext();
    this.maxPrice = state.getState(new ValueStateDescriptor('max price', Types.LONG));
    this.highest = state.getListState(new ListStateDescriptor('bids with the max price', Q7Bid));
    this.atEnd = state.getListState(new ListStateDescriptor('bids at the window end', Q7Bid));
  }

  processElement(b, ctx) {
    const start = ctx.getCurrentKey();
    const timers = ctx.timerService();
    if (start + WINDOW - 1 <= timers.currentWatermark()) return; // late: the window has fired
    const max = this.maxPrice.value();
    if (max === null) timers.registerEventTimeTimer(start + WINDOW - 1);
    if (b.dateTime === start + WINDOW) {
      if (max === null || b.price >= max) this.atEnd.add(b);
    } else if (max === null || b.price > max) {
      this.maxPrice.update(b.price);
      this.highest.update([b]);
    } else if (b.price === max) this.highest.add(b);
  }

  onTimer(_time, ctx, out) {
    const start = ctx.getCurrentKey();
    const max = this.maxPrice.value();
    if (max !== null) {
      for (const b of this.highest.get()) out.collect(q7Result(start, start + WINDOW, b));
      for (const b of this.atEnd.get()) if (b.price === max) out.collect(q7Result(start, start + WINDOW, b));
    }
    this.maxPrice.clear();
    this.highest.clear();
    this.atEnd.clear();
  }
}

export function weir(events) {
  return bids(events)
    .flatMap((b, out) => {
      const own = b.dateTime - (b.dateTime % WINDOW);
      out.collect(q7Bid(own, b));
      if (own === b.dateTime) out.collect(q7Bid(own - WINDOW, b));
    }, Q7Bid)
    .name('q7: bid per window (twice at a window end)')
    .keyBy((b) => b.window, Types.LONG)
    .process(new HighestBids(), Q7Out)
    .name('q7: highest bids per window');
}

/** The SQL's join: per window its maximum price, then every bid with that price in [window_end − 10 s, window_end]. */
export function reference(events) {
  const bidList = bidsOf(events);
  const maxPrice = new Map(); // window start → max price
  for (const b of bidList) {
    const start = b.dateTime - (b.dateTime % WINDOW);
    const max = maxPrice.get(start);
    if (max === undefined || b.price > max) maxPrice.set(start, b.price);
  }
  const out = [];
  for (const b of bidList) {
    const own = b.dateTime - (b.dateTime % WINDOW);
    const starts = b.dateTime % WINDOW === 0 ? [own, own - WINDOW] : [own];
    for (const start of starts) {
      if (maxPrice.get(start) === b.price) out.push(q7Result(start, start + WINDOW, b));
    }
  }
  return out;
}

export const canonical = (r) => `${r.start} ${r.end} ${r.auction} ${r.bidder} ${r.price} ${r.dateTime} ${r.extra}`;
