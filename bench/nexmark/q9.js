// Nexmark q9, winning bids: for each auction, its highest bid among the bids
// made during its lifetime, emitted with the auction. Flink's SQL:
//
//   SELECT id, itemName, …, extra, auction, bidder, price, bid_dateTime, bid_extra
//   FROM (SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
//           ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum
//         FROM auction A, bid B
//         WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires)
//   WHERE rownum <= 1;
//
// Flink's SQL emits a changelog (the leader so far, retracted when overtaken).
// Here the winner is emitted once, when the auction closes: an event-time
// timer at auction.expires. Once the watermark passes `expires` no bid of the
// auction's lifetime can still come (bids behind the watermark are late; the
// Nexmark source has none), so the final results are the same. Auctions with
// no bid in their lifetime emit nothing, as the inner join. Ties on price go to
// the earliest bid (as the SQL's ORDER BY), then — to make the winner
// deterministic — the lowest bidder, then the smaller `extra`.
//
// `winningBids(...)` is the operator; q4 and q6 reuse it on smaller records.
import { KeyedCoProcessFunction, ListStateDescriptor, Time, Types, ValueStateDescriptor } from 'weir';
import { AuctionType } from 'weir/nexmark';
import { auctions, auctionsOf, bids, bidsOf, fieldsOf } from './common.js';

export const title = 'winning bids';
export const description = 'for each auction, the highest bid (ties: earliest) within its lifetime, emitted with the auction';

/**
 * How long a closed auction's key keeps a marker that drops its late-coming
 * bids at once. After that such a bid is buffered as if its auction had not
 * come yet, and pruned when the watermark passes it: slower, never wrong.
 */
const CLOSED_RETENTION = Time.seconds(10);

/** Early bids are pruned at the end of each such period of event time. */
const PRUNE_EVERY = Time.seconds(1);

/**
 * Per auction, what a bid needs to know: the auction's lifetime, whether it
 * is still open, and the leader so far (its price, time and bidder; the whole
 * bid is in its own state, read only to break a full tie or to emit it).
 */
const Progress = Types.OBJECT({
  start: Types.LONG,
  end: Types.LONG,
  open: Types.BOOLEAN,
  leading: Types.BOOLEAN,
  price: Types.LONG,
  dateTime: Types.LONG,
  bidder: Types.LONG,
});

/** Whether bid `b` beats the leader `l` (price, time, bidder as in Progress; `extra` from the leader's full bid, on a full tie). */
function beats(b, l, leaderExtra) {
  if (b.price !== l.price) return b.price > l.price;
  if (b.dateTime !== l.dateTime) return b.dateTime < l.dateTime;
  if (b.bidder !== l.bidder) return b.bidder < l.bidder;
  return (b.extra ?? '') < (leaderExtra() ?? '');
}

/**
 * Auctions (input 1) and bids (input 2) keyed by auction id; emits
 * `result(auction, winningBid)` at `auction.expires`.
 *
 * State per auction id: the auction (read only when it closes), its Progress,
 * the leading bid, and the bids that came before their auction (a bid may be
 * generated before its auction in the same millisecond, and parallel readers
 * reorder the two). Those early bids are folded in when the auction comes, or
 * dropped once the watermark passes them: a later auction starts after the
 * watermark, so they could not be in its lifetime. After the close a marker
 * (Progress with open = false) stays for CLOSED_RETENTION.
 */
export class WinningBid extends KeyedCoProcessFunction {
  constructor(auctionType, bidType, result) {
    super();
    this.auctionType = auctionType;
    this.bidType = bidType;
    this.result = result;
  }

  open() {
    const ctx = this.getRuntimeContext();
    this.auction = ctx.getState(new ValueStateDescriptor('auction', this.auctionType));
    this.progress = ctx.getState(new ValueStateDescriptor('progress', Progress));
    this.leader = ctx.getState(new ValueStateDescriptor('leading bid', this.bidType));
    this.early = ctx.getListState(new ListStateDescriptor('early bids', this.bidType));
    this.leaderExtra = () => this.leader.value()?.extra;
  }

  processElement1(auction, ctx) {
    const p = { start: auction.dateTime, end: auction.expires, open: true, leading: false, price: 0, dateTime: 0, bidder: 0 };
    let leader = null;
    for (const b of this.early.get()) {
      if (b.dateTime < p.start || b.dateTime > p.end) continue;
      if (leader === null || beats(b, p, () => leader.extra)) {
        leader = b;
        Object.assign(p, { leading: true, price: b.price, dateTime: b.dateTime, bidder: b.bidder });
      }
    }
    this.early.clear();
    if (leader !== null) this.leader.update(leader);
    this.progress.update(p);
    this.auction.update(auction);
    ctx.timerService().registerEventTimeTimer(auction.expires);
  }

