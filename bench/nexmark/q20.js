// Nexmark q20, expand bid with auction: every bid on a category-10 auction,
// with the auction's fields. Flink's SQL (a regular, unbounded join):
//
//   SELECT auction, bidder, price, channel, url, B.dateTime, B.extra,
//          itemName, description, initialBid, reserve, A.dateTime, expires, seller, category, A.extra
//   FROM bid AS B INNER JOIN auction AS A ON B.auction = A.id
//   WHERE A.category = 10;
//
// Auctions and bids meet in a KeyedCoProcessFunction keyed by auction id.
// State per auction id: its category (a small marker that every bid reads
// first, so bids on other categories are dropped at once), the whole auction
// only for category 10, and the bids that came before their auction (auction
// ids in bids lead by up to 10, and parallel readers reorder the two), emitted
// or dropped when the auction comes. An auction is kept forever, as Flink's
// regular join keeps it: a bid may name it at any time later. Auctions of
// other categories cross the network as stubs (id and category only).
import { KeyedCoProcessFunction, ListStateDescriptor, Types, ValueStateDescriptor } from 'weir';
import { AuctionType, BidType } from 'weir/nexmark';
import { auctions, auctionsOf, bids, bidsOf } from './common.js';

export const title = 'expand bid with auction';
export const description = 'bids joined with their auction where category = 10';

const CATEGORY = 10;

const ExpandedBid = Types.OBJECT({
  auction: Types.LONG,
  bidder: Types.LONG,
  price: Types.LONG,
  channel: Types.STRING,
  url: Types.STRING,
  bidDateTime: Types.LONG,
  bidExtra: Types.STRING,
  itemName: Types.STRING,
  description: Types.STRING,
  initialBid: Types.LONG,
  reserve: Types.LONG,
  auctionDateTime: Types.LONG,
  expires: Types.LONG,
  seller: Types.LONG,
  category: Types.LONG,
  auctionExtra: Types.STRING,
});

const expand = (b, a) => ({
  auction: b.auction,
  bidder: b.bidder,
  price: b.price,
  channel: b.channel,
  url: b.url,
  bidDateTime: b.dateTime,
  bidExtra: b.extra,
  itemName: a.itemName,
  description: a.description,
  initialBid: a.initialBid,
  reserve: a.reserve,
  auctionDateTime: a.dateTime,
  expires: a.expires,
  seller: a.seller,
  category: a.category,
  auctionExtra: a.extra,
});

/** An auction of another category: only its id and category matter. */
const stub = (a) => ({ id: a.id, itemName: '', description: '', initialBid: 0, reserve: 0, dateTime: 0, expires: 0, seller: 0, category: a.category, extra: '' });

/** Auctions (input 1) and bids (input 2) keyed by auction id. */
class ExpandBid extends KeyedCoProcessFunction {
  open() {
    const ctx = this.getRuntimeContext();
    this.category = ctx.getState(new ValueStateDescriptor('category', Types.LONG));
    this.auction = ctx.getState(new ValueStateDescriptor('auction', AuctionType));
    this.early = ctx.getListState(new ListStateDescriptor('early bids', BidType));
  }

  processElement1(auction, _ctx, out) {
    this.category.update(auction.category);
    if (auction.category === CATEGORY) this.auction.update(auction);
    const early = this.early.get();
    if (early.length === 0) return;
    if (auction.category === CATEGORY) for (const b of early) out.collect(expand(b, auction));
    this.early.clear();
  }

  processElement2(bid, _ctx, out) {
    const category = this.category.value();
    if (category === null) this.early.add(bid);
    else if (category === CATEGORY) out.collect(expand(bid, this.auction.value()));
  }
}

export function weir(events) {
  const shrunk = auctions(events)
    .map((a) => (a.category === CATEGORY ? a : stub(a)), AuctionType)
    .name('q20: other categories as stubs');
  return shrunk
    .connect(bids(events))
    .keyBy((a) => a.id, (b) => b.auction, Types.LONG)
    .process(new ExpandBid(), ExpandedBid)
    .name('q20: bid ⋈ auction of category 10');
}

export function reference(events) {
  const byId = new Map();
  for (const a of auctionsOf(events)) if (a.category === CATEGORY) byId.set(a.id, a);
  const out = [];
  for (const b of bidsOf(events)) {
    const a = byId.get(b.auction);
    if (a === undefined) continue;
    const { auction, bidder, price, channel, url, dateTime: bidDateTime, extra: bidExtra } = b;
    const { itemName, description, initialBid, reserve, dateTime: auctionDateTime, expires, seller, category, extra: auctionExtra } = a;
    out.push({ auction, bidder, price, channel, url, bidDateTime, bidExtra, itemName, description, initialBid, reserve, auctionDateTime, expires, seller, category, auctionExtra });
  }
  return out;
}

export const canonical = (r) =>
  `${r.auction} ${r.bidder} ${r.price} ${r.channel} ${r.url} ${r.bidDateTime} ${r.bidExtra} ${r.itemName} ${r.description} ${r.initialBid} ${r.reserve} ${r.auctionDateTime} ${r.expires} ${r.seller} ${r.category} ${r.auctionExtra}`;
