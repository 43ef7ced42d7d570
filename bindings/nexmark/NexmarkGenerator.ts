/**
 * Nexmark's event generator, after the public nexmark project's (Beam's and
 * Flink's): events are numbered 0, 1, 2, …; in every block of 50, one is a
 * person, three are auctions and 46 are bids; ids are dense in event order;
 * bids favour hot auctions and hot bidders; event time advances by a fixed
 * delay per event. Each event is a pure function of the seed and its number
 * (its random draws come from a generator seeded by both), so the events do
 * not depend on how the numbers are split between parallel readers.
 */
import { ConfigurationError } from '../errors.js';
import { EventKind, type Auction, type Bid, type NexmarkEvent, type Person } from './model.js';

/** How the generator makes events. Every field but `events` has Nexmark's default. */
export interface NexmarkConfig {
  /** How many events in all (person + auction + bid). */
  events: number;
  /** Seeds every random choice (0 ≤ seed < 2³²); the same seed gives the same events. Default 0. */
  seed?: number;
  /** Events per second of event time: event n is at `baseTime + floor(n × 10⁶ / firstEventRate / 1000)` ms. Default 10,000. */
  firstEventRate?: number;
  /** The timestamp of event 0, epoch ms. Default 2026-01-01T23:58:20Z, so a run of 2M events crosses midnight. */
  baseTime?: number;
  /** A limit on events per second of processing time, over all readers (a source setting). Default none. */
  eventsPerSecond?: number;
  /** People among which non-hot bidders and sellers are chosen. Default 1000. */
  numActivePeople?: number;
  /** Auctions among which non-hot bids are spread. Default 100. */
  numInFlightAuctions?: number;
  /** 1 in this many bids goes to a random auction, the rest to the hot one. Default 2. */
  hotAuctionRatio?: number;
  /** 1 in this many bids comes from a random bidder, the rest from the hot one. Default 4. */
  hotBiddersRatio?: number;
  /** 1 in this many auctions has a random seller, the rest the hot one. Default 4. */
  hotSellersRatio?: number;
  /** Average sizes in bytes that `extra` pads each record to. Defaults 200, 500, 100. */
  avgPersonByteSize?: number;
  avgAuctionByteSize?: number;
  avgBidByteSize?: number;
}

/** The first person id, auction id and category (Nexmark's constants). */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;
/** Events per block, and how many of them are people and auctions (the rest are bids). */
export const PROPORTION_TOTAL = 50;
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
/** Bid channels: 1 in HOT_CHANNELS_RATIO bids comes from one of these four. */
export const HOT_CHANNELS = Object.freeze(['Google', 'Facebook', 'Baidu', 'Apple']);
/** How many other channels there are (`channel-0` … `channel-9999`). */
export const CHANNELS_NUMBER = 10_000;

const HOT_CHANNELS_RATIO = 2;
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const HOT_BATCH = 100;
const MIN_STRING_LENGTH = 3;
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
/** Length of the pools of random letters that strings are cut from. */
const POOL_LENGTH = 1 << 16;

const DEFAULTS = {
  seed: 0,
  firstEventRate: 10_000,
  baseTime: Date.UTC(2026, 0, 1, 23, 58, 20),
  eventsPerSecond: Number.POSITIVE_INFINITY,
  numActivePeople: 1000,
  numInFlightAuctions: 100,
  hotAuctionRatio: 2,
  hotBiddersRatio: 4,
  hotSellersRatio: 4,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
};

/** A configuration with every default filled in. */
export type ResolvedNexmarkConfig = Required<NexmarkConfig>;

