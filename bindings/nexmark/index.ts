/**
 * weir/nexmark: the Nexmark benchmark's data model and event generator, as
 * a weir source (`import { NexmarkSource } from 'weir/nexmark'`).
 * @module weir/nexmark
 */
export { EventKind, PersonType, AuctionType, BidType, EventType, type Person, type Auction, type Bid, type NexmarkEvent } from './model.js';
export {
  NexmarkGenerator,
  resolveNexmarkConfig,
  FIRST_PERSON_ID,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  NUM_CATEGORIES,
  PROPORTION_TOTAL,
  PERSON_PROPORTION,
  AUCTION_PROPORTION,
  HOT_CHANNELS,
  CHANNELS_NUMBER,
  type NexmarkConfig,
  type ResolvedNexmarkConfig,
} from './NexmarkGenerator.js';
export { NexmarkSource, NEXMARK_WATERMARK_DELAY, eventTimestamp } from './NexmarkSource.js';
