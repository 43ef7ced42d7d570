/**
 * Nexmark's data model: the people, auctions and bids of an online auction,
 * and the event that carries one of them. Times are epoch milliseconds; ids,
 * prices and categories are whole numbers in the safe integer range.
 */
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';

/** A person who registered: a seller or a bidder. */
export interface Person {
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
  /** Padding to the person's average size (200 bytes). */
  extra: string;
}

/** An auction a person opened. */
export interface Auction {
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  /** When the auction closes (epoch ms); bids after it do not count. */
  expires: number;
  seller: number;
  category: number;
  /** Padding to the auction's average size (500 bytes). */
  extra: string;
}

/** A bid on an auction. */
export interface Bid {
  auction: number;
  bidder: number;
  /** In cents. */
  price: number;
  channel: string;
  url: string;
  dateTime: number;
  /** Padding to the bid's average size (100 bytes). */
  extra: string;
}

/** What an event carries: `EventKind.PERSON` (0), `EventKind.AUCTION` (1) or `EventKind.BID` (2). */
export const EventKind = Object.freeze({ PERSON: 0, AUCTION: 1, BID: 2 } as const);
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/**
 * One Nexmark event: exactly one of `person`, `auction` and `bid` is set, as
 * `type` (an {@link EventKind}: 0, 1 or 2) says (Flink's Nexmark `Event`).
 */
export type NexmarkEvent =
  | { type: 0; person: Person; auction: null; bid: null }
  | { type: 1; person: null; auction: Auction; bid: null }
  | { type: 2; person: null; auction: null; bid: Bid };

/** The TypeInformation of {@link Person}. */
export const PersonType: TypeInformation<Person> = Types.OBJECT<Person>({
  id: Types.LONG,
  name: Types.STRING,
  emailAddress: Types.STRING,
  creditCard: Types.STRING,
  city: Types.STRING,
  state: Types.STRING,
  dateTime: Types.LONG,
  extra: Types.STRING,
});

/** The TypeInformation of {@link Auction}. */
export const AuctionType: TypeInformation<Auction> = Types.OBJECT<Auction>({
  id: Types.LONG,
  itemName: Types.STRING,
  description: Types.STRING,
  initialBid: Types.LONG,
  reserve: Types.LONG,
  dateTime: Types.LONG,
  expires: Types.LONG,
  seller: Types.LONG,
  category: Types.LONG,
  extra: Types.STRING,
});

/** The TypeInformation of {@link Bid}. */
export const BidType: TypeInformation<Bid> = Types.OBJECT<Bid>({
  auction: Types.LONG,
  bidder: Types.LONG,
  price: Types.LONG,
  channel: Types.STRING,
  url: Types.STRING,
  dateTime: Types.LONG,
  extra: Types.STRING,
});

/** The TypeInformation of {@link NexmarkEvent}. */
export const EventType: TypeInformation<NexmarkEvent> = Types.OBJECT({
  type: Types.INT,
  person: Types.NULLABLE(PersonType),
  auction: Types.NULLABLE(AuctionType),
  bid: Types.NULLABLE(BidType),
}) as unknown as TypeInformation<NexmarkEvent>;