/** Checks `config` and fills in the defaults; a bad value fails naming the field and the value. */
export function resolveNexmarkConfig(config: NexmarkConfig): ResolvedNexmarkConfig {
  if (config === null || typeof config !== 'object') throw new ConfigurationError(`Nexmark: expected a configuration object, got ${config === null ? 'null' : typeof config}`);
  const resolved = { ...DEFAULTS, ...stripUndefined(config) } as ResolvedNexmarkConfig;
  const whole = (field: keyof NexmarkConfig, min: number) => {
    const v = resolved[field];
    if (!Number.isSafeInteger(v) || v < min) throw new ConfigurationError(`Nexmark: ${field} must be a safe integer ≥ ${min}, got ${String(v)}`);
  };
  if (config.events === undefined) throw new ConfigurationError('Nexmark: events (how many events in all) is required');
  whole('events', 0);
  whole('seed', 0);
  if (resolved.seed > 0xffffffff) throw new ConfigurationError(`Nexmark: seed must be below 2^32, got ${String(resolved.seed)}`);
  whole('baseTime', -8.64e15);
  whole('numActivePeople', 1);
  whole('numInFlightAuctions', 1);
  whole('hotAuctionRatio', 1);
  whole('hotBiddersRatio', 1);
  whole('hotSellersRatio', 1);
  whole('avgPersonByteSize', 0);
  whole('avgAuctionByteSize', 0);
  whole('avgBidByteSize', 0);
  if (!(resolved.firstEventRate > 0) || !Number.isFinite(resolved.firstEventRate)) {
    throw new ConfigurationError(`Nexmark: firstEventRate must be a finite number > 0, got ${String(resolved.firstEventRate)}`);
  }
  if (!(resolved.eventsPerSecond > 0)) throw new ConfigurationError(`Nexmark: eventsPerSecond must be > 0, got ${String(resolved.eventsPerSecond)}`);
  return resolved;
}

function stripUndefined(config: NexmarkConfig): Partial<NexmarkConfig> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
}

/** mulberry32, reseeded per event: small, fast and well mixed for a benchmark's choices. */
class Random {
  private s = 0;

  /** Seeds from the run's seed and a number (an event's, a channel's). */
  reseed(seed: number, n: number): this {
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296) >>> 0;
    this.s = mix(mix(seed ^ 0x9e3779b9) ^ mix(lo + 0x7f4a7c15) ^ Math.imul(hi, 0x85ebca6b));
    return this;
  }

  /** Uniform in [0, 1). */
  double(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.double() * n);
  }
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) | 0;
}

/** A pool of random letters (and, when `spaced`, one space in 13, as Nexmark's strings). */
function letterPool(seed: number, salt: number, spaced: boolean): string {
  const r = new Random().reseed(seed, -1 - salt >>> 0);
  const chars = new Array<string>(POOL_LENGTH);
  for (let i = 0; i < POOL_LENGTH; i++) chars[i] = spaced && r.int(13) === 0 ? ' ' : String.fromCharCode(97 + r.int(26));
  return chars.join('');
}

/**
 * Makes Nexmark events by number. `event(n)` depends only on the
 * configuration and `n`.
 *
 * @example
 * ```ts
 * const generator = new NexmarkGenerator({ events: 1000 });
 * generator.event(0).type; // EventKind.PERSON
 * generator.event(4).bid!.auction; // 1000: the hot auction
 * ```
 */
export class NexmarkGenerator {
  readonly config: ResolvedNexmarkConfig;
  private readonly random = new Random();
  private readonly letters: string;
  private readonly spacedLetters: string;
  private readonly hotUrls: string[];
  private readonly channelUrls: Array<string | undefined> = new Array(CHANNELS_NUMBER);
  private readonly interEventDelayUs: number;
  private readonly eventsForAuctions: number;

  constructor(config: NexmarkConfig) {
    this.config = resolveNexmarkConfig(config);
    const seed = this.config.seed;
    this.letters = letterPool(seed, 0, false);
    this.spacedLetters = letterPool(seed, 1, true);
    this.interEventDelayUs = 1e6 / this.config.firstEventRate;
    this.eventsForAuctions = Math.floor((this.config.numInFlightAuctions * PROPORTION_TOTAL) / AUCTION_PROPORTION);
    const r = new Random().reseed(seed, 0xfffffff0);
    this.hotUrls = HOT_CHANNELS.map(() => this.baseUrl(r));
  }

