// npm run bench [-- --quick] [-- pools|segments|types|strings|sort|stream|windows]: runs the benchmark suites,
// each printing weir beside its peers in the same run, as ratios.
import { machine } from './harness.js';

const all = { pools: './pools.bench.js', segments: './segments.bench.js', types: './types.bench.js', strings: './strings.bench.js', sort: './sort.bench.js', stream: './stream.bench.js', windows: './windows.bench.js' };
const chosen = Object.keys(all).filter((k) => process.argv.includes(k));
console.log(`weir benchmarks — ${machine()}${process.argv.includes('--quick') ? ' (quick: 0.5 s per case)' : ''}`);
for (const name of chosen.length > 0 ? chosen : Object.keys(all)) {
  const suite = await import(all[name]);
  await suite.run();
  suite.dispose();
}
