// The demo job of `npm start`: a producer serializes Nexmark-style bids into
// network buffers (a record may span two buffers) and sends the buffers
// through a credit-based channel to a consumer, whose speed changes, that
// reads the bids back and checks their order. When the consumer slows down,
// the channel runs out of credit, the producer waits for buffers
// (backpressure) and memory stays flat; when it speeds up again, the producer
// does too. A live line shows each pool's use.
//
// Usage: npm start [-- --seconds 9]
import cliProgress from 'cli-progress';
import { MemoryBudget, RecordDeserializer, RecordSerializer, Types } from 'weir';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 9;
// A consumer's pause after each buffer: none, or 4 ms (about 250 buffers/s).
const phases = [
  { name: 'fast consumer', pauseMs: 0 },
  { name: 'slow consumer', pauseMs: 4 },
  { name: 'fast again', pauseMs: 0 },
];
const Bid = Types.OBJECT({
  auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, channel: Types.STRING, url: Types.STRING, dateTime: Types.LONG,
});
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const bid = (n) => ({
  auction: 1000 + (n % 97), bidder: n, price: 100 + ((n * 7919) % 100000), channel: CHANNELS[n & 3],
  url: `https://www.nexmark.com/item.htm?query=${n % 1000}`, dateTime: 1_700_000_000_000 + n,
});

const budget = MemoryBudget.create({ network: '4mb', managed: 0, segmentSize: '32kb' });
const global = budget.networkBufferPool;
const output = global.createBufferPool({ min: 4, max: 16, name: 'source output' });
const input = global.createBufferPool({ min: 4, max: 32, name: 'sink input (credit)' });
const reserved = budget.reservedBytes;

// The channel: buffers the consumer granted credit for and the producer filled.
const channel = [];
const stats = { produced: 0, consumed: 0, buffers: 0, backpressuredMs: 0, busyMs: 0, maxQueued: 0 };
let phase = 0;
let done = false;

async function produce() {
  const writer = new RecordSerializer(Bid.createSerializer(), budget);
  let next = 0;
  while (!done || writer.hasPendingBytes) {
    const t0 = performance.now();
    const out = output.requestBuffer() ?? (await output.requestBufferAsync());
    // Fill the buffer with records; the last one may continue in the next buffer.
    let records = 0;
    while (out.size < out.capacity) {
      if (!writer.hasPendingBytes) {
        if (done) break;
        writer.serializeRecord(bid(next++));
        records++;
      }
      out.size += writer.copyTo(out.segment, out.size);
    }
    const t1 = performance.now();
    // Credit: a buffer on the receiving side. None free → the producer waits here.
    let credit = input.requestBuffer();
    if (credit === null) credit = await input.requestBufferAsync();
    const t2 = performance.now();
    out.segment.copyTo(0, credit.segment, 0, out.size);
    credit.size = out.size;
    out.recycle();
    channel.push(credit);
    stats.maxQueued = Math.max(stats.maxQueued, channel.length);
    stats.produced += records;
    stats.busyMs += t1 - t0 + (performance.now() - t2);
    stats.backpressuredMs += t2 - t1;
    if (++stats.buffers % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

let expected = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

const reader = new RecordDeserializer(Bid.createSerializer());

async function consume() {
  let n = 0;
  while (!done || channel.length > 0 || output.numInUse > 0 || reader.hasPartialRecord) {
    const buffer = channel.shift();
    if (buffer === undefined) {
      await yieldToLoop();
      continue;
    }
    reader.setNextBuffer(buffer.segment, 0, buffer.size);
    while (reader.hasNext()) {
      const b = reader.next();
      if (b.bidder !== expected) throw new Error(`bid ${expected} arrived as bid ${b.bidder}`);
      expected++;
      stats.consumed++;
    }
    buffer.recycle();
    const pause = done ? 0 : phases[phase].pauseMs;
    if (pause > 0) await sleep(pause);
    else if (++n % 16 === 0) await yieldToLoop();
  }
}

const bars = new cliProgress.MultiBar(
  {
    format: ' {label} [{bar}] {value}/{total} {extra}',
    barsize: 24,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 1000,
    clearOnComplete: false,
  },
  cliProgress.Presets.shades_classic,
);
const pad = (s) => s.padEnd(26);
const globalBar = bars.create(global.totalSegments, 0, { label: pad('network segments in use'), extra: '' });
const outBar = bars.create(output.numBuffers, 0, { label: pad('source output pool'), extra: '' });
const inBar = bars.create(input.numBuffers, 0, { label: pad('sink input pool (credit)'), extra: '' });
const jobBar = bars.create(seconds * 10, 0, { label: pad('job'), extra: '' });

let last = { produced: 0, at: performance.now(), busy: 0, bp: 0 };
function render(elapsedMs) {
  const now = performance.now();
  const dt = now - last.at;
  const rate = ((stats.produced - last.produced) / dt) * 1000;
  const bp = (100 * (stats.backpressuredMs - last.bp)) / dt;
  const busy = (100 * (stats.busyMs - last.busy)) / dt;
  last = { produced: stats.produced, at: now, busy: stats.busyMs, bp: stats.backpressuredMs };
  globalBar.update(global.totalSegments - global.numAvailable, { extra: `free in global pool: ${global.numAvailable}` });
  outBar.setTotal(output.numBuffers);
  outBar.update(output.numInUse, { extra: `held ${output.numRequested}, waiting ${output.numWaiting}` });
  inBar.setTotal(input.numBuffers);
  inBar.update(input.numInUse, { extra: `queued in channel ${channel.length}` });
  jobBar.update(Math.min(seconds * 10, Math.round(elapsedMs / 100)), {
    extra: `${phases[phase].name}: ${(rate / 1e6).toFixed(2)}M records/s, producer busy ${busy.toFixed(0)}%, backpressured ${bp.toFixed(0)}%`,
  });
}

const start = performance.now();
const display = setInterval(() => render(performance.now() - start), 200);
const phaseTimer = setInterval(() => {
  phase = Math.min(phase + 1, phases.length - 1);
}, (seconds * 1000) / phases.length);
const producer = produce();
const consumer = consume();
await sleep(seconds * 1000);
done = true; // the producer stops after its current buffer; the consumer drains the channel
clearInterval(phaseTimer);
await Promise.all([producer, consumer]);
clearInterval(display);
render(performance.now() - start);
bars.stop();

output.destroy();
input.destroy();
budget.assertAllReturned();
const elapsed = (performance.now() - start) / 1000;
console.log(
  `\n${stats.produced.toLocaleString()} records produced, ${stats.consumed.toLocaleString()} consumed in order ` +
    `(${(stats.consumed / elapsed / 1e6).toFixed(2)}M/s); producer backpressured ${(stats.backpressuredMs / 1000).toFixed(1)} s of ${elapsed.toFixed(1)} s.`,
);
console.log(
  `Memory stayed flat: ${(reserved / 2 ** 20).toFixed(1)} MiB of linear memory reserved at start, never grown; ` +
    `at most ${stats.maxQueued} buffers queued in the channel; every buffer back in its pool.`,
);
if (stats.consumed !== stats.produced) throw new Error('records were lost');
budget.dispose();
