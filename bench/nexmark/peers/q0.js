// q0 (pass through) written with a for-loop, RxJS 7 and Node object-mode streams.
import { filter, from, map } from 'rxjs';
import { EventKind } from 'weir/nexmark';
import { nodeBids, nodeRun, rxRun } from './plumbing.js';

export function loop(events, sink) {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type === EventKind.BID) sink(e.bid);
  }
}

export function rxjs(events, sink) {
  return rxRun(
    from(events).pipe(
      filter((e) => e.type === EventKind.BID),
      map((e) => e.bid),
    ),
    sink,
  );
}

export function node(events, sink) {
  return nodeRun(events, sink, nodeBids());
}
