// Nexmark q11, user sessions: per bidder, event-time session windows with a
// 10 s gap, and the number of bids in each.
//
// Flink's SQL groups by bidder and SESSION(dateTime, 10 s): a session is a
// run of a bidder's bids each at most 10 s after the previous one; it starts at its first bid and ends 10 s after its last
// (SESSION_START / SESSION_END), and is emitted once the watermark passes
// its end. weir's EventTimeSessionWindows are the same windows (Flink's
// DataStream session windows, which the SQL runs on): [t, t + gap) per bid,
// merged while they overlap or touch. The count is an incremental aggregate.
import { EventTimeSessionWindows, Time, Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'user sessions';
export const description = 'session windows per bidder with a 10 s gap: (bidder, bids, start, end)';

export const GAP = Time.seconds(10);

const Session = Types.OBJECT({ bidder: Types.LONG, count: Types.LONG, start: Types.LONG, end: Types.LONG });

const counting = { createAccumulator: () => 0, add: (_bidder, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b };

export function weir(events) {
  return bids(events)
    .map((b) => b.bidder, Types.LONG)
    .name('q11: bidder')
    .keyBy((bidder) => bidder, Types.LONG)
    .window(EventTimeSessionWindows.withGap(GAP))
    .aggregate(counting, (bidder, ctx, counts, out) => {
      for (const count of counts) out.collect({ bidder, count, start: ctx.window.start, end: ctx.window.end });
    }, Types.LONG, Session)
    .name('q11: bids per session');
}

/** Per bidder, its bids' times in order; a gap of more than 10 s between two bids ends a session. */
export function reference(events) {
  const times = new Map(); // bidder → times of its bids
  for (const b of bidsOf(events)) {
    let list = times.get(b.bidder);
    if (list === undefined) times.set(b.bidder, (list = []));
    list.push(b.dateTime);
  }
  const out = [];
  for (const [bidder, list] of times) {
    list.sort((a, b) => a - b);
    let start = list[0];
    let last = list[0];
    let count = 0;
    for (const t of list) {
      // [last, last + GAP) and [t, t + GAP) overlap or touch while t <= last + GAP.
      if (t > last + GAP) {
        out.push({ bidder, count, start, end: last + GAP });
        start = t;
        count = 0;
      }
      last = t;
      count++;
    }
    out.push({ bidder, count, start, end: last + GAP });
  }
  return out;
}

export const canonical = (r) => `${r.bidder} ${r.start} ${r.end} ${r.count}`;
