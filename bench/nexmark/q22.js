// Nexmark q22, URL directories: each bid with the 3rd, 4th and 5th parts of
// its URL split on '/' (0-based, Flink's SPLIT_INDEX(url, '/', 3 | 4 | 5)):
// for `https://www.nexmark.com/a/b/c/item.htm?query=1` that is a, b and c. A
// map per bid, chained: no state.
import { Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'URL directories';
export const description = "the 3rd, 4th and 5th '/'-separated parts of the URL";

const Directories = Types.NULLABLE(Types.STRING);
const BidWithDirectories = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, channel: Types.STRING, dir1: Directories, dir2: Directories, dir3: Directories });

/**
 * Flink's SPLIT_INDEX(s, separator, index): the index-th part of `s` split on
 * `separator` (empty parts count), or null if there are not that many. Found
 * with indexOf, without splitting the whole string.
 */
function splitIndex(s, separator, index) {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const next = s.indexOf(separator, start);
    if (next < 0) return null;
    start = next + separator.length;
  }
  const end = s.indexOf(separator, start);
  return end < 0 ? s.slice(start) : s.slice(start, end);
}

const directories = (b) => ({
  auction: b.auction,
  bidder: b.bidder,
  price: b.price,
  channel: b.channel,
  dir1: splitIndex(b.url, '/', 3),
  dir2: splitIndex(b.url, '/', 4),
  dir3: splitIndex(b.url, '/', 5),
});

export function weir(events) {
  return bids(events).map(directories, BidWithDirectories).name('q22: URL directories');
}

export function reference(events) {
  return bidsOf(events).map((b) => {
    const parts = b.url.split('/');
    return { auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, dir1: parts[3] ?? null, dir2: parts[4] ?? null, dir3: parts[5] ?? null };
  });
}

export const canonical = (r) => `${r.auction} ${r.bidder} ${r.price} ${r.channel} ${r.dir1} ${r.dir2} ${r.dir3}`;
