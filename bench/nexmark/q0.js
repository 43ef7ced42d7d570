// Nexmark q0, pass through: every bid, unchanged. It measures the cost of
// reading events and handing them on, with no computation.
import { filter, from, map } from 'rxjs';
import { bids, bidsOf, EventKind } from './common.js';
import { nodeBids, nodeRun, rxRun } from './peers.js';

export const title = 'pass through';
export const description = 'every bid, unchanged';

export function weir(events) {
  return bids(events);
}

export function reference(events) {
  return bidsOf(events);
}

export const canonical = (b) => `${b.auction} ${b.bidder} ${b.price} ${b.channel} ${b.url} ${b.dateTime} ${b.extra}`;

export const peers = {
  loop(events, sink) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.type === EventKind.BID) sink(e.bid);
    }
  },
  rxjs(events, sink) {
    return rxRun(
      from(events).pipe(
        filter((e) => e.type === EventKind.BID),
        map((e) => e.bid),
      ),
      sink,
    );
  },
  node(events, sink) {
    return nodeRun(events, sink, nodeBids());
  },
};
