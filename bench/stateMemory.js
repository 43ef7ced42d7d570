// Memory per key of keyed state: weir's KeyedStateBackend (serialized bytes in
// managed pages) beside a JS Map of small objects, for N keys of
// { auction, count, max } keyed by a number. Not a test: prints one line per
// contender and the ratio, with N and the machine.
//
//   node --expose-gc bench/stateMemory.js [keys]
//
// weir: pages held × page size / keys (everything the backend holds: meta,
// key and value pages, index, entries). Map: JS heap delta after full GCs.
// Also times a ValueState get and update per key (one setCurrentKey each).
import os from 'node:os';
import v8 from 'node:v8';
import { KeyedStateBackend, MemoryBudget, Types, ValueStateDescriptor } from 'weir';

const N = Number(process.argv[2] ?? 1_000_000);
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;
if (typeof globalThis.gc !== 'function') console.warn('stateMemory: run with node --expose-gc for a JS heap figure');
const heapUsed = () => v8.getHeapStatistics().used_heap_size;
const keyOf = (i) => i * 7919 + 13; // distinct, spread numbers
const valueOf = (i) => ({ auction: i, count: (i % 97) + 1, max: i * 1.5 });

// JS Map of small objects.
gc();
gc();
const before = heapUsed();
let map = new Map();
for (let i = 0; i < N; i++) map.set(keyOf(i), valueOf(i));
gc();
gc();
const mapBytes = heapUsed() - before;
if (map.size !== N) throw new Error('map size');
let tm = performance.now();
for (let i = 0; i < N; i++) map.get(keyOf(i)).count++;
const mapRmwNs = ((performance.now() - tm) * 1e6) / N;
map = undefined;
gc();

// weir.
const budget = MemoryBudget.create({ network: '1mb', managed: '256mb' });
const backend = new KeyedStateBackend({ keyType: Types.LONG, budget, operatorName: 'stateMemory', maxParallelism: 128 });
const Bid = Types.OBJECT({ auction: Types.LONG, count: Types.INT, max: Types.DOUBLE });
const state = backend.getState(new ValueStateDescriptor('max-bid', Bid));
let t0 = performance.now();
for (let i = 0; i < N; i++) {
  backend.setCurrentKey(keyOf(i));
  state.update(valueOf(i));
}
const insertNs = ((performance.now() - t0) * 1e6) / N;
t0 = performance.now();
let sum = 0;
for (let i = 0; i < N; i++) {
  backend.setCurrentKey(keyOf(i));
  sum += state.value().count;
}
const getNs = ((performance.now() - t0) * 1e6) / N;
t0 = performance.now();
for (let i = 0; i < N; i++) {
  backend.setCurrentKey(keyOf(i));
  const v = state.value();
  v.count++;
  state.update(v);
}
const rmwNs = ((performance.now() - t0) * 1e6) / N;
// The same read-modify-write over 10k keys, whose entries stay in the CPU caches.
const HOT = 10_000;
const R = 2_000_000;
for (let round = 0; round < 2; round++) {
  t0 = performance.now();
  for (let i = 0; i < R; i++) {
    backend.setCurrentKey(keyOf(i % HOT));
    const v = state.value();
    v.count++;
    state.update(v);
  }
}
const hotNs = ((performance.now() - t0) * 1e6) / R;
const weirBytes = backend.pagesHeld * backend.pageSize;
console.log(`stateMemory: N=${N} keys, ${os.cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`);
console.log(`  JS Map<number, {auction,count,max}>: ${(mapBytes / N).toFixed(1)} bytes/key (heap delta ${(mapBytes / 2 ** 20).toFixed(1)} MiB)`);
console.log(
  `  weir KeyedStateBackend:              ${(weirBytes / N).toFixed(1)} bytes/key (${backend.pagesHeld} pages of ${backend.pageSize / 1024} KiB; ` +
    `entries+index ${(backend.bytesUsed / N).toFixed(1)} bytes/key)`,
);
console.log(`  ratio weir / Map: ${(weirBytes / mapBytes).toFixed(2)}`);
console.log(`  JS Map per access over ${N} keys: get + change in place ${mapRmwNs.toFixed(0)} ns (no serialization: the object itself is kept)`);
console.log(`  weir per access over ${N} keys: setCurrentKey+update (insert) ${insertNs.toFixed(0)} ns, setCurrentKey+value() ${getNs.toFixed(0)} ns, setCurrentKey+value()+update ${rmwNs.toFixed(0)} ns (checksum ${sum})`);
console.log(`  weir per access over ${HOT} hot keys: setCurrentKey+value()+update ${hotNs.toFixed(0)} ns`);
backend.dispose();
budget.assertAllReturned();
budget.dispose();
