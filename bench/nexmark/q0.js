// Nexmark q0, pass through: every bid, unchanged. It measures the cost of
// reading events and handing them on, with no computation.
import { bids, bidsOf } from './common.js';

export const title = 'pass through';
export const description = 'every bid, unchanged';

export function weir(events) {
  return bids(events);
}

export function reference(events) {
  return bidsOf(events);
}

export const canonical = (b) => `${b.auction} ${b.bidder} ${b.price} ${b.channel} ${b.url} ${b.dateTime} ${b.extra}`;
