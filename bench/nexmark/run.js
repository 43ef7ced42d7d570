// The Nexmark benchmark: every query of bench/nexmark/qN.js run by weir, and
// q0, q1, q2, q5, q7, q11 also by a for-loop with Maps (the ceiling), RxJS 7
// and Node object-mode streams, over the same events, in one process.
//
//   npm run bench:nexmark [-- --events 2000000] [--queries q0,q5,…] [--parallelism 1,2]
//                         [--rounds 3] [--seed 0] [--no-peers] [--json file]
//
// The events are made first (NexmarkGenerator.generateAll), timed on their own,
// and kept in an array; weir reads them through NexmarkSource.replay (the
// generating source's split: reader i of p gets events i, i + p, …) with
// Nexmark's watermarks (4 s behind the largest timestamp), the peers read the
// same array. So the timings are the engines', not the generator's. One
// further row runs q0 with NexmarkSource generating as it reads, to show what
// generation costs inside a job.
//
// Per query: its plain-JS reference is computed (untimed). Each contender
// runs over all the events first untimed, collecting every result into an
// array, which is compared with the reference at once (and warms up the JIT).
// Then `rounds` rounds, each contender once per round in turn, are timed
// after a full GC, into a sink that only counts (Nexmark's blackhole sink:
// holding millions of results would time the garbage collector, not the
// query); each count must equal the checked run's, unless the query emits
// updates (their number may depend on how parallel readers interleave). The
// time is the median of the rounds; events/s = all events (people, auctions
// and bids) / that time, as Nexmark counts. Peak RSS is Linux's VmHWM, reset
// before each timed run (elsewhere the process's max RSS), the largest of the
// rounds; it includes the events array, which every contender holds. Every
// result set must equal the reference's (after the query's finalize, for
// queries that emit updates), or the row says ✘ and the run exits non-zero;
// every buffer and managed page must be back in weir's budget after each job.
//
// weir runs every task of a job on the one JS thread, so its events/s is also
// its figure per core, compared with Flink 1.13's published per-core figures.
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { MemoryBudget } from 'weir';
import { NexmarkGenerator, NexmarkSource } from 'weir/nexmark';
import { machine, peakRssMeter } from '../harness.js';
import { FLINK_PER_CORE, QUERIES, WITH_PEERS, check, goal, runWeir as runWeirJob } from './common.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('--events', '2000000'));
const SEED = Number(arg('--seed', '0'));
const chosen = arg('--queries', QUERIES.join(',')).split(',');
const PARALLELISMS = arg('--parallelism', '1,2').split(',').map(Number);
const ROUNDS = Number(arg('--rounds', '3'));
const PEERS = !process.argv.includes('--no-peers');
const JSON_OUT = arg('--json', undefined);
const PEER_LABELS = { loop: 'for-loop (ceiling)', rxjs: 'RxJS 7', node: 'Node streams' };
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

for (const q of chosen) if (!QUERIES.includes(q)) throw new Error(`bench:nexmark: unknown query ${q}; the queries are q0 … q22`);

const rssMeter = peakRssMeter();

// ---------------------------------------------------------------------------
// Progress: a bar per checked weir run, from the sources' output.

