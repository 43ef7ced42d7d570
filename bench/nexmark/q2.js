// Nexmark q2, selection: the auction and price of the bids on every 123rd
// auction. A filter and a projection.
import { Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'selection';
export const description = '(auction, price) of bids with auction % 123 == 0';

const AuctionPrice = Types.OBJECT({ auction: Types.LONG, price: Types.LONG });
export const selected = (b) => b.auction % 123 === 0;
export const project = (b) => ({ auction: b.auction, price: b.price });

export function weir(events) {
  return bids(events).filter(selected).name('q2: auction % 123 = 0').map(project, AuctionPrice).name('q2: (auction, price)');
}

export function reference(events) {
  const out = [];
  for (const b of bidsOf(events)) if (b.auction % 123 === 0) out.push({ auction: b.auction, price: b.price });
  return out;
}

export const canonical = (r) => `${r.auction} ${r.price}`;
