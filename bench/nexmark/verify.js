// Checks Nexmark queries without timing them: for each query and parallelism,
// runs weir's program (and the peers, where the query has them) over the same
// generated events and compares the results with the query's plain-JS reference.
//
//   node bench/nexmark/verify.js [q0,q5,…] [--events N] [--parallelism 1,2] [--seed S]
import { MemoryBudget } from 'weir';
import { NexmarkGenerator } from 'weir/nexmark';
import { QUERIES, WITH_PEERS, check, runWeir } from './common.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const chosen = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2].split(',') : QUERIES;
const N = Number(arg('--events', '100000'));
const parallelisms = arg('--parallelism', '1,2').split(',').map(Number);
const seed = Number(arg('--seed', '0'));

const t = performance.now();
const events = new NexmarkGenerator({ events: N, seed }).generateAll();
console.log(`${N} events (seed ${seed}) in ${(performance.now() - t).toFixed(0)} ms`);
const budget = MemoryBudget.create();
let failed = 0;
for (const name of chosen) {
  const q = await import(`./${name}.js`);
  const expected = q.reference(events);
  for (const parallelism of parallelisms) {
    const t0 = performance.now();
    const { results } = await runWeir(q, events, { parallelism, budget, name });
    const ms = performance.now() - t0;
    const diff = check(q, results, expected);
    if (diff) failed++;
    console.log(`${name} p=${parallelism}: ${diff ? `✘ ${diff}` : `✔ ${expected.length} results`} (job ${ms.toFixed(0)} ms)`);
  }
  const peers = WITH_PEERS.includes(name) ? await import(`./peers/${name}.js`) : {};
  for (const [peer, run] of Object.entries(peers)) {
    const results = [];
    await run(events, (r) => void results.push(r));
    const diff = check(q, results, expected);
    if (diff) failed++;
    console.log(`${name} ${peer}: ${diff ? `✘ ${diff}` : '✔'}`);
  }
}
budget.dispose();
process.exit(failed > 0 ? 1 : 0);
