// q11 (user sessions) written with a for-loop, RxJS 7 and Node object-mode streams,
// with the event-time windows of ./windows.js.
import { GAP } from '../q11.js';
import { TimerHeap, Watermarks, windowPeers } from './windows.js';

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

export const { loop, rxjs, node } = windowPeers(q11Windows);
