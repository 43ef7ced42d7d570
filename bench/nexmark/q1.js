// Nexmark q1, currency conversion: every bid with its price in euros
// (× 0.908). A map per bid.
import { filter, from, map } from 'rxjs';
import { bids, bidsOf, EventKind } from './common.js';
import { nodeBids, nodeRun, rxRun, transform } from './peers.js';
import { Types } from 'weir';

export const title = 'currency conversion';
export const description = 'every bid with price × 0.908';

/** Flink's q1 selects (auction, bidder, 0.908 × price, dateTime, extra). */
const EuroBid = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.DOUBLE, dateTime: Types.LONG, extra: Types.STRING });
const toEuro = (b) => ({ auction: b.auction, bidder: b.bidder, price: 0.908 * b.price, dateTime: b.dateTime, extra: b.extra });

export function weir(events) {
  return bids(events).map(toEuro, EuroBid).name('q1: to euro');
}

export function reference(events) {
  return bidsOf(events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price * 0.908, dateTime: b.dateTime, extra: b.extra }));
}

export const canonical = (b) => `${b.auction} ${b.bidder} ${b.price} ${b.dateTime} ${b.extra}`;

export const peers = {
  loop(events, sink) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.type === EventKind.BID) sink(toEuro(e.bid));
    }
  },
  rxjs(events, sink) {
    return rxRun(
      from(events).pipe(
        filter((e) => e.type === EventKind.BID),
        map((e) => toEuro(e.bid)),
      ),
      sink,
    );
  },
  node(events, sink) {
    return nodeRun(events, sink, nodeBids(), transform((b, push) => push(toEuro(b))));
  },
};
