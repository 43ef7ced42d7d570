import { MemoryBudget } from 'weir';
import { NexmarkGenerator } from 'weir/nexmark';
import { runWeir } from './common.js';
const name = process.argv[2] ?? 'q0';
const events = new NexmarkGenerator({ events: 2_000_000 }).generateAll();
const budget = MemoryBudget.create();
const q = await import(`./${name}.js`);
let c = 0;
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  await runWeir(q, events, { parallelism: 1, budget, name, sink: () => void c++ });
  console.log(name, (performance.now() - t).toFixed(0), 'ms');
}
