// Nexmark q4, average price per category: the winning price of each auction
// (its highest bid made during its lifetime), averaged per category. Flink's SQL:
//
//   SELECT Q.category, AVG(Q.final)
//   FROM (SELECT MAX(B.price) AS final, A.category
//         FROM auction A, bid B
//         WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
//         GROUP BY A.id, A.category) Q
//   GROUP BY Q.category;
//
// The winning prices come from q9's operator (winningBids), fed with small
// projections of auctions and bids; each closing auction then updates its
// category's running (sum, count) with a rolling reduce, and the average is
// Flink's AVG over BIGINT: the sum divided by the count, truncated.
//
// Flink's SQL updates the inner MAX on every bid and retracts the old value
// from the average; here an auction counts once, when it closes. The final
// values are the same. With p > 1 the order in which auctions of one category
// close on different subtasks varies between runs, so the intermediate
// averages do too: finalize keeps the last update per category, whose
// average and count are deterministic.
import { Types } from 'weir';
import { auctions, bids, lastPerKey } from './common.js';
import { referenceWinners, winningBids } from './q9.js';

export const title = 'average price per category';
export const description = 'average winning price per category, updated as auctions close';

const AuctionLifetime = Types.OBJECT({ id: Types.LONG, category: Types.LONG, dateTime: Types.LONG, expires: Types.LONG });
const BidPrice = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG });
const CategoryTotal = Types.OBJECT({ category: Types.LONG, sum: Types.LONG, count: Types.LONG });
const CategoryAverage = Types.OBJECT({ category: Types.LONG, average: Types.LONG, count: Types.LONG });

export function weir(events) {
  const lifetimes = auctions(events)
    .map((a) => ({ id: a.id, category: a.category, dateTime: a.dateTime, expires: a.expires }), AuctionLifetime)
    .name('q4: (id, category, dateTime, expires)');
  const prices = bids(events)
    .map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime }), BidPrice)
    .name('q4: (auction, bidder, price, dateTime)');
  return winningBids(lifetimes, prices, {
    auctionType: AuctionLifetime,
    bidType: BidPrice,
    resultType: CategoryTotal,
    result: (a, b) => ({ category: a.category, sum: b.price, count: 1 }),
  })
    .keyBy((t) => t.category, Types.LONG)
    .reduce((acc, t) => ({ category: acc.category, sum: acc.sum + t.sum, count: acc.count + t.count }))
    .name('q4: running total per category')
    .map((t) => ({ category: t.category, average: Math.trunc(t.sum / t.count), count: t.count }), CategoryAverage)
    .name('q4: average');
}

export const finalize = (results) => lastPerKey(results, (r) => r.category);

export function reference(events) {
  const totals = new Map();
  for (const { auction, bid } of referenceWinners(events)) {
    const t = totals.get(auction.category) ?? { sum: 0, count: 0 };
    t.sum += bid.price;
    t.count++;
    totals.set(auction.category, t);
  }
  return [...totals].map(([category, t]) => ({ category, average: Math.trunc(t.sum / t.count), count: t.count }));
}

export const canonical = (r) => `${r.category} ${r.average} ${r.count}`;
