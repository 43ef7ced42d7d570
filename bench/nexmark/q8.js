// Nexmark q8, monitor new users: the people who opened an auction in the same
// 10-second tumbling window in which they registered. Flink's SQL groups each
// side per window first, then joins them:
//
//   SELECT P.id, P.name, P.starttime
//   FROM (SELECT id, name, window_start AS starttime, window_end AS endtime
//         FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
//         GROUP BY id, name, window_start, window_end) P
//   JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
//         FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
//         GROUP BY seller, window_start, window_end) A
//   ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;
//
// A window coGroup of people and auctions on id = seller: one row per person
// and window where the person has at least one auction, however many auctions
// (the GROUP BY on each side). Both sides are projected to the few fields the
// join needs before they are buffered in window state.
import { TumblingEventTimeWindows, Time, Types } from 'weir';
import { auctions, auctionsOf, persons, personsOf } from './common.js';

export const title = 'monitor new users';
export const description = 'tumbling 10 s window join of persons and auctions on person.id = auction.seller: (id, name, windowStart)';

const SIZE = Time.seconds(10);
/** The start of the tumbling window (offset 0) that holds time t ≥ 0. */
const windowStart = (t) => t - (t % SIZE);

const isEmpty = (iterable) => {
  for (const _ of iterable) return false;
  return true;
};

const NewPerson = Types.OBJECT({ id: Types.LONG, name: Types.STRING, dateTime: Types.LONG });
const Seller = Types.OBJECT({ seller: Types.LONG });
const NewSeller = Types.OBJECT({ id: Types.LONG, name: Types.STRING, starttime: Types.LONG });

export function weir(events) {
  const people = persons(events).map((p) => ({ id: p.id, name: p.name, dateTime: p.dateTime }), NewPerson).name('q8: (id, name, dateTime)');
  const sellers = auctions(events).map((a) => ({ seller: a.seller }), Seller).name('q8: (seller)');
  return people
    .coGroup(sellers)
    .where((p) => p.id, Types.LONG)
    .equalTo((a) => a.seller)
    .window(TumblingEventTimeWindows.of(SIZE))
    .apply((ps, as, out) => {
      if (isEmpty(as)) return;
      // Person ids are unique, but GROUP BY id, name would merge repeats: keep one row per (id, name).
      const seen = new Set();
      for (const p of ps) {
        if (seen.has(p.name)) continue;
        seen.add(p.name);
        out.collect({ id: p.id, name: p.name, starttime: windowStart(p.dateTime) });
      }
    }, NewSeller)
    .name('q8: person ⋈ seller per window');
}

export function reference(events) {
  const sellers = new Set();
  for (const a of auctionsOf(events)) sellers.add(`${a.seller} ${windowStart(a.dateTime)}`);
  const rows = new Map();
  for (const p of personsOf(events)) {
    const starttime = windowStart(p.dateTime);
    if (sellers.has(`${p.id} ${starttime}`)) rows.set(`${p.id} ${p.name} ${starttime}`, { id: p.id, name: p.name, starttime });
  }
  return [...rows.values()];
}

export const canonical = (r) => `${r.id} ${r.name} ${r.starttime}`;
