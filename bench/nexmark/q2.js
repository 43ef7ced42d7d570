// Nexmark q2, selection: the auction and price of the bids on every 123rd
// auction. A filter and a projection.
import { filter, from, map } from 'rxjs';
import { Types } from 'weir';
import { bids, bidsOf, EventKind } from './common.js';
import { nodeBids, nodeRun, rxRun, transform } from './peers.js';

export const title = 'selection';
export const description = '(auction, price) of bids with auction % 123 == 0';

const AuctionPrice = Types.OBJECT({ auction: Types.LONG, price: Types.LONG });
const selected = (b) => b.auction % 123 === 0;
const project = (b) => ({ auction: b.auction, price: b.price });

export function weir(events) {
  return bids(events).filter(selected).name('q2: auction % 123 = 0').map(project, AuctionPrice).name('q2: (auction, price)');
}

export function reference(events) {
  const out = [];
  for (const b of bidsOf(events)) if (b.auction % 123 === 0) out.push({ auction: b.auction, price: b.price });
  return out;
}

export const canonical = (r) => `${r.auction} ${r.price}`;

export const peers = {
  loop(events, sink) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.type === EventKind.BID && selected(e.bid)) sink(project(e.bid));
    }
  },
  rxjs(events, sink) {
    return rxRun(
      from(events).pipe(
        filter((e) => e.type === EventKind.BID && selected(e.bid)),
        map((e) => project(e.bid)),
      ),
      sink,
    );
  },
  node(events, sink) {
    return nodeRun(events, sink, nodeBids(), transform((b, push) => selected(b) && push(project(b))));
  },
};
