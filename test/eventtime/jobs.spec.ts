// Event time in running jobs: timestamps travel with records (chained and
// over the network), watermarks travel in-band and combine as the minimum
// over active channels, idle channels stop holding time back and rejoin
// without pulling it back, periodic emission runs on the processing-time
// clock, bounded input ends with +Infinity, and bad timestamps are refused.
import { expect } from 'chai';
import {
  JobExecutionError,
  ManualProcessingTimeService,
  StreamExecutionEnvironment,
  Types,
  WatermarkStrategy,
  type JobClient,
  type KeyedProcessContext,
  type ProcessContext,
  type StreamExecutionOptions,
  type WatermarkOutput,
} from 'weir';
import { budget } from '../support/leaks.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function environment(options: StreamExecutionOptions = {}) {
  return StreamExecutionEnvironment.getExecutionEnvironment({ memory: budget({ network: '2mb', managed: '64kb', segmentSize: '4kb' }), ...options });
}

interface Ev {
  v: number;
  ts: number;
  /** A watermark to emit after this event (punctuated). */
  wm?: number;
}
const EV = Types.OBJECT<Ev>({ v: Types.INT, ts: Types.DOUBLE, wm: Types.NULLABLE(Types.DOUBLE) } as never);

/** Watermarks exactly where the events say: deterministic event time for tests. */
function punctuated(): WatermarkStrategy<Ev> {
  return WatermarkStrategy.forGenerator<Ev>(() => ({
    onEvent(e: Ev, _ts: number, out: WatermarkOutput) {
      if (e.wm !== undefined && e.wm !== null) out.emitWatermark(e.wm);
    },
    onPeriodicEmit() {},
  })).withTimestampAssigner((e) => e.ts);
}

/** An async iterable the test feeds by hand. */
class Feed<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private wake: (() => void) | null = null;
  private done = false;
  push(...xs: T[]): void {
    this.items.push(...xs);
    this.wake?.();
  }
  end(): void {
    this.done = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) yield this.items.shift()!;
      else if (this.done) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(2);
  }
}

function watermarkOf(client: JobClient, operator: string): number {
  for (const t of client.getMetrics().tasks) for (const op of t.operators) if (op.name === operator) return op.currentInputWatermark;
  throw new Error(`no operator ${operator}`);
}

describe('event time: timestamps', function () {
  this.timeout(20000);

  it('the assigner’s timestamp reaches ctx.timestamp() in a chained operator and across a keyBy', async () => {
    const events: Ev[] = Array.from({ length: 500 }, (_, i) => ({ v: i, ts: 1_000 * i - 250_000 }));
    const strategy = WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);
    const chained = await environment({ parallelism: 2 })
      .fromCollection(events, EV)
      .assignTimestampsAndWatermarks(strategy)
      .process<[number, number]>((e: Ev, ctx: ProcessContext, out) => out.collect([e.ts, ctx.timestamp() ?? NaN]))
      .executeAndCollect();
    expect(chained).to.have.length(500);
    for (const [ts, seen] of chained) expect(seen).to.equal(ts);
    const across = await environment({ parallelism: 2 })
      .fromCollection(events, EV)
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.v % 7)
      .process<[number, number]>((e: Ev, ctx: KeyedProcessContext<number>, out) => out.collect([e.ts, ctx.timestamp() ?? NaN]))
      .executeAndCollect();
    expect(across).to.have.length(500);
    for (const [ts, seen] of across) expect(seen).to.equal(ts);
  });

  it('without an assigner records have no timestamp (null), across the network too', async () => {
    const env = environment({ parallelism: 2 });
    const seen = await env
      .fromSequence(1, 50)
      .rebalance()
      .process<string>((x: number, ctx: ProcessContext, out) => out.collect(String(ctx.timestamp())))
      .executeAndCollect();
    expect(seen).to.have.length(50);
    expect(new Set(seen)).to.deep.equal(new Set(['null']));
  });

  it('a timestamp assigner that returns no number fails the job naming the operator and the value', async () => {
    const env = environment();
    const run = env
      .fromElements<{ when: string }>({ when: 'yesterday' })
      .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<{ when: string }>().withTimestampAssigner((e) => e.when as unknown as number), 'stamp')
      .print();
    void run;
    const error = await env.execute().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(JobExecutionError);
    expect((error as Error).message).to.contain('stamp').and.contain('"yesterday"');
    const env2 = environment();
    env2
      .fromElements(1)
      .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<number>().withTimestampAssigner(() => new Date(5) as unknown as number))
      .print();
    const dateError = await env2.execute().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(String((dateError as Error)?.message ?? '') + String(((dateError as Error)?.cause as Error)?.message)).to.contain('getTime()');
  });

  it('assignTimestampsAndWatermarks refuses what is not a WatermarkStrategy', () => {
    const env = environment();
    expect(() => env.fromElements(1).assignTimestampsAndWatermarks({} as never)).to.throw(/expected a WatermarkStrategy/);
  });
});

