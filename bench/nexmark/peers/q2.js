// q2 (selection) written with a for-loop, RxJS 7 and Node object-mode streams.
import { filter, from, map } from 'rxjs';
import { EventKind } from 'weir/nexmark';
import { project, selected } from '../q2.js';
import { nodeBids, nodeRun, rxRun, transform } from './plumbing.js';

export function loop(events, sink) {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type === EventKind.BID && selected(e.bid)) sink(project(e.bid));
  }
}

export function rxjs(events, sink) {
  return rxRun(
    from(events).pipe(
      filter((e) => e.type === EventKind.BID && selected(e.bid)),
      map((e) => project(e.bid)),
    ),
    sink,
  );
}

export function node(events, sink) {
  return nodeRun(events, sink, nodeBids(), transform((b, push) => selected(b) && push(project(b))));
}
