// Nexmark q3, local item suggestion: who is selling in category 10 in Oregon,
// Idaho or California. An incremental (unbounded) join of auctions with
// people on auction.seller = person.id, as Flink's SQL:
//
//   SELECT P.name, P.city, P.state, A.id
//   FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
//   WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
//
// Both sides are projected to small records before the keyBy, then meet in a
// KeyedCoProcessFunction keyed by the person id. A seller's person record may
// come after its auctions (person ids lead by up to 10, and with parallel
// readers either side may overtake the other), so an auction whose seller is
// not known yet waits in keyed ListState until the person arrives.
//
// State: per person, { name, city, state } — forever, since an auction of that
// seller may come at any time later (Flink's regular join keeps both sides
// forever). People of other states are kept too, as just their state, so that
// their auctions are dropped at once instead of waiting for a person that
// would never pass a filter. So pending auctions are only those whose seller
// has not arrived yet.
import { KeyedCoProcessFunction, ListStateDescriptor, Types, ValueStateDescriptor } from 'weir';
import { auctions, auctionsOf, persons, personsOf } from './common.js';

export const title = 'local item suggestion';
export const description = 'incremental join auction⋈person on seller = id, category 10, state ∈ {OR, ID, CA}: (name, city, state, auction id)';

const LOCAL_STATES = new Set(['OR', 'ID', 'CA']);
const CATEGORY = 10;

const SellerAuction = Types.OBJECT({ id: Types.LONG, seller: Types.LONG });
const Seller = Types.OBJECT({ id: Types.LONG, name: Types.STRING, city: Types.STRING, state: Types.STRING });
const SellerInfo = Types.OBJECT({ name: Types.STRING, city: Types.STRING, state: Types.STRING });
const Suggestion = Types.OBJECT({ name: Types.STRING, city: Types.STRING, state: Types.STRING, id: Types.LONG });

/** Auctions (input 1) meet their seller (input 2), both keyed by the seller's id. */
class LocalSellerJoin extends KeyedCoProcessFunction {
  open() {
    const ctx = this.getRuntimeContext();
    /** The seller: { name, city, state }; for a seller of another state only { state } matters. */
    this.seller = ctx.getState(new ValueStateDescriptor('seller', SellerInfo));
    /** Ids of category-10 auctions that came before their seller. */
    this.pending = ctx.getListState(new ListStateDescriptor('pending auctions', Types.LONG));
  }

  processElement1(auction, _ctx, out) {
    const seller = this.seller.value();
    if (seller === null) this.pending.add(auction.id);
    else if (LOCAL_STATES.has(seller.state)) out.collect({ name: seller.name, city: seller.city, state: seller.state, id: auction.id });
  }

  processElement2(person, _ctx, out) {
    const local = LOCAL_STATES.has(person.state);
    this.seller.update(local ? { name: person.name, city: person.city, state: person.state } : { name: '', city: '', state: person.state });
    const waiting = this.pending.get();
    if (waiting.length === 0) return;
    if (local) for (const id of waiting) out.collect({ name: person.name, city: person.city, state: person.state, id });
    this.pending.clear();
  }
}

export function weir(events) {
  const categoryAuctions = auctions(events)
    .filter((a) => a.category === CATEGORY)
    .name('q3: category 10')
    .map((a) => ({ id: a.id, seller: a.seller }), SellerAuction)
    .name('q3: (id, seller)');
  const sellers = persons(events)
    .map((p) => ({ id: p.id, name: p.name, city: p.city, state: p.state }), Seller)
    .name('q3: (id, name, city, state)');
  return categoryAuctions
    .connect(sellers)
    .keyBy((a) => a.seller, (p) => p.id, Types.LONG)
    .process(new LocalSellerJoin(), Suggestion)
    .name('q3: auction ⋈ local seller');
}

export function reference(events) {
  const local = new Map();
  for (const p of personsOf(events)) if (LOCAL_STATES.has(p.state)) local.set(p.id, p);
  const out = [];
  for (const a of auctionsOf(events)) {
    const p = a.category === CATEGORY ? local.get(a.seller) : undefined;
    if (p !== undefined) out.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  }
  return out;
}

export const canonical = (r) => `${r.id} ${r.name} ${r.city} ${r.state}`;
