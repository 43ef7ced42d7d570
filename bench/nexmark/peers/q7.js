// q7 (highest bid) written with a for-loop, RxJS 7 and Node object-mode streams,
// with the event-time windows of ./windows.js.
import { WINDOW, q7Result } from '../q7.js';
import { Watermarks, windowPeers, WindowsByStart, windowStart } from './windows.js';

// The peers: the same windows with a Map by window start.

function q7Windows(emit) {
  const windows = new WindowsByStart(WINDOW, (start, end, w) => {
    for (const b of w.bids) emit(q7Result(start, end, b));
    for (const b of w.edges) if (b.price === w.price) emit(q7Result(start, end, b));
  });
  const wm = new Watermarks((w) => windows.advance(w));
  const make = () => ({ price: -1, bids: [], edges: [] });
  return {
    late: 0,
    onEvent(b) {
      const t = b.dateTime;
      const start = windowStart(t, WINDOW);
      if (start + WINDOW - 1 <= wm.current) this.late++;
      else {
        const w = windows.get(start, make);
        if (b.price > w.price) {
          w.price = b.price;
          w.bids = [b];
          if (w.edges.length > 0) w.edges = w.edges.filter((e) => e.price >= b.price);
        } else if (b.price === w.price) w.bids.push(b);
      }
      // The bid at a window's end may match that window's maximum too.
      if (start === t && start - 1 > wm.current) {
        const w = windows.get(start - WINDOW, make);
        if (b.price >= w.price) w.edges.push(b);
      }
      wm.onEvent(t);
    },
    finish: () => wm.finish(),
  };
}

export const { loop, rxjs, node } = windowPeers(q7Windows);
