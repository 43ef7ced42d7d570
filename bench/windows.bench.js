// Event-time windows (issue 7): weir's window operator beside a hand-written
// loop with Maps (the ceiling) and RxJS 7, on the same pre-generated bids
// (bench/windowJobs.js has every contender's code and says what RxJS can and
// cannot express):
//
//   q7   tumbling 10 s windows over all bids (windowAll): the highest bid per window
//   q5   sliding 10 s / 2 s windows keyed by auction: bids per auction, then per window the auction(s) with the most
//   q11  session windows per bidder (10 s gap): bids per session
//
// weir runs each at parallelism 1 with WatermarkStrategy.forBoundedOutOfOrderness
// and the default periodic watermarks (every 200 ms of processing time), in one
// MemoryBudget made up front (the default 64 MiB network + 128 MiB managed).
// Every contender's results, sorted, must equal the loop's, and none may drop
// an element as late, or the bench throws. One untimed warm-up run each, then
// rounds in which each contender runs once; the median of the rounds.
//
// Then the memory of keyed state: bench/stateMemory.js in a process of its own,
// weir's KeyedStateBackend beside a JS Map of small objects.
//
// Options: --events N (default 2,000,000; --quick 200,000), --rounds N (default 3),
// --keys N (state memory; default 1,000,000; --quick 200,000), --no-memory.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryBudget } from 'weir';
import { BOUND, GAP, SLIDE, WINDOW, canonical, contenders, makeWindowEvents } from './windowJobs.js';
import { printContenders } from './harness.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const N = arg('--events', quick ? 200_000 : 2_000_000);
const ROUNDS = arg('--rounds', 3);
const KEYS = arg('--keys', quick ? 200_000 : 1_000_000);
const ORDER = ['weir', 'loop', 'rxjs'];
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

const mark = (ok) => (ok ? '✔' : '✘');
const s = (ms) => `${(ms / 1000).toFixed(0)} s`;

const QUERIES = {
  q7: `q7 shape: tumbling ${s(WINDOW)} windows over all bids (windowAll), the highest bid per window`,
  q5: `q5 shape: sliding ${s(WINDOW)} / ${s(SLIDE)} windows keyed by auction, bids per auction, then the auction(s) with the most per window`,
  q11: `q11 shape: session windows per bidder (gap ${s(GAP)}), bids per session`,
};

let budget;

async function runOnce(name, query, events) {
  const results = [];
  const sink = (r) => {
    results.push(r);
  };
  gc();
  const t = performance.now();
  const done = await contenders[name][query](events, sink, { budget });
  const ms = performance.now() - t;
  const late = name === 'weir' ? done.metrics.tasks.flatMap((task) => task.operators).reduce((sum, op) => sum + (op.numLateRecordsDropped ?? 0), 0) : done.late;
  if (late !== 0) throw new Error(`${query}: ${contenders[name].label} dropped ${late} elements as late; the events are made so that none is`);
  return { ms, results };
}

function verify(what, results, expected, query) {
  const got = results.map(canonical[query]).sort();
  const diff = got.findIndex((line, i) => line !== expected[i]);
  if (got.length !== expected.length || diff >= 0) {
    const at = diff >= 0 ? diff : Math.min(got.length, expected.length);
    throw new Error(`${what} gave ${got.length} results, the loop ${expected.length}; first difference at ${at} (sorted): ${got[at]} vs the loop's ${expected[at]}`);
  }
}

async function timed(query, events) {
  const expected = (await runOnce('loop', query, events)).results.map(canonical[query]).sort();
  for (const name of ORDER) verify(`${query}: ${contenders[name].label}`, (await runOnce(name, query, events)).results, expected, query); // warm-up, verified
  const times = Object.fromEntries(ORDER.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ORDER) {
      const { ms, results } = await runOnce(name, query, events);
      verify(`${query}: ${contenders[name].label}`, results, expected, query);
      times[name].push(ms);
    }
  }

  console.log(`\n${QUERIES[query]} — ${N.toLocaleString()} events, ${expected.length.toLocaleString()} results, median of ${ROUNDS} rounds`);
  const med = printContenders(ORDER, contenders, times, N, 3);
  console.log(`  weir takes ${(med.weir / med.loop).toFixed(1)}× the loop's time and ${(med.weir / med.rxjs).toFixed(1)}× RxJS's`);
  return med;
}

function stateMemory() {
  const script = fileURLToPath(new URL('./stateMemory.js', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', script, String(KEYS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  console.log(`\nKeyed state memory (bench/stateMemory.js, a process of its own) — ${KEYS.toLocaleString()} keys of { auction, count, max }`);
  for (const line of out.trim().split('\n').slice(1)) console.log(`  ${line.trim()}`);
  const ratio = Number(/ratio weir \/ Map: ([\d.]+)/.exec(out)?.[1]);
  return ratio;
}

export async function run() {
  const t = performance.now();
  const events = makeWindowEvents(N);
  console.log(
    `\nWindows: ${N.toLocaleString()} Bid events (one per 5 ms of event time, each up to ${BOUND - 1} ms out of order; ` +
      `watermarks ${BOUND} ms behind) made in ${((performance.now() - t) / 1000).toFixed(1)} s, before any timing`,
  );
  budget = MemoryBudget.create();
  const med = {};
  for (const query of Object.keys(QUERIES)) med[query] = await timed(query, events);
  budget.assertAllReturned();
  budget.dispose();
  budget = undefined;
  const ratio = process.argv.includes('--no-memory') ? undefined : stateMemory();

  console.log('\n  summary (time ratios: above 1 means weir is slower)');
  for (const query of Object.keys(QUERIES)) {
    console.log(`  ${query.padEnd(3)}  weir / loop ${(med[query].weir / med[query].loop).toFixed(1).padStart(5)}×   weir / RxJS ${(med[query].weir / med[query].rxjs).toFixed(1).padStart(5)}×`);
  }
  if (ratio !== undefined) console.log(`  keyed state: weir ${ratio.toFixed(2)}× the bytes per key of a JS Map of objects (goal ≤ 0.5×) ${mark(ratio <= 0.5)}`);
}

export function dispose() {
  budget?.dispose();
}