  /** How many events this generator makes. */
  get count(): number {
    return this.config.events;
  }

  /** The event time of event `n`. */
  timestamp(n: number): number {
    return this.config.baseTime + Math.floor((n * this.interEventDelayUs) / 1000);
  }

  /** What event `n` is. */
  static kind(n: number): EventKind {
    const offset = n % PROPORTION_TOTAL;
    return offset < PERSON_PROPORTION ? EventKind.PERSON : offset < PERSON_PROPORTION + AUCTION_PROPORTION ? EventKind.AUCTION : EventKind.BID;
  }

  /** Event `n` (0 ≤ n; numbers past `count` are allowed and continue the sequence). */
  event(n: number): NexmarkEvent {
    const r = this.random.reseed(this.config.seed, n);
    const timestamp = this.timestamp(n);
    switch (NexmarkGenerator.kind(n)) {
      case EventKind.PERSON:
        return { type: EventKind.PERSON, person: this.person(n, r, timestamp), auction: null, bid: null };
      case EventKind.AUCTION:
        return { type: EventKind.AUCTION, person: null, auction: this.auction(n, r, timestamp), bid: null };
      default:
        return { type: EventKind.BID, person: null, auction: null, bid: this.bid(n, r, timestamp) };
    }
  }

  /** Every event, 0 … count − 1, in an array (to make them before a timed run). */
  generateAll(): NexmarkEvent[] {
    const events = new Array<NexmarkEvent>(this.count);
    for (let n = 0; n < events.length; n++) events[n] = this.event(n);
    return events;
  }

  /** The 0-based id of the last person made at or before event `n` (−1 before the first). */
  static lastBase0PersonId(n: number): number {
    const epoch = Math.floor(n / PROPORTION_TOTAL);
    const offset = Math.min(n % PROPORTION_TOTAL, PERSON_PROPORTION - 1);
    return epoch * PERSON_PROPORTION + offset;
  }

