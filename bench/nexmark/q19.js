// Nexmark q19, auction top-10 price: per auction, the 10 highest bids by
// price with their rank — Flink's Top-N `ROW_NUMBER() OVER (PARTITION BY
// auction ORDER BY price DESC) <= 10`, an updating result keyed by
// (auction, rank).
//
// weir keys the bids by auction and keeps, per auction, the ranking (up to 10
// small entries: price, dateTime, bidder and the slot of the row) in a
// ValueState and the rest of the rows in a MapState by slot (a row is written once,
// when it enters; its slot is reused when it drops out). A bid that enters the
// top 10 at rank r is emitted with rank r, and the rows it pushes down are
// emitted again with their new ranks (Flink's changelog for ranks r..10,
// without the retractions); finalize keeps the last row per (auction, rank).
//
// Ties: rows of equal price rank by earlier dateTime, then smaller bidder,
// then smaller extra (in weir and in the reference); Flink ranks them by
// arrival, which depends on the order of the parallel readers.
import { KeyedProcessFunction, MapStateDescriptor, Types, ValueStateDescriptor } from 'weir';
import { bids, bidsOf, lastPerKey } from './common.js';

export const title = 'top-10 price';
export const description = 'per auction: the 10 highest bids, with their rank';

const N = 10;

// The ranking: 4 numbers per ranked row — price, dateTime, bidder, slot —
// best first, in one flat list (one small array per read; a typed array
// would cost an ArrayBuffer per read).
const Ranking = Types.LIST(Types.LONG);
const W = 4;
// The rest of a ranked row (its numbers are in the ranking).
const Row = Types.OBJECT({ channel: Types.STRING, url: Types.STRING, extra: Types.STRING });
const RankedBid = Types.OBJECT({
  auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, channel: Types.STRING, url: Types.STRING, dateTime: Types.LONG, extra: Types.STRING, rankNumber: Types.LONG,
});

/** The output row of rank index `i` of `ranking`, whose strings are `row`'s. */
const ranked = (auction, ranking, i, row) => {
  const at = i * W;
  return { auction, bidder: ranking[at + 2], price: ranking[at], channel: row.channel, url: row.url, dateTime: ranking[at + 1], extra: row.extra, rankNumber: i + 1 };
};

class TopN extends KeyedProcessFunction {
  open() {
    const ctx = this.getRuntimeContext();
    this.ranking = ctx.getState(new ValueStateDescriptor('ranking', Ranking));
    this.rows = ctx.getMapState(new MapStateDescriptor('rows', Types.INT, Row));
  }

  /** Whether `bid` ranks before the row at rank index `i` of `ranking`. */
  before(bid, ranking, i) {
    const at = i * W;
    if (bid.price !== ranking[at]) return bid.price > ranking[at];
    if (bid.dateTime !== ranking[at + 1]) return bid.dateTime < ranking[at + 1];
    if (bid.bidder !== ranking[at + 2]) return bid.bidder < ranking[at + 2];
    return bid.extra < this.rows.get(ranking[at + 3]).extra;
  }

  processElement(bid, ctx, out) {
    const ranking = this.ranking.value() ?? [];
    const n = ranking.length / W;
    let r = n;
    while (r > 0 && this.before(bid, ranking, r - 1)) r--; // from the bottom: most bids do not enter
    if (r >= N) return;
    const slot = n < N ? n : ranking[(N - 1) * W + 3]; // a new slot, or the one of the row that drops out
    if (n === N) ranking.length -= W;
    ranking.splice(r * W, 0, bid.price, bid.dateTime, bid.bidder, slot);
    this.ranking.update(ranking);
    this.rows.put(slot, { channel: bid.channel, url: bid.url, extra: bid.extra });
    out.collect(ranked(bid.auction, ranking, r, bid));
    for (let i = r + 1; i < ranking.length / W; i++) out.collect(ranked(bid.auction, ranking, i, this.rows.get(ranking[i * W + 3])));
  }
}

export function weir(events) {
  return bids(events).keyBy((b) => b.auction, Types.LONG).process(new TopN(), RankedBid).name('q19: top 10 bids per auction');
}

export const finalize = (results) => lastPerKey(results, (r) => `${r.auction} ${r.rankNumber}`);

export function reference(events) {
  const tops = new Map();
  const first = (a, b) => a.price > b.price || (a.price === b.price && (a.dateTime < b.dateTime || (a.dateTime === b.dateTime && (a.bidder < b.bidder || (a.bidder === b.bidder && a.extra < b.extra)))));
  for (const b of bidsOf(events)) {
    let top = tops.get(b.auction);
    if (top === undefined) tops.set(b.auction, (top = []));
    let i = 0;
    while (i < top.length && !first(b, top[i])) i++;
    if (i >= N) continue;
    top.splice(i, 0, b);
    if (top.length > N) top.length = N;
  }
  const out = [];
  for (const top of tops.values()) top.forEach((b, i) => out.push({ ...b, rankNumber: i + 1 }));
  return out;
}

export const canonical = (r) => `${r.auction} ${r.rankNumber} ${r.bidder} ${r.price} ${r.channel} ${r.url} ${r.dateTime} ${r.extra}`;
