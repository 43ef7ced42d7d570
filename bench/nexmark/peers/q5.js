// q5 (hot items) written with a for-loop, RxJS 7 and Node object-mode streams,
// with the event-time windows of ./windows.js.
import { WINDOW, SLIDE } from '../q5.js';
import { Watermarks, windowPeers, windowStart } from './windows.js';

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

export const { loop, rxjs, node } = windowPeers(q5Windows);
