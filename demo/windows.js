// An event-time demo (`npm run demo:windows`): bids whose timestamps arrive
// out of order, some of them very late, counted per auction in tumbling
// 2-second event-time windows.
//
//   bids (DataGeneratorSource, rate-limited; timestamps jittered, 1 in 500 far behind)
//     → assignTimestampsAndWatermarks(bounded out-of-orderness 500 ms)
//     → keyBy(auction) → 2 s tumbling windows, 1 s allowed lateness, late data to a side output
//     → count per auction and window → windowAll: the top 3 auctions of each window
//
// Each window is printed when the watermark passes its end; a late bid
// within the allowed lateness fires its window again (marked "update");
// bids later than that go to the side output and are counted.
//
// Usage: npm run demo:windows [-- --seconds 10 --rate 20000]
import {
  DataGeneratorSource,
  OutputTag,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  Types,
  ValueStateDescriptor,
  WatermarkStrategy,
} from 'weir';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 10);
const rate = arg('rate', 20_000);

const Bid = Types.OBJECT({ auction: Types.INT, price: Types.LONG, dateTime: Types.DOUBLE });
const start = Date.now();
// Event time runs with the clock; most bids are up to 400 ms out of order, 1 in 500 is 1–4 s late.
const bid = (n) => {
  const jitter = n % 500 === 0 ? 1000 + ((n * 37) % 3000) : (n * 7919) % 400;
  return { auction: (n * 7) % 50, price: 100 + ((n * 7919) % 1000), dateTime: start + Math.floor((n * 1000) / rate) - jitter };
};

const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, memory: { network: '8mb', managed: '16mb' } });
const late = new OutputTag('late bids', Bid);
const FIRES = new ValueStateDescriptor('fires', Types.INT);
const Count = Types.OBJECT({ auction: Types.INT, start: Types.DOUBLE, end: Types.DOUBLE, bids: Types.INT, fired: Types.INT });

const counts = env
  .fromSource(
    new DataGeneratorSource(bid, Math.round(rate * seconds), RateLimiterStrategy.perSecond(rate), Bid),
    WatermarkStrategy.forBoundedOutOfOrderness(500).withTimestampAssigner((b) => b.dateTime),
    'bids',
  )
  .keyBy((b) => b.auction)
  .window(TumblingEventTimeWindows.of(2000))
  .allowedLateness(1000)
  .sideOutputLateData(late)
  .aggregate(
    { createAccumulator: () => 0, add: (_b, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b },
    {
      process(auction, ctx, results, out) {
        // How often this window fired: per-window state, dropped with the window.
        const fires = ctx.windowState().getState(FIRES);
        const fired = (fires.value() ?? 0) + 1;
        fires.update(fired);
        out.collect({ auction, start: ctx.window.start, end: ctx.window.end, bids: [...results][0], fired });
      },
      clear(ctx) {
        ctx.windowState().getState(FIRES).clear();
      },
    },
    Types.INT,
    Count,
  )
  .name('bids per auction and 2 s');

let lateBids = 0;
counts.getSideOutput(late).sinkTo(() => void lateBids++);

const t0 = (ms) => new Date(ms).toISOString().slice(11, 19);
// First firings: the top 3 auctions of each window (the counts carry their window's maxTimestamp, so they fall into
// the same window again here).
counts
  .filter((r) => r.fired === 1)
  .windowAll(TumblingEventTimeWindows.of(2000))
  .process(
    (ctx, rows, out) => {
      const all = [...rows];
      const top = all.sort((a, b) => b.bids - a.bids).slice(0, 3);
      out.collect(`window [${t0(ctx.window.start)}, ${t0(ctx.window.end)}): ${all.length} auctions, top ${top.map((r) => `#${r.auction} (${r.bids} bids)`).join(', ')}`);
    },
    Types.STRING,
  )
  .name('top 3 per window')
  .sinkTo((line) => console.log(line));
// Later firings: a late bid within the allowed lateness updated a window that had fired.
let updates = 0;
counts
  .filter((r) => r.fired > 1)
  .sinkTo((r) => {
    if (++updates <= 5) console.log(`  update: auction #${r.auction} in [${t0(r.start)}, ${t0(r.end)}) now has ${r.bids} bids (firing ${r.fired})`);
  });

const result = await env.execute('bids per auction in event time');
console.log(`\n${Math.round(rate * seconds).toLocaleString()} bids in ${(result.netRuntime / 1000).toFixed(1)} s; ${updates} window updates from late bids within the allowed lateness; ${lateBids} bids came later than that (side output).`);
const ops = result.metrics.tasks.flatMap((t) => t.operators).filter((o) => o.name === 'bids per auction and 2 s');
console.log(`numLateRecordsDropped: ${ops.reduce((n, o) => n + o.numLateRecordsDropped, 0)} (late bids went to the side output instead)`);

