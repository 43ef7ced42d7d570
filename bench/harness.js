// A small layer over benchmark.js: runs one suite of cases in the same process
// and prints them side by side, each as a ratio to the weir case.
import os from 'node:os';
import Benchmark from 'benchmark';

const quick = process.argv.includes('--quick');

export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/**
 * Runs `cases` ({ name, fn, weir?: true, defer?: true }) and prints ops/s and the ratio of
 * each to the case marked `weir`. `unit` names what one op is.
 */
export function runSuite(title, unit, cases) {
  return new Promise((resolve) => {
    const suite = new Benchmark.Suite(title);
    for (const c of cases) suite.add(c.name, c.fn, { defer: c.defer === true, maxTime: quick ? 0.5 : 2, minSamples: 5 });
    suite.on('complete', function () {
      const results = this.map((b) => ({ name: b.name, hz: b.hz, rme: b.stats.rme, samples: b.stats.sample.length }));
      const weir = results.find((r) => cases.find((c) => c.name === r.name)?.weir);
      console.log(`\n${title} (one op = ${unit})`);
      const width = Math.max(...results.map((r) => r.name.length));
      for (const r of results) {
        const ratio = weir ? r.hz / weir.hz : 1;
        const vs = weir === r ? 'weir' : weir ? `${ratio.toFixed(2)}× weir` : '';
        console.log(
          `  ${r.name.padEnd(width)}  ${fmt(r.hz).padStart(12)} ops/s  ±${r.rme.toFixed(1).padStart(4)}%  ${vs.padStart(12)}   (${r.samples} samples)`,
        );
      }
      resolve(results);
    });
    suite.run({ async: false });
  });
}

function fmt(hz) {
  if (hz >= 1e6) return `${(hz / 1e6).toFixed(2)}M`;
  if (hz >= 1e3) return `${(hz / 1e3).toFixed(1)}K`;
  return hz.toFixed(0);
}
