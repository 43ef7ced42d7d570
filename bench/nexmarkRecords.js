// Nexmark-shaped records (Person, Auction, Bid) for the serialization
// benchmarks: the fields and value shapes of Nexmark's data
// model, `extra` padding each to its average size (200 B, 500 B, 100 B).
// Deterministic; not Nexmark's generator (that is weir/nexmark's NexmarkGenerator), only its records.
import { Types } from 'weir';

export const Person = Types.OBJECT({
  id: Types.LONG, name: Types.STRING, emailAddress: Types.STRING, creditCard: Types.STRING,
  city: Types.STRING, state: Types.STRING, dateTime: Types.LONG, extra: Types.STRING,
});
export const Auction = Types.OBJECT({
  id: Types.LONG, itemName: Types.STRING, description: Types.STRING, initialBid: Types.LONG, reserve: Types.LONG,
  dateTime: Types.LONG, expires: Types.LONG, seller: Types.LONG, category: Types.LONG, extra: Types.STRING,
});
export const Bid = Types.OBJECT({
  auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, channel: Types.STRING, url: Types.STRING, dateTime: Types.LONG, extra: Types.STRING,
});

/** Avro schemas of the same records, for avsc. */
export const avroSchemas = {
  Person: { type: 'record', name: 'Person', fields: Person.fieldNames.map((n, i) => ({ name: n, type: Person.fieldTypes[i].kind === 'LONG' ? 'long' : 'string' })) },
  Auction: { type: 'record', name: 'Auction', fields: Auction.fieldNames.map((n, i) => ({ name: n, type: Auction.fieldTypes[i].kind === 'LONG' ? 'long' : 'string' })) },
  Bid: { type: 'record', name: 'Bid', fields: Bid.fieldNames.map((n, i) => ({ name: n, type: Bid.fieldTypes[i].kind === 'LONG' ? 'long' : 'string' })) },
};

let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const word = (n) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
const pad = (record, size) => {
  const base = JSON.stringify(record).length;
  record.extra = word(Math.max(0, size - base + Math.floor(rand() * 20) - 10));
  return record;
};
const NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const BASE = 1_700_000_000_000;

export function person(i) {
  return pad({
    id: 1000 + i, name: `${pick(NAMES)} ${pick(NAMES)}`, emailAddress: `${word(7)}@${word(5)}.com`,
    creditCard: `${1000 + Math.floor(rand() * 9000)} ${1000 + Math.floor(rand() * 9000)} ${1000 + Math.floor(rand() * 9000)} ${1000 + Math.floor(rand() * 9000)}`,
    city: pick(CITIES), state: pick(STATES), dateTime: BASE + i * 5, extra: '',
  }, 200);
}

export function auction(i) {
  const dateTime = BASE + i * 5;
  return pad({
    id: 1000 + i, itemName: word(8), description: word(20), initialBid: Math.round(10 ** (rand() * 6) * 100),
    reserve: Math.round(10 ** (rand() * 6) * 100), dateTime, expires: dateTime + Math.floor(rand() * 20000),
    seller: 1000 + Math.floor(rand() * 1000), category: 10 + Math.floor(rand() * 5), extra: '',
  }, 500);
}

export function bid(i) {
  const hot = rand() < 0.5;
  const channel = rand() < 0.5 ? pick(CHANNELS) : `channel-${Math.floor(rand() * 10000)}`;
  return pad({
    auction: 1000 + (hot ? 0 : Math.floor(rand() * 100)), bidder: 1000 + Math.floor(rand() * 1000),
    price: Math.round(10 ** (rand() * 6) * 100), channel,
    url: `https://www.nexmark.com/${word(5)}/${word(5)}/${word(5)}/item.htm?query=1${rand() < 0.9 ? `&channel_id=${Math.floor(rand() * 10000)}` : ''}`,
    dateTime: BASE + i * 5, extra: '',
  }, 100);
}
