// What the Nexmark queries (bench/nexmark/qN.js) and their runner share.
//
// A query module exports:
//   title        a few words ('hot items')
//   description  what it computes, as ../../docs/benchmarks.md lists it
//   weir(events, ctx)
//                builds the query on `events`, a DataStream<NexmarkEvent> that has
//                timestamps and watermarks (NexmarkSource.watermarks(): 4 s bound),
//                and returns the DataStream of its results (the runner adds the sink).
//                ctx = { env, parallelism }.
//   reference(events)
//                the same query in plain JS over the array of events: the expected results.
//                Written from the query's definition, not from the weir program.
//   canonical(result)
//                one line per result record; the runner compares the sorted lines.
//   finalize(results)   (optional)
//                for queries that emit updates (a changelog, as Flink's SQL does), the
//                results to compare: typically the last update per key. Without it,
//                every emitted record is compared.
// A query module imports only weir, weir/nexmark and this file, so that it runs in
// browsers too (test/nexmark/queries.spec.ts runs every query in Node and Chromium).
//
// q0, q1, q2, q5, q7 and q11 also have peers/qN.js, exporting loop, rxjs and node:
// each (events, sink) => Promise<void> | void, the query written with a for-loop and
// Maps (the ceiling), RxJS 7 and Node object-mode streams, over the same array of
// events, sending each result to sink (compared with the same reference).
import { StreamExecutionEnvironment } from 'weir';
import { EventKind, BidType, AuctionType, PersonType, NexmarkSource } from 'weir/nexmark';

export { EventKind };

/** The bids of the event stream (Flink's Nexmark `bid` view). */
export const bids = (events) => events.filter((e) => e.type === EventKind.BID).name('bids').map((e) => e.bid, BidType).name('bid');
/** The auctions of the event stream. */
export const auctions = (events) => events.filter((e) => e.type === EventKind.AUCTION).name('auctions').map((e) => e.auction, AuctionType).name('auction');
/** The people of the event stream. */
export const persons = (events) => events.filter((e) => e.type === EventKind.PERSON).name('persons').map((e) => e.person, PersonType).name('person');

/** The fields of an OBJECT type as { name: type }, to spread into a wider one. */
export const fieldsOf = (objectType) => Object.fromEntries(objectType.fieldNames.map((name, i) => [name, objectType.fieldTypes[i]]));

/** The bids, auctions or people of an array of events (for references and peers). */
export const bidsOf = (events) => events.filter((e) => e.type === EventKind.BID).map((e) => e.bid);
export const auctionsOf = (events) => events.filter((e) => e.type === EventKind.AUCTION).map((e) => e.auction);
export const personsOf = (events) => events.filter((e) => e.type === EventKind.PERSON).map((e) => e.person);

/** Flink 1.13's published throughput per core (nexmark/nexmark, 100M events, 8 nodes), events/s. q6 was not run. */
export const FLINK_PER_CORE = {
  q0: 155.0e3, q1: 157.9e3, q2: 175.2e3, q3: 152.1e3, q4: 34.3e3, q5: 22.1e3, q7: 12.3e3, q8: 146.1e3,
  q9: 14.2e3, q10: 57.8e3, q11: 39.7e3, q12: 75.7e3, q13: 130.7e3, q14: 161.2e3, q15: 72.4e3, q16: 18.7e3,
  q17: 116.8e3, q18: 53.7e3, q19: 44.0e3, q20: 19.0e3, q21: 98.5e3, q22: 130.0e3,
};

export const QUERIES = Array.from({ length: 23 }, (_, i) => `q${i}`);
/** The queries that the peers also run (peers/qN.js). */
export const WITH_PEERS = ['q0', 'q1', 'q2', 'q5', 'q7', 'q11'];

/** The query's goal in events/s per core: 800K for q0–q2, else 5× Flink's figure (none for q6). */
export function goal(query) {
  if (query === 'q0' || query === 'q1' || query === 'q2') return 800e3;
  const flink = FLINK_PER_CORE[query];
  return flink === undefined ? undefined : 5 * flink;
}

const expectedCounts = new WeakMap();

/** How often each canonical line occurs in `results` (kept per array: a reference is counted once). */
function linesOf(results, canonical) {
  let counts = expectedCounts.get(results);
  if (counts === undefined) {
    counts = new Map();
    for (const r of results) {
      const line = canonical(r);
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    expectedCounts.set(results, counts);
  }
  return counts;
}

/**
 * The difference between two result sets, as multisets of their canonical
 * lines: undefined when equal, else a few lines that are in one and not the other.
 */
export function compareResults(actual, expected, canonical) {
  const want = linesOf(expected, canonical);
  const seen = new Map();
  let extra = [];
  for (const r of actual) {
    const line = canonical(r);
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    if (n > (want.get(line) ?? 0)) extra.push(line);
  }
  if (extra.length === 0 && actual.length === expected.length) return undefined;
  const missing = [...want].filter(([line, n]) => (seen.get(line) ?? 0) < n).map(([line]) => line);
  extra = [...new Set(extra)];
  return `${actual.length} results, expected ${expected.length}; missing ${missing.length} (${missing.slice(0, 3).join(' | ')}), unexpected ${extra.length} (${extra.slice(0, 3).join(' | ')})`;
}

/** The last result per key (`key(result)`), in the order the keys were last updated. */
export function lastPerKey(results, key) {
  const last = new Map();
  for (const r of results) last.set(key(r), r);
  return [...last.values()];
}

/**
 * Runs query `q` (its module) in weir over `events` (replayed as the
 * generating source splits them, with Nexmark's watermarks); resolves to its
 * results and the job's result. `source` replaces the replay; `sink`, when
 * given, receives the results instead of the returned array; `context` adds to
 * the query's ctx (q10 takes `files` from it).
 */
export async function runWeir(q, events, { parallelism, budget, name, source, onClient, sink, context }) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, memory: budget });
  const stream = env.fromSource(source ?? NexmarkSource.replay(events), NexmarkSource.watermarks(), 'Nexmark');
  const results = [];
  const out = q.weir(stream, { env, parallelism, ...context });
  if (out !== undefined) out.sinkTo(sink ?? ((r) => void results.push(r))).name(sink ? 'sink' : 'collect');
  const client = env.executeAsync(name);
  onClient?.(client);
  const job = await client.getJobExecutionResult();
  return { results, job };
}

/** Compares a query's results (after its finalize) with its reference: undefined when equal, else what differs. */
export function check(q, results, expected) {
  return compareResults(q.finalize ? q.finalize(results) : results, expected, q.canonical);
}
