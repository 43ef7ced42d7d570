// Nexmark q17, auction statistics per day: for each auction and day (UTC), the
// number of bids, in total and per price rank (< 10,000, < 1,000,000, else),
// and the minimum, maximum, average and sum of their prices.
//
// Flink's SQL is a GROUP BY (auction, day): an updating aggregate. Here each
// bid is projected to (auction, day, price), keyed by (auction, day), and
// folded into an accumulator in keyed state (MiniBatchAggregate, perDay.js),
// which emits a group's row at most once per 2 s of event time, as Flink's
// mini-batches do. Which intermediate rows appear depends on when watermarks
// arrive; the last row per group does not, and that is what is compared.
// avg_price is BIGINT in Flink (AVG of a BIGINT column): the sum divided by the
// count, truncated.
import { Types } from 'weir';
import { bids, bidsOf, lastPerKey } from './common.js';
import { MiniBatchAggregate, epochDay, formatDay, priceRank } from './perDay.js';

export const title = 'auction statistics per day';
export const description = 'per (auction, day): count, counts per price rank, min, max, avg, sum of price';

const AuctionDayPrice = Types.OBJECT({ auction: Types.LONG, day: Types.LONG, price: Types.LONG });
const AuctionDay = Types.TUPLE([Types.LONG, Types.LONG]);
/** The bid counts of a group: in total and per price rank. */
const countFields = { total_bids: Types.LONG, rank1_bids: Types.LONG, rank2_bids: Types.LONG, rank3_bids: Types.LONG };
const Statistics = Types.OBJECT({ ...countFields, min_price: Types.LONG, max_price: Types.LONG, sum_price: Types.LONG });
const AuctionStatistics = Types.OBJECT({
  auction: Types.LONG,
  day: Types.STRING,
  ...countFields,
  min_price: Types.LONG,
  max_price: Types.LONG,
  avg_price: Types.LONG,
  sum_price: Types.LONG,
});

class AuctionDayStatistics extends MiniBatchAggregate {
  createAccumulator() {
    return { total_bids: 0, rank1_bids: 0, rank2_bids: 0, rank3_bids: 0, min_price: Number.MAX_SAFE_INTEGER, max_price: 0, sum_price: 0 };
  }

  add(b, acc) {
    acc.total_bids++;
    const rank = priceRank(b.price);
    if (rank === 1) acc.rank1_bids++;
    else if (rank === 2) acc.rank2_bids++;
    else acc.rank3_bids++;
    if (b.price < acc.min_price) acc.min_price = b.price;
    if (b.price > acc.max_price) acc.max_price = b.price;
    acc.sum_price += b.price;
    return acc;
  }

  getResult(acc, [auction, day]) {
    return { auction, day: formatDay(day), ...acc, avg_price: Math.trunc(acc.sum_price / acc.total_bids) };
  }
}

export function weir(events) {
  return bids(events)
    .map((b) => ({ auction: b.auction, day: epochDay(b.dateTime), price: b.price }), AuctionDayPrice)
    .name('q17: (auction, day, price)')
    .keyBy((b) => [b.auction, b.day], AuctionDay)
    .process(new AuctionDayStatistics(Statistics), AuctionStatistics)
    .name('q17: statistics per (auction, day)');
}

export function reference(events) {
  const groups = new Map();
  for (const b of bidsOf(events)) {
    const day = new Date(b.dateTime).toISOString().slice(0, 10);
    const key = `${b.auction} ${day}`;
    if (!groups.has(key)) groups.set(key, { auction: b.auction, day, prices: [] });
    groups.get(key).prices.push(b.price);
  }
  return [...groups.values()].map(({ auction, day, prices }) => {
    const sum = prices.reduce((s, p) => s + p, 0);
    return {
      auction,
      day,
      total_bids: prices.length,
      rank1_bids: prices.filter((p) => p < 10000).length,
      rank2_bids: prices.filter((p) => p >= 10000 && p < 1000000).length,
      rank3_bids: prices.filter((p) => p >= 1000000).length,
      min_price: Math.min(...prices),
      max_price: Math.max(...prices),
      avg_price: Math.floor(sum / prices.length),
      sum_price: sum,
    };
  });
}

export const finalize = (results) => lastPerKey(results, (r) => `${r.auction} ${r.day}`);

export const canonical = (r) =>
  `${r.auction} ${r.day} ${r.total_bids} ${r.rank1_bids} ${r.rank2_bids} ${r.rank3_bids} ${r.min_price} ${r.max_price} ${r.avg_price} ${r.sum_price}`;
