// The external sort of bench/sort.bench.js (d), in a process of its own so
// that its peak RSS is its own: N records { key, payload } sorted in 64 MiB of
// managed memory. Prints one JSON line.
import { ExternalSorter, MemoryBudget, Types } from 'weir';
import { generate } from './sortRecords.js';

const N = Number(process.argv[2] ?? 10_000_000);
const Rec = Types.OBJECT({ key: Types.LONG, payload: Types.STRING });

// Generation alone, to tell its cost from the sort's.
let t = performance.now();
let sum = 0;
for (const r of generate(N, 2)) sum += r.payload.length;
const generateMs = performance.now() - t;

const rssBefore = process.memoryUsage().rss;
const budget = MemoryBudget.create({ network: '1mb', managed: '64mb', segmentSize: '32kb' });
const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget, memory: '64mb' });
let count = 0;
let last = -1;
t = performance.now();
for (const rec of sorter.sortSync(generate(N, 2))) {
  if (rec.key < last) throw new Error('external sort out of order');
  last = rec.key;
  count++;
}
const ms = performance.now() - t;
if (count !== N || sum !== N * 20) throw new Error(`external sort returned ${count} of ${N} records`);
budget.assertAllReturned();
budget.dispose();
console.log(JSON.stringify({ records: N, ms, generateMs, ...sorter.stats, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024 }));
