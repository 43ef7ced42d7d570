// A small layer over benchmark.js: runs one suite of cases in the same process
// and prints them side by side, each as a ratio to the weir case.
import fs from 'node:fs';
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Prints one line per contender of a job suite — events/s, median ms, the
 * range over the rounds, and the ratio to weir — and returns the medians.
 * `times` holds each contender's round times (ms); `n` is the events per run.
 */
export function printContenders(order, contenders, times, n, digits = 2) {
  const med = Object.fromEntries(order.map((name) => [name, median(times[name])]));
  const width = Math.max(...order.map((name) => contenders[name].label.length));
  for (const name of order) {
    const hz = (n / med[name]) * 1000;
    const vs = name === 'weir' ? 'weir' : `${(med.weir / med[name]).toFixed(2)}× weir`;
    const range = `${Math.min(...times[name]).toFixed(0)}–${Math.max(...times[name]).toFixed(0)} ms`;
    console.log(`  ${contenders[name].label.padEnd(width)}  ${(hz / 1e6).toFixed(digits).padStart(digits + 4)}M events/s  ${med[name].toFixed(0).padStart(6)} ms (${range.padStart(9 + 2 * digits)})  ${vs.padStart(11)}`);
  }
  return med;
}

/**
 * The peak resident set size: Linux's VmHWM, which `reset()` sets back to
 * the current RSS (through /proc/self/clear_refs), so that a peak is one
 * run's; elsewhere the process's max RSS, which never goes down (`fromHwm`
 * says which).
 */
export function peakRssMeter() {
  let fromHwm = false;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    fromHwm = /VmHWM/.test(fs.readFileSync('/proc/self/status', 'utf8'));
  } catch {
    fromHwm = false;
  }
  return {
    fromHwm,
    reset() {
      if (fromHwm) fs.writeFileSync('/proc/self/clear_refs', '5');
    },
    /** Bytes. */
    peak() {
      if (!fromHwm) return process.resourceUsage().maxRSS * 1024;
      return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
    },
  };
}
