// Nexmark q11, user sessions: per bidder, event-time session windows with a
// 10 s gap, and the number of bids in each.
//
// Flink's SQL groups by bidder and SESSION(dateTime, 10 s): a session is a
// run of a bidder's bids each at most 10 s after the previous one; it starts at its first bid and ends 10 s after its last
// (SESSION_START / SESSION_END), and is emitted once the watermark passes
// its end. weir's EventTimeSessionWindows are the same windows (Flink's
// DataStream session windows, which the SQL runs on): [t, t + gap) per bid,
// merged while they overlap or touch. The count is an incremental aggregate.
import { filter, from, map } from 'rxjs';
import { EventTimeSessionWindows, Time, Types } from 'weir';
import { bids, bidsOf, EventKind } from './common.js';
import { nodeBids, nodeRun, rxRun } from './peers.js';
import { runLoop, TimerHeap, Watermarks, windowed, windowTransform } from './windowPeers.js';

export const title = 'user sessions';
export const description = 'session windows per bidder with a 10 s gap: (bidder, bids, start, end)';

const GAP = Time.seconds(10);

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

// ---------------------------------------------------------------------------
// The peers: per bidder its open sessions (pairwise apart), each with one
// timer in a heap. A bid that falls in a session extends it in place; its
// timer, now early, is pushed again at the new end − 1 when it comes up. A
// session merged into another is marked dead and its timer skipped.

function q11Windows(emit) {
  const byBidder = new Map(); // bidder → its open sessions
  const timers = new TimerHeap();
  const wm = new Watermarks((w) => {
    while (timers.size > 0 && timers.peek().time <= w) {
      const timer = timers.pop();
      const session = timer.session;
      if (session.dead) continue;
      if (session.end - 1 > timer.time) {
        timer.time = session.end - 1;
        timers.push(timer);
        continue;
      }
      const open = byBidder.get(session.bidder);
      if (open.length === 1) byBidder.delete(session.bidder);
      else open.splice(open.indexOf(session), 1);
      emit({ bidder: session.bidder, count: session.count, start: session.start, end: session.end });
    }
  });
  return {
    late: 0,
    onEvent(b) {
      const t = b.dateTime;
      const open = byBidder.get(b.bidder);
      // The bid's window [t, t + GAP) merges with every session it overlaps or touches.
      let into;
      if (open !== undefined) {
        let kept = 0;
        for (let i = 0; i < open.length; i++) {
          const s = open[i];
          if (s.start <= t + GAP && s.end >= t) {
            if (into === undefined) {
              into = s;
              open[kept++] = s;
              if (t < s.start) s.start = t;
              if (t + GAP > s.end) s.end = t + GAP;
              s.count++;
            } else {
              if (s.start < into.start) into.start = s.start;
              if (s.end > into.end) into.end = s.end;
              into.count += s.count;
              s.dead = true;
            }
          } else open[kept++] = s;
        }
        open.length = kept;
      }
      if (into === undefined) {
        // Open sessions are never behind the watermark, so only a bid of its own can be late.
        if (t + GAP - 1 <= wm.current) this.late++;
        else {
          const session = { bidder: b.bidder, start: t, end: t + GAP, count: 1, dead: false };
          if (open === undefined) byBidder.set(b.bidder, [session]);
          else open.push(session);
          timers.push({ time: session.end - 1, session });
        }
      }
      wm.onEvent(t);
    },
    finish: () => wm.finish(),
  };
}

const isBid = (e) => e.type === EventKind.BID;

export const peers = {
  loop: (events, sink) => runLoop(events, sink, q11Windows, isBid),
  rxjs: (events, sink) =>
    rxRun(
      from(events).pipe(
        filter(isBid),
        map((e) => e.bid),
        windowed(q11Windows),
      ),
      sink,
    ),
  node: (events, sink) => nodeRun(events, sink, nodeBids(), windowTransform(q11Windows)),
};
