// Nexmark q1, currency conversion: every bid with its price in euros
// (× 0.908). A map per bid.
import { Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'currency conversion';
export const description = 'every bid with price × 0.908';

/** Flink's q1 selects (auction, bidder, 0.908 × price, dateTime, extra). */
const EuroBid = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.DOUBLE, dateTime: Types.LONG, extra: Types.STRING });
export const toEuro = (b) => ({ auction: b.auction, bidder: b.bidder, price: 0.908 * b.price, dateTime: b.dateTime, extra: b.extra });

export function weir(events) {
  return bids(events).map(toEuro, EuroBid).name('q1: to euro');
}

export function reference(events) {
  return bidsOf(events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price * 0.908, dateTime: b.dateTime, extra: b.extra }));
}

export const canonical = (b) => `${b.auction} ${b.bidder} ${b.price} ${b.dateTime} ${b.extra}`;