describe('event time: watermarks in a job', function () {
  this.timeout(20000);

  it('the watermark is the minimum over input channels; idle channels stop holding it back and rejoin only when caught up', async () => {
    const clock = new ManualProcessingTimeService(0);
    const env = environment({ processingTimeService: clock, autoWatermarkInterval: 100, bufferTimeout: 0 });
    const a = new Feed<Ev>();
    const b = new Feed<Ev>();
    const strategy = punctuated().withIdleness(1_000);
    const sa = env.fromAsyncIterable(a, EV).assignTimestampsAndWatermarks(strategy, 'A');
    const sb = env.fromAsyncIterable(b, EV).assignTimestampsAndWatermarks(strategy, 'B');
    sa.union(sb)
      .map((e) => e.v)
      .name('Probe')
      .sinkTo(() => undefined);
    const client = env.executeAsync();
    const probe = () => watermarkOf(client, 'Probe');
    try {
      a.push({ v: 1, ts: 100, wm: 100 });
      b.push({ v: 2, ts: 50, wm: 50 });
      await until('the probe has a watermark of 50', () => probe() === 50);
      b.push({ v: 3, ts: 150, wm: 150 });
      await until('the probe has a watermark of 100', () => probe() === 100);
      // B goes quiet: after 1 s of processing time without events it is idle, and A alone decides.
      a.push({ v: 4, ts: 300, wm: 300 });
      await sleep(30);
      expect(probe()).to.equal(150);
      clock.advance(600);
      a.push({ v: 5, ts: 310, wm: 310 }); // A stays active
      clock.advance(600);
      await until('B is idle and A alone decides (310)', () => probe() === 310);
      // B comes back behind the watermark: it does not pull time back, and does not hold it until it catches up.
      b.push({ v: 6, ts: 200, wm: 200 });
      a.push({ v: 7, ts: 400, wm: 400 });
      await until('A advances alone to 400', () => probe() === 400);
      b.push({ v: 8, ts: 500, wm: 500 }); // B caught up: counts again
      a.push({ v: 9, ts: 450, wm: 450 });
      await until('the minimum of both again (450)', () => probe() === 450);
      a.end();
      b.end();
      const result = await client.getJobExecutionResult();
      const sinkWm = result.metrics.tasks.flatMap((t) => t.operators).find((o) => o.name === 'Probe')!.currentInputWatermark;
      expect(sinkWm).to.equal(Infinity);
    } finally {
      a.end();
      b.end();
      await client.getJobExecutionResult().catch(() => undefined);
    }
  });

  it('periodic emission follows the processing-time clock: forBoundedOutOfOrderness(10) gives max − 10 − 1', async () => {
    const clock = new ManualProcessingTimeService(1_000);
    const env = environment({ processingTimeService: clock, autoWatermarkInterval: 200 });
    const feed = new Feed<Ev>();
    env
      .fromAsyncIterable(feed, EV)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(10).withTimestampAssigner((e) => e.ts))
      .rebalance()
      .map((e) => e.v)
      .name('Probe')
      .sinkTo(() => undefined);
    const client = env.executeAsync();
    try {
      feed.push({ v: 1, ts: 100 }, { v: 2, ts: 90 });
      await until('both records are in', () => client.getMetrics().tasks.some((t) => t.operators.some((o) => o.name === 'Probe' && o.numRecordsIn === 2)));
      expect(watermarkOf(client, 'Probe')).to.equal(-Infinity); // no periodic emission until the clock moves
      clock.advance(199);
      await sleep(20);
      expect(watermarkOf(client, 'Probe')).to.equal(-Infinity);
      clock.advance(1);
      await until('the periodic watermark 89 arrived', () => watermarkOf(client, 'Probe') === 89);
      feed.push({ v: 3, ts: 500 });
      await until('the third record is in', () => client.getMetrics().tasks.some((t) => t.operators.some((o) => o.name === 'Probe' && o.numRecordsIn === 3)));
      clock.advance(200);
      await until('the periodic watermark 489 arrived', () => watermarkOf(client, 'Probe') === 489);
      feed.end();
      await client.getJobExecutionResult();
      expect(clock.numPendingTimers).to.equal(0); // the job cancelled its timers when it ended
    } finally {
      feed.end();
      await client.getJobExecutionResult().catch(() => undefined);
    }
  });

  it('a watermark never overtakes records emitted before it, even when a record overflowed the writer’s buffers', async () => {
    // Each event explodes into 3,000 records of its timestamp, then its watermark (= its timestamp) follows.
    // Downstream no record may arrive at or behind the watermark: that would mean it was overtaken.
    const env = environment({ autoWatermarkInterval: 0, bufferTimeout: -1 });
    const events: Ev[] = Array.from({ length: 20 }, (_, i) => ({ v: i, ts: (i + 1) * 10 }));
    const strategy = WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent(_e: Ev, ts: number, out: WatermarkOutput) {
        out.emitWatermark(ts); // after the event's records were emitted
      },
      onPeriodicEmit() {},
    })).withTimestampAssigner((e) => e.ts);
    let records = 0;
    const late = await env
      .fromCollection(events, EV)
      .assignTimestampsAndWatermarks(strategy)
      .flatMap<{ v: number; ts: number; pad: string }>((e: Ev, out) => {
        for (let i = 0; i < 3_000; i++) out.collect({ v: e.v, ts: e.ts, pad: 'x'.repeat(20) });
      })
      .rebalance()
      .process((r: { v: number; ts: number }, ctx: ProcessContext, out) => {
        records++;
        if (ctx.timestamp()! <= ctx.timerService().currentWatermark()) out.collect(r.v);
      })
      .executeAndCollect();
    expect(records).to.equal(60_000);
    expect(late).to.deep.equal([]);
  });
});

describe('event time: found in review', function () {
  this.timeout(20000);

  it('a timestamp of -0 is 0 (one key in state, one time for timers)', async () => {
    const out = await environment()
      .fromElements(1)
      .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<number>().withTimestampAssigner(() => -0))
      .process<boolean>((_x: number, ctx: ProcessContext, o) => o.collect(Object.is(ctx.timestamp(), 0)), Types.BOOLEAN)
      .executeAndCollect();
    expect(out).to.deep.equal([true]);
  });
});