  /** The 0-based id of the last auction made at or before event `n` (−1 before the first). */
  static lastBase0AuctionId(n: number): number {
    let epoch = Math.floor(n / PROPORTION_TOTAL);
    let offset = n % PROPORTION_TOTAL;
    if (offset < PERSON_PROPORTION) {
      epoch--;
      offset = AUCTION_PROPORTION - 1;
    } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
      offset = AUCTION_PROPORTION - 1;
    } else {
      offset -= PERSON_PROPORTION;
    }
    return epoch * AUCTION_PROPORTION + offset;
  }

  private person(n: number, r: Random, dateTime: number): Person {
    const id = NexmarkGenerator.lastBase0PersonId(n) + FIRST_PERSON_ID;
    const name = `${FIRST_NAMES[r.int(FIRST_NAMES.length)]} ${LAST_NAMES[r.int(LAST_NAMES.length)]}`;
    const emailAddress = `${this.string(r, 7, false)}@${this.string(r, 5, false)}.com`;
    const creditCard = `${digits4(r)} ${digits4(r)} ${digits4(r)} ${digits4(r)}`;
    const city = US_CITIES[r.int(US_CITIES.length)]!;
    const state = US_STATES[r.int(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length + 8;
    return { id, name, emailAddress, creditCard, city, state, dateTime, extra: this.extra(r, size, this.config.avgPersonByteSize) };
  }

  private auction(n: number, r: Random, dateTime: number): Auction {
    const c = this.config;
    const id = NexmarkGenerator.lastBase0AuctionId(n) + FIRST_AUCTION_ID;
    const seller = (r.int(c.hotSellersRatio) > 0 ? Math.floor(NexmarkGenerator.lastBase0PersonId(n) / HOT_BATCH) * HOT_BATCH : this.nextBase0PersonId(n, r)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + r.int(NUM_CATEGORIES);
    const initialBid = price(r);
    const itemName = this.string(r, 20, true);
    const description = this.string(r, 100, true);
    const reserve = initialBid + price(r);
    // Up to about twice the event time that numInFlightAuctions auctions take to be made.
    const horizon = this.timestamp(n + this.eventsForAuctions) - dateTime;
    const expires = dateTime + 1 + r.int(Math.max(horizon * 2, 1));
    const size = 8 + itemName.length + description.length + 8 * 6;
    return { id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra: this.extra(r, size, c.avgAuctionByteSize) };
  }

  private bid(n: number, r: Random, dateTime: number): Bid {
    const c = this.config;
    const auction =
      (r.int(c.hotAuctionRatio) > 0 ? Math.floor(NexmarkGenerator.lastBase0AuctionId(n) / HOT_BATCH) * HOT_BATCH : this.nextBase0AuctionId(n, r)) + FIRST_AUCTION_ID;
    const bidder = (r.int(c.hotBiddersRatio) > 0 ? Math.floor(NexmarkGenerator.lastBase0PersonId(n) / HOT_BATCH) * HOT_BATCH + 1 : this.nextBase0PersonId(n, r)) + FIRST_PERSON_ID;
    const bidPrice = price(r);
    let channel: string;
    let url: string;
    if (r.int(HOT_CHANNELS_RATIO) > 0) {
      const i = r.int(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = this.hotUrls[i]!;
    } else {
      const i = r.int(CHANNELS_NUMBER);
      channel = `channel-${i}`;
      url = this.channelUrls[i] ??= this.channelUrl(i);
    }
    return { auction, bidder, price: bidPrice, channel, url, dateTime, extra: this.extra(r, 32, c.avgBidByteSize) };
  }

  /** A random person among the last numActivePeople (or up to PERSON_ID_LEAD ahead of the last). */
  private nextBase0PersonId(n: number, r: Random): number {
    const numPeople = NexmarkGenerator.lastBase0PersonId(n) + 1;
    const active = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - active + r.int(active + PERSON_ID_LEAD);
  }

  /** A random auction among the last numInFlightAuctions (or up to AUCTION_ID_LEAD ahead of the last). */
  private nextBase0AuctionId(n: number, r: Random): number {
    const last = NexmarkGenerator.lastBase0AuctionId(n);
    const min = Math.max(last - this.config.numInFlightAuctions, 0);
    return min + r.int(last - min + 1 + AUCTION_ID_LEAD);
  }

  /** A string of MIN_STRING_LENGTH … maxLength − 1 random letters (with spaces when `spaced`). */
  private string(r: Random, maxLength: number, spaced: boolean): string {
    return this.exactString(r, MIN_STRING_LENGTH + r.int(maxLength - MIN_STRING_LENGTH), spaced);
  }

  private exactString(r: Random, length: number, spaced: boolean): string {
    const pool = spaced ? this.spacedLetters : this.letters;
    const start = r.int(POOL_LENGTH - length);
    return pool.substring(start, start + length);
  }

  /** Padding that brings a record of `size` bytes to `average` on average (±20 %). */
  private extra(r: Random, size: number, average: number): string {
    if (size > average) return '';
    const desired = average - size;
    const delta = Math.round(desired * 0.2);
    const length = desired - delta + (delta === 0 ? 0 : r.int(2 * delta));
    return this.exactString(r, Math.min(length, POOL_LENGTH - 1), false);
  }

  private baseUrl(r: Random): string {
    return `https://www.nexmark.com/${this.exactString(r, 5, false)}/${this.exactString(r, 5, false)}/${this.exactString(r, 5, false)}/item.htm?query=1`;
  }

  /** Channel i's URL: drawn once from a generator seeded by the channel; 9 in 10 carry `&channel_id=i`. */
  private channelUrl(i: number): string {
    const r = new Random().reseed(this.config.seed ^ 0x5bd1e995, i);
    const url = this.baseUrl(r);
    return r.int(10) > 0 ? `${url}&channel_id=${i}` : url;
  }
}

function price(r: Random): number {
  return Math.round(10 ** (r.double() * 6) * 100);
}

function digits4(r: Random): string {
  return String(r.int(10000)).padStart(4, '0');
}
