// Nexmark q15, bidding statistics per day: for each day (UTC), the number of
// bids, of distinct bidders and of distinct auctions, each in total and per
// price rank (< 10,000, < 1,000,000, else).
//
// Flink's SQL is a GROUP BY day with COUNT(DISTINCT …) FILTER (…): an updating
// aggregate. Flink keeps, per group, a map from each distinct value to a bit
// set of the filters it passed; this program does the same in keyed state:
//   1. each bid → (day, bidder, auction, rank);
//   2. keyed by day, BidStatistics (shared with q16): MapStates bidder → bits
//      and auction → bits of the ranks each was seen with (bit 0: any), and
//      the counts. A bid adds 1 to total_bids and its rank's count, and 1 to
//      each distinct count whose bit it sets first. The counts are a
//      MiniBatchAggregate (perDay.js): a group's row is emitted at most once
//      per 2 s of event time, as Flink's mini-batches do.
// Which intermediate rows appear depends on when watermarks arrive; the last
// row per day does not, and that is what is compared.
//
// The Nexmark runs also split the distinct counts
// (table.optimizer.distinct-agg.split.enabled): keyed by (day, bidder), then
// by (day, auction), then by day, so that one day is not one subtask's work.
// Written that way here (a ValueState of rank bits per (day, bidder) and per
// (day, auction), the counts summed per day) it took 1.5× the CPU time of this
// plan at 2M events and parallelism 1 (2.2× with the group as an OBJECT in
// the composite keys, as q16 would need): each bid crosses three keyed
// exchanges instead of one, and on one thread that costs more than two
// MapState lookups.
import { MapStateDescriptor, Types } from 'weir';
import { bids, bidsOf, lastPerKey } from './common.js';
import { MiniBatchAggregate, epochDay, formatDay, priceRank } from './perDay.js';

export const title = 'bidding statistics per day';
export const description = 'per day: bid count; distinct bidders; distinct auctions — each in total and for price ranks <1e4, [1e4,1e6), ≥1e6';

/** The bits of a bidder or auction seen in a group: bit 0 "any bid", bit r "a bid of rank r". */
const ANY = 1;

/** The twelve counts of a group, in Flink's q15 column order (also q16's). */
const COUNTS = ['bids', 'bidders', 'auctions'].flatMap((what) => ['total', 'rank1', 'rank2', 'rank3'].map((rank) => `${rank}_${what}`));
export const countFields = Object.fromEntries(COUNTS.map((c) => [c, Types.LONG]));
const Counts = Types.OBJECT(countFields);

/**
 * The statistics of a group of bids (records with bidder, auction and rank),
 * with the distinct bidders and auctions in MapStates of the group's key.
 * `getResult(acc, key)` makes the group's row: subclasses give it.
 */
export class BidStatistics extends MiniBatchAggregate {
  constructor(accType = Counts) {
    super(accType);
  }

  open() {
    super.open();
    const ctx = this.getRuntimeContext();
    this.bidders = ctx.getMapState(new MapStateDescriptor('bidders', Types.LONG, Types.INT));
    this.auctions = ctx.getMapState(new MapStateDescriptor('auctions', Types.LONG, Types.INT));
  }

  createAccumulator() {
    return {
      total_bids: 0, rank1_bids: 0, rank2_bids: 0, rank3_bids: 0,
      total_bidders: 0, rank1_bidders: 0, rank2_bidders: 0, rank3_bidders: 0,
      total_auctions: 0, rank1_auctions: 0, rank2_auctions: 0, rank3_auctions: 0,
    };
  }

  add(r, acc) {
    acc.total_bids++;
    if (r.rank === 1) acc.rank1_bids++;
    else if (r.rank === 2) acc.rank2_bids++;
    else acc.rank3_bids++;
    const bits = ANY | (1 << r.rank);
    const bidder = this.bidders.get(r.bidder) ?? 0;
    if ((bidder & bits) !== bits) {
      if ((bidder & ANY) === 0) acc.total_bidders++;
      if ((bidder & bits & ~ANY) === 0) acc[RANK_BIDDERS[r.rank]]++;
      this.bidders.put(r.bidder, bidder | bits);
    }
    const auction = this.auctions.get(r.auction) ?? 0;
    if ((auction & bits) !== bits) {
      if ((auction & ANY) === 0) acc.total_auctions++;
      if ((auction & bits & ~ANY) === 0) acc[RANK_AUCTIONS[r.rank]]++;
      this.auctions.put(r.auction, auction | bits);
    }
    return acc;
  }
}

const RANK_BIDDERS = [undefined, 'rank1_bidders', 'rank2_bidders', 'rank3_bidders'];
const RANK_AUCTIONS = [undefined, 'rank1_auctions', 'rank2_auctions', 'rank3_auctions'];

class DayStatistics extends BidStatistics {
  getResult(counts, day) {
    return { day: formatDay(day), ...counts };
  }
}

const RankedBid = Types.OBJECT({ day: Types.LONG, bidder: Types.LONG, auction: Types.LONG, rank: Types.INT });

const DayStatisticsType = Types.OBJECT({ day: Types.STRING, ...countFields });

export function weir(events) {
  return bids(events)
    .map((b) => ({ day: epochDay(b.dateTime), bidder: b.bidder, auction: b.auction, rank: priceRank(b.price) }), RankedBid)
    .name('q15: (day, bidder, auction, rank)')
    .keyBy((r) => r.day, Types.LONG)
    .process(new DayStatistics(), DayStatisticsType)
    .name('q15: statistics per day');
}

/** The counts of bids, bidders and auctions over `bids`, in total and per rank (also q16's reference). */
export function referenceCounts(bids) {
  const ranks = [() => true, (p) => p < 10000, (p) => p >= 10000 && p < 1000000, (p) => p >= 1000000];
  const names = ['total', 'rank1', 'rank2', 'rank3'];
  const row = {};
  ranks.forEach((inRank, i) => {
    const selected = bids.filter((b) => inRank(b.price));
    row[`${names[i]}_bids`] = selected.length;
    row[`${names[i]}_bidders`] = new Set(selected.map((b) => b.bidder)).size;
    row[`${names[i]}_auctions`] = new Set(selected.map((b) => b.auction)).size;
  });
  return row;
}

export function reference(events) {
  const perDay = new Map();
  for (const b of bidsOf(events)) {
    const day = new Date(b.dateTime).toISOString().slice(0, 10);
    if (!perDay.has(day)) perDay.set(day, []);
    perDay.get(day).push(b);
  }
  return [...perDay].map(([day, dayBids]) => ({ day, ...referenceCounts(dayBids) }));
}

export const finalize = (results) => lastPerKey(results, (r) => r.day);

/** The counts of a row, in Flink's column order (also q16's). */
export const countsOf = (r) => COUNTS.map((c) => r[c]).join(' ');

export const canonical = (r) => `${r.day} ${countsOf(r)}`;
