// Nexmark q13, bounded side input join: each bid enriched from a bounded side
// table, looked up by `auction % 10000` (Flink's q13: a lookup join of the bids
// against the file side_input.txt, 10,000 rows `key,value` with value = the
// key's decimal string, FOR SYSTEM_TIME AS OF the bid's processing time).
//
// weir has no lookup join; the faithful small version is what a lookup join
// with a full cache is: a RichMapFunction that loads the bounded table in
// open() and looks each bid up. The table is read-only input, not state (it is
// loaded again on every start, as Flink's lookup cache is); an inner join, so
// a bid without a row would be dropped — with keys 0–9999 every bid has one.
import { RichMapFunction, Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'bounded side input join';
export const description = 'each bid joined with a bounded side table on auction % 10000 = key';

export const SIDE_INPUT_ROWS = 10_000;

/** The side input, as Flink's Nexmark SideInputGenerator writes it: rows (i, `${i}`) for i in [0, 10000). */
export function sideInput() {
  return Array.from({ length: SIDE_INPUT_ROWS }, (_, key) => ({ key, value: String(key) }));
}

const Enriched = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG, value: Types.STRING });

/** Looks each bid up in the side table, which it loads (an array indexed by key) when it opens. */
class SideInputLookup extends RichMapFunction {
  open() {
    this.values = [];
    for (const { key, value } of sideInput()) this.values[key] = value;
  }

  map(b) {
    return { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, value: this.values[b.auction % SIDE_INPUT_ROWS] };
  }
}

export function weir(events) {
  return bids(events).map(new SideInputLookup(), Enriched).name('q13: lookup side input');
}

export function reference(events) {
  const table = new Map(sideInput().map((r) => [r.key, r.value]));
  const out = [];
  for (const b of bidsOf(events)) {
    const value = table.get(b.auction % SIDE_INPUT_ROWS);
    if (value !== undefined) out.push({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, value });
  }
  return out;
}

export const canonical = (r) => `${r.auction} ${r.bidder} ${r.price} ${r.dateTime} ${r.value}`;
