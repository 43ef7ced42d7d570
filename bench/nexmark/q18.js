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
const OrderKey = Types.OBJECT({ dateTime: Types.LONG, price: Types.LONG, extra: Types.STRING });

/** Whether bid `b` comes after the bid whose order key is `o`: by dateTime, then price, then extra. */
const after = (b, o) => b.dateTime > o.dateTime || (b.dateTime === o.dateTime && (b.price > o.price || (b.price === o.price && b.extra > o.extra)));

class LastBid extends KeyedProcessFunction {
  open() {
    this.latest = this.getRuntimeContext().getState(new ValueStateDescriptor('latest', OrderKey));
  }

  processElement(bid, ctx, out) {
    const latest = this.latest.value();
    if (latest !== null && latest !== undefined && !after(bid, latest)) return;
    this.latest.update({ dateTime: bid.dateTime, price: bid.price, extra: bid.extra });
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