const bars = process.stderr.isTTY
  ? new cliProgress.SingleBar(
      { format: '  {label} [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left', hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    )
  : undefined;

function sourceRecords(client) {
  let n = 0;
  for (const task of client.getMetrics().tasks) {
    const source = task.operators[0];
    if (task.name.startsWith('Source')) n += source?.numRecordsOut ?? 0;
  }
  return n;
}

// ---------------------------------------------------------------------------

/** A sink that keeps every result (`collect`) or only counts them. */
function sink(collect) {
  const results = [];
  const counted = { count: 0 };
  return { results, counted, invoke: collect ? (r) => void results.push(r) : () => void counted.count++ };
}

async function runWeir(q, name, events, parallelism, budget, { collect, source }) {
  const { results, counted, invoke } = sink(collect);
  gc();
  rssMeter.reset();
  let timer;
  const t = performance.now();
  try {
    await runWeirJob(q, events, {
      parallelism,
      budget,
      source,
      name: `${name} p=${parallelism}`,
      sink: invoke,
      onClient: (client) => {
        // Only the checked runs show progress: polling the metrics is work the peers do not do.
        if (!bars || !collect) return;
        bars.start(events.length, 0, { label: `${name} weir p=${parallelism} (check)`.padEnd(24) });
        timer = setInterval(() => bars.update(sourceRecords(client)), 100);
      },
    });
  } finally {
    clearInterval(timer);
    if (timer !== undefined) bars.stop();
  }
  const ms = performance.now() - t;
  const rss = rssMeter.peak();
  budget.assertAllReturned();
  return { ms, rss, results, count: collect ? results.length : counted.count };
}

async function runPeer(peers, peer, events, { collect }) {
  const { results, counted, invoke } = sink(collect);
  gc();
  rssMeter.reset();
  const t = performance.now();
  await peers[peer](events, invoke); // mostly synchronous from start to end: no progress bar
  const ms = performance.now() - t;
  return { ms, rss: rssMeter.peak(), results, count: collect ? results.length : counted.count };
}

const fmtRate = (hz) => (hz >= 1e6 ? `${(hz / 1e6).toFixed(2)}M` : `${(hz / 1e3).toFixed(0)}K`);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

console.log(`weir Nexmark — ${machine()}`);
const t0 = performance.now();
const events = new NexmarkGenerator({ events: N, seed: SEED }).generateAll();
const genMs = performance.now() - t0;
console.log(`made ${N.toLocaleString('en')} events (seed ${SEED}) in ${genMs.toFixed(0)} ms (${fmtRate((N / genMs) * 1000)} events/s), before any timing`);
const budget = MemoryBudget.create();
const rows = [];
let failures = 0;

for (const name of chosen) {
  const q = await import(`./${name}.js`);
  const expected = q.reference(events);
  const flink = FLINK_PER_CORE[name];
  const target = goal(name);
  /** Takes the median time of the `timed` runs (whose counts must match the checked run's), prints and keeps the row. */
  const record = (contender, p, checked, timed) => {
    let diff = checked.diff;
    // A changelog (a query with finalize) may send more or fewer updates when the order of the parallel readers differs.
    const wrongCount = q.finalize === undefined && timed.find((t) => t.count !== checked.count);
    if (diff === undefined && wrongCount) diff = `a timed run sent ${wrongCount.count} results, the checked run ${checked.count}`;
    if (diff !== undefined) failures++;
    const ms = timed.map((t) => t.ms).sort((a, b) => a - b)[Math.floor(timed.length / 2)];
    const row = {
      query: name, contender, parallelism: p, ms, rounds: timed.map((t) => t.ms), eventsPerSecond: (N / ms) * 1000,
      peakRss: Math.max(...timed.map((t) => t.rss)), results: checked.count, verified: diff === undefined, diff,
    };
    rows.push(row);
    printRow(row, flink, contender === 'weir' ? target : undefined);
  };
  console.log(`\n${name} ${q.title}: ${q.description} — ${expected.length.toLocaleString('en')} results expected; Flink 1.13: ${flink ? `${fmtRate(flink)}/core` : 'not run'}${target ? `, goal ${fmtRate(target)}/s` : ''}`);
  // The contenders: [label, parallelism, run(collect)].
  const contenders = PARALLELISMS.map((p) => ['weir', p, (collect) => runWeir(q, name, events, p, budget, { collect })]);
  if (name === 'q0') {
    // The same pass-through with the generator inside the job: what making the events costs there.
    for (const p of PARALLELISMS) {
      contenders.push(['weir, generating', p, (collect) => runWeir(q, name, events, p, budget, { collect, source: new NexmarkSource({ events: N, seed: SEED }) })]);
    }
  }
  if (PEERS && WITH_PEERS.includes(name)) {
    const peers = await import(`./peers/${name}.js`);
    for (const peer of ['loop', 'rxjs', 'node']) contenders.push([peer, 1, (collect) => runPeer(peers, peer, events, { collect })]);
  }
  const checked = [];
  for (const [, , run] of contenders) {
    const r = await run(true);
    checked.push({ count: r.count, diff: check(q, r.results, expected) }); // q10's finalize reads back and removes its files
  }
  const timed = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < contenders.length; i++) {
      timed[i].push(await contenders[i][2](false));
      q.cleanup?.(); // q10's files of a timed run
    }
  }
  contenders.forEach(([label, p], i) => record(label, p, checked[i], timed[i]));
}
budget.dispose();

function printRow(row, flink, target) {
  const label = row.contender === 'weir' || row.contender.startsWith('weir') ? `${row.contender} p=${row.parallelism}` : PEER_LABELS[row.contender];
  const vsFlink = flink ? `${(row.eventsPerSecond / flink).toFixed(1)}× Flink/core` : '';
  const goalMark = target ? (row.eventsPerSecond >= target ? ' goal ✔' : ' goal ✘') : '';
  const verified = row.verified ? '✔ verified' : `✘ ${row.diff}`;
  console.log(
    `  ${label.padEnd(22)} ${fmtRate(row.eventsPerSecond).padStart(7)} events/s  ${row.ms.toFixed(0).padStart(6)} ms  peak RSS ${mib(row.peakRss).padStart(8)}  ${vsFlink.padStart(17)}${goalMark}  ${verified}`,
  );
}

// The summary: weir at each parallelism against Flink, and the peers as ratios of weir's time at p=1.
console.log(`\nsummary (${N.toLocaleString('en')} events; ratios are of events/s)`);
const header = ['query', ...PARALLELISMS.map((p) => `weir p=${p}`), 'vs Flink/core', 'goal', ...(PEERS ? ['loop / weir', 'weir / RxJS', 'weir / Node'] : [])];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
for (const name of chosen) {
  const weirRows = PARALLELISMS.map((p) => rows.find((r) => r.query === name && r.contender === 'weir' && r.parallelism === p));
  const best = Math.max(...weirRows.map((r) => r.eventsPerSecond));
  const flink = FLINK_PER_CORE[name];
  const target = goal(name);
  const w1 = weirRows[0];
  const peer = (c) => rows.find((r) => r.query === name && r.contender === c);
  const cells = [
    name,
    ...weirRows.map((r) => `${fmtRate(r.eventsPerSecond)}/s${r.verified ? '' : ' ✘'}`),
    flink ? `${(best / flink).toFixed(1)}×` : '—',
    target ? `${best >= target ? '✔' : '✘'} (${fmtRate(target)}/s)` : '—',
  ];
  if (PEERS) {
    cells.push(peer('loop') ? `${(peer('loop').eventsPerSecond / w1.eventsPerSecond).toFixed(2)}×` : '');
    cells.push(peer('rxjs') ? `${(w1.eventsPerSecond / peer('rxjs').eventsPerSecond).toFixed(2)}×` : '');
    cells.push(peer('node') ? `${(w1.eventsPerSecond / peer('node').eventsPerSecond).toFixed(2)}×` : '');
  }
  console.log(`| ${cells.join(' | ')} |`);
}
if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify({ machine: machine(), events: N, seed: SEED, generationMs: genMs, rows: rows.map(({ diff, ...r }) => r) }, null, 1) + '\n');
  console.log(`\nwrote ${JSON_OUT}`);
}
if (failures > 0) {
  console.log(`\n${failures} result set(s) differ from their reference`);
  process.exit(1);
}
