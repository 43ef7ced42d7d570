// Case (3) of bench/stream.bench.js, one contender per process so that its
// RSS is its own: the map → keyBy → sum job of streamJobs.js into a slow sink
// (a `waitMs` timer every `every` records). Prints one JSON line.
//
//   node --expose-gc bench/streamMemory.js <weir|rxjs|node|loop> [events] [every] [waitMs]
//
// RSS before: after the events are made and two full GCs. Peak RSS: Linux's
// VmHWM, reset just before the job (clear_refs), so the peak is the job's and
// not that of making the events; elsewhere the process's maxRSS. The JS heap
// is sampled every `every` records and every 5 ms.
import v8 from 'node:v8';
import { MemoryBudget } from 'weir';
import { contenders, countingSink, makeEvents } from './streamJobs.js';
import { peakRssMeter } from './harness.js';

const name = process.argv[2];
const N = Number(process.argv[3] ?? 2_000_000);
const every = Number(process.argv[4] ?? 1000);
const waitMs = Number(process.argv[5] ?? 1);
if (contenders[name] === undefined) throw new Error(`streamMemory: unknown contender ${name}; one of ${Object.keys(contenders).join(', ')}`);
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

const heapUsed = () => v8.getHeapStatistics().used_heap_size;
const heap0 = (gc(), gc(), heapUsed());
const events = makeEvents(N);
gc();
gc();
const heapBefore = heapUsed();
const rssBefore = process.memoryUsage.rss();

// Peak RSS from here on.
const rss = peakRssMeter();

let peakHeap = heapBefore;
let budget;
let poolBuffersPeak = 0;
let poolBuffersMax = 0;
const sample = () => {
  const h = heapUsed();
  if (h > peakHeap) peakHeap = h;
  if (budget !== undefined) {
    const usage = budget.networkBufferPool.usage();
    let held = 0;
    let max = 0;
    for (const p of usage.pools) {
      held += p.requested;
      max += p.max;
    }
    if (held > poolBuffersPeak) poolBuffersPeak = held;
    if (max > poolBuffersMax) poolBuffersMax = max;
  }
};
const sampler = setInterval(sample, 5);
const { invoke, result } = countingSink({
  every,
  onWait: sample,
  wait: () => new Promise((resolve) => setTimeout(resolve, waitMs)),
});

const t = performance.now();
if (name === 'weir') budget = MemoryBudget.create(); // the job's memory is part of what is measured
await contenders[name].keyedSum(events, invoke, { budget, slow: true });
const ms = performance.now() - t;
sample();
clearInterval(sampler);
const peakRss = rss.peak();
const budgetReserved = budget?.reservedBytes;
const segmentSize = budget?.segmentSize;
if (budget !== undefined) {
  budget.assertAllReturned();
  budget.dispose();
}
if (events.length !== N) throw new Error('unreachable');
console.log(
  JSON.stringify({
    contender: name,
    events: N,
    every,
    waitMs,
    count: result.count,
    check: result.check,
    ms,
    eventsHeap: heapBefore - heap0,
    rssBefore,
    peakRss,
    peakFromHwm: rss.fromHwm,
    heapBefore,
    peakHeap,
    budgetReserved,
    segmentSize,
    poolBuffers: budget === undefined ? undefined : poolBuffersMax,
    poolBuffersPeak: budget === undefined ? undefined : poolBuffersPeak,
  }),
);
