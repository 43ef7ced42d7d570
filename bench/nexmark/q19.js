// Nexmark q19, auction top-10 price: per auction, the 10 highest bids by
// price with their rank — Flink's Top-N `ROW_NUMBER() OVER (PARTITION BY
// auction ORDER BY price DESC) <= 10`, an updating result keyed by
// (auction, rank).
//
// weir keys the bids by auction and keeps, per auction, only the ranking: 4
// numbers per ranked row (price, dateTime, bidder and a hash of extra, the
// last tie-break) in one ValueState. The strings of the rows are not state:
// at 2M events the final top-10s hold 883K rows, whose url and extra alone
// would take about 130 MB, more than the default managed memory (128 MiB),
// and weir's keyed state cannot spill to disk as Flink's RocksDB does.
//
// So the changelog is Top-N's by insertion: a bid that enters the top 10 at
// rank r is emitted once, whole, with rankNumber r; the rows below it move
// down one rank and the 11th drops out, as the insertion implies. Flink's
// Top-N emits the moved rows again (an update per changed rank); both describe
// the same result table, and finalize materializes it by applying the
// insertions in order per auction (the order per key is kept by keyBy).
//
// Ties: rows of equal price rank by earlier dateTime, then smaller bidder,
// then smaller hash of extra, then smaller extra (in weir and in the
// reference); Flink ranks them by arrival, which depends on the order of the
// parallel readers. Two bids equal on all four numbers rank by extra in the
// reference only: the weir program keeps no strings to compare, so it ranks
// the earlier arrival first; none occurs in these runs (the check would say).
import { KeyedProcessFunction, Types, ValueStateDescriptor } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'top-10 price';
export const description = 'per auction: the 10 highest bids, with their rank';

const N = 10;

// The ranking: 4 numbers per ranked row — price, dateTime, bidder, hash of
// extra — best first, in one flat list (one small array per read).
const Ranking = Types.LIST(Types.LONG);
const W = 4;
const RankedBid = Types.OBJECT({
  auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, channel: Types.STRING, url: Types.STRING, dateTime: Types.LONG, extra: Types.STRING, rankNumber: Types.LONG,
});

/** FNV-1a of a string's UTF-16 units, 32 bits: the tie-break after bidder. */
export function hashOf(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

class TopN extends KeyedProcessFunction {
  open() {
    this.ranking = this.getRuntimeContext().getState(new ValueStateDescriptor('ranking', Ranking));
  }

  processElement(bid, _ctx, out) {
    const ranking = this.ranking.value() ?? [];
    const n = ranking.length / W;
    const h = hashOf(bid.extra);
    // From the bottom up: most bids do not enter.
    let r = n;
    while (r > 0) {
      const at = (r - 1) * W;
      const before =
        bid.price !== ranking[at] ? bid.price > ranking[at]
        : bid.dateTime !== ranking[at + 1] ? bid.dateTime < ranking[at + 1]
        : bid.bidder !== ranking[at + 2] ? bid.bidder < ranking[at + 2]
        : h < ranking[at + 3];
      if (!before) break;
      r--;
    }
    if (r >= N) return;
    if (n === N) ranking.length -= W;
    ranking.splice(r * W, 0, bid.price, bid.dateTime, bid.bidder, h);
    this.ranking.update(ranking);
    out.collect({ auction: bid.auction, bidder: bid.bidder, price: bid.price, channel: bid.channel, url: bid.url, dateTime: bid.dateTime, extra: bid.extra, rankNumber: r + 1 });
  }
}

export function weir(events) {
  return bids(events).keyBy((b) => b.auction, Types.LONG).process(new TopN(), RankedBid).name('q19: top 10 bids per auction');
}

/** The result table: per auction, each insertion applied in order (rows below move down, the 11th drops out). */
export function finalize(results) {
  const tops = new Map();
  for (const r of results) {
    let top = tops.get(r.auction);
    if (top === undefined) tops.set(r.auction, (top = []));
    top.splice(r.rankNumber - 1, 0, r);
    if (top.length > N) top.length = N;
  }
  const out = [];
  for (const top of tops.values()) top.forEach((r, i) => out.push({ ...r, rankNumber: i + 1 }));
  return out;
}

/** Per auction, all its bids sorted by the ranking's order; the first 10 with their rank. */
export function reference(events) {
  const byAuction = new Map();
  for (const b of bidsOf(events)) {
    const all = byAuction.get(b.auction);
    if (all === undefined) byAuction.set(b.auction, [b]);
    else all.push(b);
  }
  const order = (a, b) => b.price - a.price || a.dateTime - b.dateTime || a.bidder - b.bidder || hashOf(a.extra) - hashOf(b.extra) || (a.extra < b.extra ? -1 : a.extra > b.extra ? 1 : 0);
  const out = [];
  for (const all of byAuction.values()) all.sort(order).slice(0, N).forEach((b, i) => out.push({ ...b, rankNumber: i + 1 }));
  return out;
}

export const canonical = (r) => `${r.auction} ${r.rankNumber} ${r.bidder} ${r.price} ${r.channel} ${r.url} ${r.dateTime} ${r.extra}`;
