// Nexmark q6, average selling price by seller: per seller, the average winning
// price of its last 10 closed auctions. Flink's SQL (which Flink 1.13 could not
// run: an OVER window on an updating input):
//
//   SELECT Q.seller, AVG(Q.price) OVER
//     (PARTITION BY Q.seller ORDER BY Q.dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)
//   FROM (winning bid per auction: A.id, A.seller, B.price, B.dateTime) Q;
//
// Here, as Nexmark's definition says ("the last 10"), the window is 10 auctions
// (the SQL's frame holds 11 rows), and "last" is by closing time: auctions are
// ordered by (expires, id) rather than by the winning bid's time, which is
// when the auction's price became final only in the SQL's changelog.
//
// The winners come from q9's operator (winningBids) on small projections; per
// seller a KeyedProcessFunction keeps the 10 latest (expires, id, price) in
// one ValueState, sorted, and emits the seller's average after each close.
// The average is Flink's AVG over BIGINT: the sum divided by the count,
// truncated. With p > 1 the winners of one seller come from several subtasks
// in an order that varies between runs, so the list is kept sorted instead of
// appended to: the last update per seller (finalize) is deterministic, the
// intermediate ones are not.
import { KeyedProcessFunction, Types, ValueStateDescriptor } from 'weir';
import { auctions, bids, lastPerKey } from './common.js';
import { referenceWinners, winningBids } from './q9.js';

export const title = 'average selling price by seller';
export const description = 'per seller, the average winning price of its last 10 closed auctions';

const LAST = 10;

const AuctionLifetime = Types.OBJECT({ id: Types.LONG, seller: Types.LONG, dateTime: Types.LONG, expires: Types.LONG });
const BidPrice = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG });
const Sale = Types.OBJECT({ seller: Types.LONG, expires: Types.LONG, id: Types.LONG, price: Types.LONG });
const Closed = Types.OBJECT({ expires: Types.LONG, id: Types.LONG, price: Types.LONG });
const SellerAverage = Types.OBJECT({ seller: Types.LONG, average: Types.LONG, count: Types.LONG });

/** Whether closed auction `a` comes before `b`: by expires, then id. */
const before = (a, b) => a.expires < b.expires || (a.expires === b.expires && a.id < b.id);

/** Per seller: its latest LAST closed auctions, oldest first. */
class LastSales extends KeyedProcessFunction {
  open() {
    this.latest = this.getRuntimeContext().getState(new ValueStateDescriptor('latest sales', Types.LIST(Closed)));
  }

  processElement(sale, _ctx, out) {
    const latest = this.latest.value() ?? [];
    let i = latest.length;
    while (i > 0 && before(sale, latest[i - 1])) i--;
    latest.splice(i, 0, { expires: sale.expires, id: sale.id, price: sale.price });
    if (latest.length > LAST) latest.shift();
    this.latest.update(latest);
    let sum = 0;
    for (const s of latest) sum += s.price;
    out.collect({ seller: sale.seller, average: Math.trunc(sum / latest.length), count: latest.length });
  }
}

export function weir(events) {
  const lifetimes = auctions(events)
    .map((a) => ({ id: a.id, seller: a.seller, dateTime: a.dateTime, expires: a.expires }), AuctionLifetime)
    .name('q6: (id, seller, dateTime, expires)');
  const prices = bids(events)
    .map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime }), BidPrice)
    .name('q6: (auction, bidder, price, dateTime)');
  return winningBids(lifetimes, prices, {
    auctionType: AuctionLifetime,
    bidType: BidPrice,
    resultType: Sale,
    result: (a, b) => ({ seller: a.seller, expires: a.expires, id: a.id, price: b.price }),
  })
    .keyBy((s) => s.seller, Types.LONG)
    .process(new LastSales(), SellerAverage)
    .name('q6: average of the last 10 per seller');
}

export const finalize = (results) => lastPerKey(results, (r) => r.seller);

export function reference(events) {
  const sales = new Map();
  for (const { auction, bid } of referenceWinners(events)) {
    const list = sales.get(auction.seller) ?? [];
    list.push({ expires: auction.expires, id: auction.id, price: bid.price });
    sales.set(auction.seller, list);
  }
  const out = [];
  for (const [seller, list] of sales) {
    list.sort((a, b) => a.expires - b.expires || a.id - b.id);
    const last = list.slice(-LAST);
    const sum = last.reduce((s, x) => s + x.price, 0);
    out.push({ seller, average: Math.trunc(sum / last.length), count: last.length });
  }
  return out;
}

export const canonical = (r) => `${r.seller} ${r.average} ${r.count}`;
