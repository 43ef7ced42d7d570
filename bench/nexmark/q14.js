// Nexmark q14, calculation: the bids whose price in euros (× 0.908) lies
// strictly between 1,000,000 and 50,000,000, each with its converted price, the
// part of the day it was made in, and how many 'c' characters its `extra` has.
// A filter and a map per bid, chained: no state.
//
// Flink's SQL computes `0.908 * price` as DECIMAL(23, 3), exactly. Here the
// filter compares the exact integer `908 × price` with 1e9 and 5e10, and the
// converted price is `908 × price / 1000`: the double nearest the decimal.
// HOUR(dateTime) is the UTC hour (Flink's dateTime is a TIMESTAMP(3) without
// time zone made from the epoch milliseconds, i.e. UTC too).
import { Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'calculation';
export const description = "bids with 0.908 × price in (1e6, 5e7): converted price, dayTime/nightTime/otherTime by hour, count of 'c' in extra";

const CalculatedBid = Types.OBJECT({
  auction: Types.LONG,
  bidder: Types.LONG,
  price: Types.DOUBLE,
  bidTimeType: Types.STRING,
  dateTime: Types.LONG,
  extra: Types.STRING,
  c_counts: Types.LONG,
});

const HOUR_MS = 3_600_000;
const C = 'c'.charCodeAt(0);

/** 1e6 < 0.908 × price < 5e7, in integers: 1e9 < 908 × price < 5e10. */
const inRange = (b) => b.price * 908 > 1e9 && b.price * 908 < 5e10;

function bidTimeType(dateTime) {
  const hour = Math.floor(dateTime / HOUR_MS) % 24;
  if (hour >= 8 && hour <= 18) return 'dayTime';
  if (hour <= 6 || hour >= 20) return 'nightTime';
  return 'otherTime';
}

/** Nexmark's count_char UDF: how many times `c` occurs in `s`. */
function countC(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === C) n++;
  return n;
}

const calculate = (b) => ({
  auction: b.auction,
  bidder: b.bidder,
  price: (b.price * 908) / 1000,
  bidTimeType: bidTimeType(b.dateTime),
  dateTime: b.dateTime,
  extra: b.extra,
  c_counts: countC(b.extra),
});

export function weir(events) {
  return bids(events).filter(inRange).name('q14: 1e6 < 0.908 × price < 5e7').map(calculate, CalculatedBid).name('q14: calculate');
}

export function reference(events) {
  const out = [];
  for (const b of bidsOf(events)) {
    const euros = b.price * 0.908;
    if (!(euros > 1_000_000 && euros < 50_000_000)) continue;
    const hour = new Date(b.dateTime).getUTCHours();
    const bidTimeType = hour >= 8 && hour <= 18 ? 'dayTime' : hour <= 6 || hour >= 20 ? 'nightTime' : 'otherTime';
    out.push({ auction: b.auction, bidder: b.bidder, price: euros, bidTimeType, dateTime: b.dateTime, extra: b.extra, c_counts: b.extra.split('c').length - 1 });
  }
  return out;
}

/** The price as DECIMAL(23, 3) prints it: 0.908 × price has at most three decimals. */
export const canonical = (r) => `${r.auction} ${r.bidder} ${r.price.toFixed(3)} ${r.bidTimeType} ${r.dateTime} ${r.extra} ${r.c_counts}`;
