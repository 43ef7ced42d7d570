// The demo job of `npm start`: a streaming job on weir's runtime.
//
//   bids (DataGeneratorSource, 2 instances, rate-limited)
//     → keyBy(auction) → max price per auction (rolling maxBy, 2 instances)
//     → rebalance → sink (1 instance)
//
// The sink is fast, then deliberately slow (it waits a millisecond every few
// records), then fast again. While it is slow, its input channels run out of
// credit, the aggregation's buffers fill, and the backpressure reaches the
// source, which stops generating; memory stays flat. One live line per task
// shows records/s, busy / idle / backpressured time, pool usage and Flink's
// backpressure level.
//
// Usage: npm start [-- --seconds 12 --rate 200000]
import cliProgress from 'cli-progress';
import { DataGeneratorSource, RateLimiterStrategy, StreamExecutionEnvironment, Types } from 'weir';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 12);
const rate = arg('rate', 200_000);

const Bid = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, channel: Types.STRING, dateTime: Types.LONG });
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const bid = (n) => ({ auction: 1000 + ((n * 7) % 997), bidder: n, price: 100 + ((n * 7919) % 100_000), channel: CHANNELS[n & 3], dateTime: 1_700_000_000_000 + n });

const phases = [
  { name: 'fast sink', until: 1 / 3 },
  { name: 'slow sink', until: 2 / 3 },
  { name: 'fast again', until: 1 },
];
const started = performance.now();
const phaseNow = () => phases.find((p) => (performance.now() - started) / 1000 < p.until * seconds) ?? phases[2];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, bufferTimeout: 50, memory: { network: '8mb', managed: '1mb' } });
let sunk = 0;
env
  .fromSource(new DataGeneratorSource(bid, Math.round(rate * seconds), RateLimiterStrategy.perSecond(rate), Bid), 'bids')
  .keyBy((b) => b.auction)
  .maxBy('price')
  .name('max price per auction')
  .rebalance()
  .sinkTo({
    invoke() {
      sunk++;
      // Slow phase: a millisecond's pause every 40 records (about 35K records/s at most).
      if (phaseNow().name === 'slow sink' && sunk % 40 === 0) return sleep(1);
      return undefined;
    },
  })
  .name('sink')
  .setParallelism(1);

const client = env.executeAsync('demo: backpressure');
const bars = new cliProgress.MultiBar(
  { format: ' {label} |{bar}| {extra}', barsize: 20, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000, clearOnComplete: false },
  cliProgress.Presets.shades_classic,
);
const taskBars = new Map();
const rss = [];
const pct = (ms) => `${(ms / 10).toFixed(0).padStart(3)}%`;
function render() {
  const metrics = client.getMetrics();
  rss.push(process.memoryUsage().rss);
  for (const t of metrics.tasks) {
    const key = `${t.name} (${t.subtask + 1}/${t.parallelism})`;
    let bar = taskBars.get(key);
    if (bar === undefined) {
      bar = bars.create(1000, 0, { label: key.padEnd(46), extra: '' });
      taskBars.set(key, bar);
    }
    const rateOut = t.name.startsWith('Source') || t.name.startsWith('max') ? t.numRecordsOutPerSecond : t.numRecordsInPerSecond;
    bar.update(Math.round(t.backPressuredTimeMsPerSecond), {
      extra:
        `${(rateOut / 1000).toFixed(0).padStart(4)}K rec/s  busy ${pct(t.busyTimeMsPerSecond)} idle ${pct(t.idleTimeMsPerSecond)} ` +
        `backpressured ${pct(t.backPressuredTimeMsPerSecond)} ${t.backPressureLevel.padEnd(4)}  in pool ${pct(t.inPoolUsage * 1000)} out pool ${pct(t.outPoolUsage * 1000)}`,
    });
  }
}
console.log(`weir demo: ${seconds} s at up to ${rate.toLocaleString()} bids/s; the bar is each task's backpressured time.`);
const phaseLog = setInterval(() => {
  const name = phaseNow().name;
  if (name !== phaseLog.last) bars.log(`${((performance.now() - started) / 1000).toFixed(1)} s: ${name}\n`);
  phaseLog.last = name;
}, 100);
const display = setInterval(render, 250);
const result = await client.getJobExecutionResult();
clearInterval(display);
clearInterval(phaseLog);
render();
bars.stop();

const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const source = result.metrics.tasks.filter((t) => t.name.startsWith('Source')).reduce((n, t) => n + t.numRecordsOut, 0);
console.log(
  `\n${source.toLocaleString()} bids generated, ${sunk.toLocaleString()} maxima reached the sink in ${(result.netRuntime / 1000).toFixed(1)} s.` +
    `\nResident memory over the run: ${mib(Math.min(...rss))} to ${mib(Math.max(...rss))}; every network buffer went back to its pool.`,
);
if (sunk !== source) throw new Error(`records lost: ${source} generated, ${sunk} sunk`);
