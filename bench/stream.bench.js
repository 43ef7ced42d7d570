// The DataStream runtime beside RxJS 7, Node object-mode streams and a
// hand-written for-loop, on the same pre-generated Nexmark-shaped Bid events
// (bench/streamJobs.js has every contender's code):
//
//   (1) map → filter, chained, parallelism 1 (Nexmark Q1's currency conversion, then a filter keeping half)
//   (2) map → keyBy → sum: a projection { auction, price, bids } typed with Types.OBJECT, so that in weir
//       it crosses a task boundary serialized by a generated serializer, keyed by auction (100 keys),
//       rolling sum of price, into a counting sink
//   (3) the job of (2) into a slow sink (a 1 ms timer every 1000 records, the same for everyone), each
//       contender in a process of its own: time, and RSS and heap before the job and at their peak
//
// Every contender's count and checksum must equal the for-loop's, or the bench
// throws. (1) and (2) are timed in this process: one untimed warm-up run each,
// then rounds in which each contender runs once; the median of the rounds.
// weir's jobs run in one MemoryBudget made up front (the default 64 MiB network
// + 128 MiB managed), as a long-running application would hold one.
//
// Options: --events N (default 2,000,000; --quick 200,000), --rounds N (default 5; --quick 3),
// --memory-only / --no-memory (only case 3 / skip it).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryBudget } from 'weir';
import { contenders, countingSink, makeEvents } from './streamJobs.js';
import { printContenders } from './harness.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const N = arg('--events', quick ? 200_000 : 2_000_000);
const ROUNDS = arg('--rounds', quick ? 3 : 5);
const ORDER = ['weir', 'rxjs', 'node', 'loop'];
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const mark = (ok) => (ok ? '✔' : '✘');

let budget;

async function runOnce(name, job, events, expected) {
  const { invoke, result } = countingSink();
  gc();
  const t = performance.now();
  const execution = await contenders[name][job](events, invoke, { budget, slow: false });
  const ms = performance.now() - t;
  if (expected !== undefined) verify(`${job}: ${contenders[name].label}`, result, expected);
  if (name === 'weir' && job === 'keyedSum') {
    // The case is about a task boundary: the projection must have crossed one, as bytes.
    const tasks = execution.metrics.tasks;
    if (tasks.length !== 2 || !(tasks[1].numBuffersIn > 0)) throw new Error(`keyedSum: weir ran ${tasks.length} task(s) (${tasks.map((x) => x.name).join(' | ')}) and no buffers crossed between them`);
  }
  return { ms, result };
}

function verify(what, result, expected) {
  if (result.count !== expected.count || result.check !== expected.check) {
    throw new Error(`${what} gave ${result.count} records, checksum ${result.check}; the for-loop gave ${expected.count}, checksum ${expected.check}`);
  }
}

async function timed(job, title, events) {
  const expected = (await runOnce('loop', job, events)).result;
  for (const name of ORDER) await runOnce(name, job, events, expected); // warm-up, verified
  const times = Object.fromEntries(ORDER.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) for (const name of ORDER) times[name].push((await runOnce(name, job, events, expected)).ms);

  console.log(`\n${title} — ${N.toLocaleString()} events, median of ${ROUNDS} rounds (one op = one event through the job)`);
  const med = printContenders(ORDER, contenders, times, N);
  return { med, expected };
}

function memoryCase(expected) {
  const script = fileURLToPath(new URL('./streamMemory.js', import.meta.url));
  const rows = {};
  for (const name of ORDER) {
    const out = execFileSync(process.execPath, ['--expose-gc', script, name, String(N)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    rows[name] = JSON.parse(out.trim().split('\n').pop());
  }
  for (const name of ORDER) verify(`slow sink: ${contenders[name].label}`, rows[name], rows.loop);
  if (expected !== undefined) verify('slow sink: for-loop (child)', rows.loop, expected);

  const r0 = rows.loop;
  console.log(
    `\n(3) map → keyBy → sum into a slow sink (${r0.every > 0 ? `${r0.waitMs} ms timer every ${r0.every} records` : 'none'}), ` +
      `each in a process of its own — ${N.toLocaleString()} events (${mib(r0.eventsHeap)} of heap, made before the job)`,
  );
  const width = Math.max(...ORDER.map((n) => contenders[n].label.length));
  const span = (before, peak) => `${mib(before).padStart(8)} → ${mib(peak).padStart(8)} (+${mib(peak - before)})`.padEnd(30);
  console.log(`  ${''.padEnd(width)}      time   ${'RSS before → peak (growth)'.padEnd(30)}   JS heap before → peak (growth)`);
  for (const name of ORDER) {
    const r = rows[name];
    console.log(`  ${contenders[name].label.padEnd(width)}  ${(r.ms / 1000).toFixed(2).padStart(6)} s   ${span(r.rssBefore, r.peakRss)}   ${span(r.heapBefore, r.peakHeap)}`.trimEnd());
  }
  if (rows.weir.budgetReserved !== undefined) {
    const w = rows.weir;
    console.log(
      `  (weir's budget reserves ${mib(w.budgetReserved)} of linear memory up front, touched only where used; the job's pools may hold ` +
        `${w.poolBuffers} buffers of ${w.segmentSize / 1024} KiB = ${((w.poolBuffers * w.segmentSize) / 2 ** 20).toFixed(2)} MiB, and held ${w.poolBuffersPeak} at the peak)`,
    );
  }
  return rows;
}

export async function run() {
  const onlyMemory = process.argv.includes('--memory-only');
  let expected;
  let one;
  let two;
  if (!onlyMemory) {
    const t = performance.now();
    const events = makeEvents(N);
    console.log(`\nStreams: ${N.toLocaleString()} Bid events made in ${((performance.now() - t) / 1000).toFixed(1)} s, before any timing`);
    budget = MemoryBudget.create();
    one = await timed('mapFilter', '(1) map → filter, chained, parallelism 1', events);
    two = await timed('keyedSum', '(2) map → keyBy → sum (weir: a task boundary, records serialized), parallelism 1', events);
    expected = two.expected;
    budget.assertAllReturned();
    budget.dispose();
    budget = undefined;
  }
  let three;
  if (!process.argv.includes('--no-memory')) three = memoryCase(expected);

  console.log('\n  goals');
  if (one !== undefined) {
    const loop = one.med.weir / one.med.loop;
    const rx = one.med.rxjs / one.med.weir;
    console.log(`  (1) weir takes ${loop.toFixed(1)}× the for-loop's time (goal ≤ 3×) ${mark(loop <= 3)}; weir runs at ${rx.toFixed(2)}× RxJS's speed (goal ≥ 1×) ${mark(rx >= 1)}`);
  }
  if (two !== undefined) {
    const node = two.med.node / two.med.weir;
    console.log(`  (2) weir runs at ${node.toFixed(2)}× Node object-mode streams' speed (goal ≥ 3×) ${mark(node >= 3)}`);
  }
  if (three !== undefined) {
    const growth = (n) => three[n].peakRss - three[n].rssBefore;
    const flat = growth('weir') <= 32 * 2 ** 20 && growth('weir') < growth('rxjs');
    console.log(
      `  (3) RSS growth: weir +${mib(growth('weir'))}, RxJS +${mib(growth('rxjs'))}, Node streams +${mib(growth('node'))}, for-loop +${mib(growth('loop'))} ` +
        `(goal: weir flat, ≤ 32 MiB and below RxJS) ${mark(flat)}`,
    );
  }
}

export function dispose() {
  budget?.dispose();
}