  processElement2(bid, ctx) {
    const p = this.progress.value();
    if (p === null) {
      this.early.add(bid);
      // One pruning timer per key and second, not one per bid (timers are deduplicated per key and time).
      ctx.timerService().registerEventTimeTimer(bid.dateTime - (bid.dateTime % PRUNE_EVERY) + PRUNE_EVERY - 1);
    } else if (p.open && bid.dateTime >= p.start && bid.dateTime <= p.end && (!p.leading || beats(bid, p, this.leaderExtra))) {
      p.leading = true;
      p.price = bid.price;
      p.dateTime = bid.dateTime;
      p.bidder = bid.bidder;
      this.progress.update(p);
      this.leader.update(bid);
    }
  }

  onTimer(t, ctx, out) {
    const p = this.progress.value();
    if (p === null) {
      // Early bids that the watermark has passed can no longer meet their auction.
      const early = this.early.get();
      const kept = early.filter((b) => b.dateTime > t);
      if (kept.length < early.length) this.early.update(kept);
    } else if (p.open && t === p.end) {
      if (p.leading) out.collect(this.result(this.auction.value(), this.leader.value()));
      this.auction.clear();
      this.leader.clear();
      this.progress.update({ ...p, open: false });
      ctx.timerService().registerEventTimeTimer(p.end + CLOSED_RETENTION);
    } else if (!p.open && t === p.end + CLOSED_RETENTION) {
      this.progress.clear();
    }
  }
}

/**
 * The winning bid of each auction, as `result(auction, bid)` of type
 * `resultType`, emitted when the auction closes (timestamp: its expires).
 * `auctions` need id, dateTime and expires; `bids` auction, bidder, price,
 * dateTime (and optionally extra, the last tie-break).
 */
export function winningBids(auctionStream, bidStream, { auctionType, bidType, resultType, result }) {
  return auctionStream
    .connect(bidStream)
    .keyBy((a) => a.id, (b) => b.auction, Types.LONG)
    .process(new WinningBid(auctionType, bidType, result), resultType)
    .name('winning bid per auction');
}

/** The bid fields q9 outputs. */
const BidOfWinner = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG, extra: Types.STRING });
const Winner = Types.OBJECT({
  ...fieldsOf(AuctionType),
  auction: Types.LONG,
  bidder: Types.LONG,
  price: Types.LONG,
  bidDateTime: Types.LONG,
  bidExtra: Types.STRING,
});
const winner = (a, b) => ({
  id: a.id,
  itemName: a.itemName,
  description: a.description,
  initialBid: a.initialBid,
  reserve: a.reserve,
  dateTime: a.dateTime,
  expires: a.expires,
  seller: a.seller,
  category: a.category,
  extra: a.extra,
  auction: b.auction,
  bidder: b.bidder,
  price: b.price,
  bidDateTime: b.dateTime,
  bidExtra: b.extra,
});

export function weir(events) {
  const bidFields = bids(events)
    .map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }), BidOfWinner)
    .name('q9: (auction, bidder, price, dateTime, extra)');
  return winningBids(auctions(events), bidFields, { auctionType: AuctionType, bidType: BidOfWinner, resultType: Winner, result: winner });
}

/** The winning bid per auction id over all events: Map id → { auction, bid }. Shared with q4's and q6's references. */
export function referenceWinners(events) {
  const byAuction = new Map();
  for (const a of auctionsOf(events)) byAuction.set(a.id, { auction: a, bid: null });
  for (const b of bidsOf(events)) {
    const w = byAuction.get(b.auction);
    if (w === undefined || b.dateTime < w.auction.dateTime || b.dateTime > w.auction.expires) continue;
    const l = w.bid;
    if (
      l === null ||
      b.price > l.price ||
      (b.price === l.price && (b.dateTime < l.dateTime || (b.dateTime === l.dateTime && (b.bidder < l.bidder || (b.bidder === l.bidder && b.extra < l.extra)))))
    ) {
      w.bid = b;
    }
  }
  return [...byAuction.values()].filter((w) => w.bid !== null);
}

export function reference(events) {
  return referenceWinners(events).map(({ auction, bid }) => ({
    ...auction,
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    bidDateTime: bid.dateTime,
    bidExtra: bid.extra,
  }));
}

export const canonical = (r) =>
  `${r.id} ${r.itemName} ${r.description} ${r.initialBid} ${r.reserve} ${r.dateTime} ${r.expires} ${r.seller} ${r.category} ${r.extra} ${r.auction} ${r.bidder} ${r.price} ${r.bidDateTime} ${r.bidExtra}`;
