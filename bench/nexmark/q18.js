// Nexmark q18, find last bid: per (bidder, auction), the latest bid — Flink's
// deduplication `ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY
// dateTime DESC) = 1`, an updating result.
//
// weir keys the bids by (bidder, auction) and keeps, per key, the order key of
// the latest bid so far in a ValueState; a bid that comes later in that order
// replaces it and is emitted (Flink's changelog without the retractions), so
// the last bid emitted per key is its latest, and finalize keeps that.
//
// Ties: bids of one key often share a dateTime (10 events per ms). Flink keeps
// the one that arrives last, which depends on the order of the parallel
// readers; here (and in the reference) the latest bid is the greatest by
// (dateTime, price, extra), compared in that order — deterministic, as long
// as no two bids of a key agree on all three (extra is 50–80 random letters).
// The state holds only those three fields, not the whole bid: 590k keys at
// 2M events must fit the managed memory.
import { KeyedProcessFunction, Types, ValueStateDescriptor } from 'weir';
import { BidType } from 'weir/nexmark';
import { bids, bidsOf, lastPerKey } from './common.js';

export const title = 'find last bid';
export const description = 'per (bidder, auction): the latest bid';

const BidderAuction = Types.TUPLE([Types.LONG, Types.LONG]);
const Latest = Types.OBJECT({ dateTime: Types.LONG, price: Types.LONG });

class LastBid extends KeyedProcessFunction {
  open() {
    const ctx = this.getRuntimeContext();
    // The latest bid's extra is read only when dateTime and price tie (rarely), so it has a state of its own.
    this.latest = ctx.getState(new ValueStateDescriptor('latest', Latest));
    this.latestExtra = ctx.getState(new ValueStateDescriptor('latest extra', Types.STRING));
  }

  /** Whether `bid` comes after the latest bid so far: by dateTime, then price, then extra. */
  isLater(bid) {
    const latest = this.latest.value();
    if (latest === null || latest === undefined) return true;
    if (bid.dateTime !== latest.dateTime) return bid.dateTime > latest.dateTime;
    if (bid.price !== latest.price) return bid.price > latest.price;
    return bid.extra > this.latestExtra.value();
  }

  processElement(bid, ctx, out) {
    if (!this.isLater(bid)) return;
    this.latest.update({ dateTime: bid.dateTime, price: bid.price });
    this.latestExtra.update(bid.extra);
    out.collect(bid);
  }
}

export function weir(events) {
  return bids(events)
    .keyBy((b) => [b.bidder, b.auction], BidderAuction)
    .process(new LastBid(), BidType)
    .name('q18: last bid per (bidder, auction)');
}

export const finalize = (results) => lastPerKey(results, (b) => `${b.bidder} ${b.auction}`);

export function reference(events) {
  const last = new Map();
  for (const b of bidsOf(events)) {
    const key = `${b.bidder} ${b.auction}`;
    const prev = last.get(key);
    if (
      prev === undefined ||
      b.dateTime > prev.dateTime ||
      (b.dateTime === prev.dateTime && (b.price > prev.price || (b.price === prev.price && b.extra > prev.extra)))
    ) {
      last.set(key, b);
    }
  }
  return [...last.values()];
}

export const canonical = (b) => `${b.bidder} ${b.auction} ${b.price} ${b.channel} ${b.url} ${b.dateTime} ${b.extra}`;
