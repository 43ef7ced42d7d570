// Windows in running jobs: weir's window operator against the reference
// model of Flink's (test/windowing/reference.ts) on random event streams, and
// Flink's documented cases: lateness re-firing and cleanup, late data to a
// side output or counted as dropped, count windows, evictors, processing-time
// windows on a manual clock, windowAll, session merging, and refusals.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  ContinuousEventTimeTrigger,
  CountEvictor,
  CountTrigger,
  DeltaEvictor,
  PurgingTrigger,
  TimeEvictor,
  Trigger,
  TriggerResult,
  EventTimeSessionWindows,
  GlobalWindows,
  ManualProcessingTimeService,
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  Types,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type ProcessContext,
  type ProcessWindowContext,
  type StreamExecutionOptions,
  type TimeWindow,
  type WatermarkOutput,
} from 'weir';
import { budget } from '../support/leaks.js';
import { referenceWindows, type ReferenceOp, type ReferenceSpec } from './reference.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function environment(options: StreamExecutionOptions = {}) {
  return StreamExecutionEnvironment.getExecutionEnvironment({
    memory: budget({ network: '2mb', managed: '4mb', segmentSize: '4kb' }),
    autoWatermarkInterval: 0,
    ...options,
  });
}

/** An element, or a watermark marker (`w` = 1) that the source turns into a watermark in place. */
interface Op {
  w: number;
  key: string;
  value: number;
  ts: number;
}
const OP = Types.OBJECT<Op>({ w: Types.INT, key: Types.STRING, value: Types.INT, ts: Types.DOUBLE } as never);

interface Out {
  key: string;
  start: number;
  end: number;
  value: number[];
  timestamp: number;
}

/** The ops as a stream: elements with their timestamps, watermarks exactly where the markers are. */
function opsStream(env: StreamExecutionEnvironment, ops: readonly ReferenceOp[]) {
  const records: Op[] = ops.map((op) => (op.kind === 'element' ? { w: 0, key: String(op.key), value: op.value, ts: op.timestamp } : { w: 1, key: '', value: 0, ts: op.time }));
  const strategy = WatermarkStrategy.forGenerator<Op>(() => ({
    onEvent(e: Op, _ts: number, out: WatermarkOutput) {
      if (e.w === 1) out.emitWatermark(e.ts);
    },
    onPeriodicEmit() {},
  })).withTimestampAssigner((e) => e.ts);
  // One ordered path up to the keyBy (elements and watermarks in the order of `ops`), as the reference assumes.
  return env
    .fromCollection(records, OP)
    .assignTimestampsAndWatermarks(strategy)
    .setParallelism(1)
    .filter((e) => e.w === 0)
    .setParallelism(1);
}

const assigners = {
  tumbling: (a: { size: number; offset?: number }) => TumblingEventTimeWindows.of<Op>(a.size, a.offset ?? 0),
  sliding: (a: { size: number; slide: number; offset?: number }) => SlidingEventTimeWindows.of<Op>(a.size, a.slide, a.offset ?? 0),
  session: (a: { gap: number }) => EventTimeSessionWindows.withGap<Op>(a.gap),
};

async function runWeir(ops: readonly ReferenceOp[], spec: ReferenceSpec, parallelism: number): Promise<{ results: Out[]; late: Array<{ key: string; value: number; timestamp: number }> }> {
  const env = environment({ parallelism });
  const lateTag = new OutputTag<Op>('late', OP);
  const a = spec.assigner;
  const assigner = a.type === 'tumbling' ? assigners.tumbling(a) : a.type === 'sliding' ? assigners.sliding(a) : assigners.session(a);
  const windowed = opsStream(env, ops).keyBy((e) => e.key).window(assigner).allowedLateness(spec.allowedLateness).sideOutputLateData(lateTag);
  const describe = (key: string, w: TimeWindow, values: number[]) => ({ key, start: w.start, end: w.end, value: values, timestamp: NaN });
  const OUT = Types.OBJECT<Out>({ key: Types.STRING, start: Types.DOUBLE, end: Types.DOUBLE, value: Types.LIST(Types.DOUBLE), timestamp: Types.DOUBLE } as never);
  let windows;
  if (spec.aggregate === 'sum') {
    windows = windowed.reduce(
      (x, y) => ({ ...x, value: x.value + y.value }),
      (key: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<Op>, out: Collector<Out>) => out.collect(describe(key, ctx.window, [[...els][0]!.value])),
      OUT,
    );
  } else if (spec.aggregate === 'count') {
    windows = windowed.aggregate(
      { createAccumulator: () => 0, add: (_v: Op, acc: number) => acc + 1, getResult: (acc: number) => acc, merge: (x: number, y: number) => x + y },
      (key: string, ctx: ProcessWindowContext<TimeWindow>, counts: Iterable<number>, out: Collector<Out>) => out.collect(describe(key, ctx.window, [...counts])),
      Types.INT,
      OUT,
    );
  } else {
    windows = windowed.process(
      (key: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<Op>, out: Collector<Out>) => out.collect(describe(key, ctx.window, [...els].map((e) => e.value))),
      OUT,
    );
  }
  const late: Array<{ key: string; value: number; timestamp: number }> = [];
  windows.getSideOutput(lateTag).sinkTo((e: Op) => void late.push({ key: e.key, value: e.value, timestamp: e.ts }));
  const results = await windows
    .process<Out>((r: Out, ctx: ProcessContext, out) => out.collect({ ...r, timestamp: ctx.timestamp()! }), OUT)
    .executeAndCollect();
  return { results, late };
}

const canon = (x: unknown) => JSON.stringify(x);
function sortedMultiset<T>(xs: readonly T[], f: (x: T) => unknown): string[] {
  return xs.map((x) => canon(f(x))).sort();
}

describe('windows: weir against the reference model of Flink’s window operator', function () {
  this.timeout(120000);

  const assignerArb = fc.oneof(
    fc.integer({ min: 1, max: 4000 }).chain((size) => fc.record({ type: fc.constant('tumbling' as const), size: fc.constant(size), offset: fc.integer({ min: 0, max: size - 1 }) })),
    fc
      .tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 4 }))
      .chain(([slide, n]) => fc.record({ type: fc.constant('sliding' as const), size: fc.constant(slide * n), slide: fc.constant(slide), offset: fc.integer({ min: 0, max: slide - 1 }) })),
    fc.record({ type: fc.constant('session' as const), gap: fc.integer({ min: 1, max: 2500 }) }),
  );

  // Timestamps around zero (negative ones too); watermarks every few elements trail the largest timestamp by a random bound, so
  // some elements are out of order within the bound and some are later than the watermark (late, or within the lateness).
  const opsArb = fc
    .array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c', 'd'),
        value: fc.integer({ min: -50, max: 50 }),
        timestamp: fc.integer({ min: -6000, max: 20000 }),
        watermarkAfter: fc.boolean(),
        bound: fc.integer({ min: 0, max: 4000 }),
      }),
      { maxLength: 60 },
    )
    .map((elements) => {
      const ops: ReferenceOp[] = [];
      let max = -Infinity;
      let wm = -Infinity;
      for (const e of elements) {
        ops.push({ kind: 'element', key: e.key, value: e.value, timestamp: e.timestamp });
        max = Math.max(max, e.timestamp);
        if (e.watermarkAfter && max - e.bound > wm) {
          wm = max - e.bound;
          ops.push({ kind: 'watermark', time: wm });
        }
      }
      return ops;
    });

  for (const aggregate of ['sum', 'count', 'list'] as const) {
    it(`${aggregate}: the same windows, contents, timestamps and late elements as the reference, for random streams, assigners and lateness`, async () => {
      await fc.assert(
        fc.asyncProperty(opsArb, assignerArb, fc.integer({ min: 0, max: 3000 }), fc.constantFrom(1, 2), async (ops, assigner, allowedLateness, parallelism) => {
          const spec: ReferenceSpec = { assigner, allowedLateness, aggregate };
          const expected = referenceWindows([...ops, { kind: 'watermark', time: Infinity }], spec);
          const actual = await runWeir(ops, spec, parallelism);
          const value = (v: number | number[]) => (Array.isArray(v) ? [...v].sort((x, y) => x - y) : [v]);
          expect(sortedMultiset(actual.results, (r) => [r.key, r.start, r.end, value(r.value), r.timestamp])).to.deep.equal(
            sortedMultiset(expected.results, (r) => [String(r.key), r.start, r.end, value(r.value), r.timestamp]),
          );
          expect(sortedMultiset(actual.late, (l) => [l.key, l.value, l.timestamp])).to.deep.equal(sortedMultiset(expected.late, (l) => [String(l.key), l.value, l.timestamp]));
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('windows: Flink’s documented cases', function () {
  this.timeout(30000);

  const el = (key: string, value: number, timestamp: number): ReferenceOp => ({ kind: 'element', key, value, timestamp });
  const wm = (time: number): ReferenceOp => ({ kind: 'watermark', time });

  it('allowed lateness: a late element within it fires the window again with everything; after cleanup it goes to the side output', async () => {
    const ops = [el('a', 1, 1000), wm(4999), el('a', 2, 2000), wm(6500), el('a', 4, 3000), wm(7000), el('a', 8, 4000)];
    const { results, late } = await runWeir(ops, { assigner: { type: 'tumbling', size: 5000 }, allowedLateness: 2000, aggregate: 'sum' }, 1);
    // Fired at 4999 with 1, again with 1+2 when 2 arrived, again with 1+2+4; cleaned at 6999; 8 is late.
    expect(results.map((r) => r.value[0])).to.deep.equal([1, 3, 7]);
    expect(results.every((r) => r.start === 0 && r.end === 5000 && r.timestamp === 4999)).to.equal(true);
    expect(late).to.deep.equal([{ key: 'a', value: 8, timestamp: 4000 }]);
  });

  it('a late element with no side output is dropped and counted in numLateRecordsDropped', async () => {
    const env = environment();
    const ops = [el('a', 1, 1000), wm(10_000), el('a', 2, 2000), el('a', 3, 3000), el('b', 4, 12_000)];
    const windowed = opsStream(env, ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(5000))
      .sum('value')
      .name('windows');
    const sums: number[] = [];
    windowed.sinkTo((e: Op) => void sums.push(e.value));
    const result = await env.execute();
    expect(sums.sort()).to.deep.equal([1, 4]);
    const op = result.metrics.tasks.flatMap((t) => t.operators).find((o) => o.name === 'windows')!;
    expect(op.numLateRecordsDropped).to.equal(2);
  });

  it('session windows: a late element that bridges two sessions merges them into one window with all contents', async () => {
    const ops = [el('a', 1, 0), el('a', 2, 5000), wm(2000), el('a', 4, 2500)];
    const { results } = await runWeir(ops, { assigner: { type: 'session', gap: 3000 }, allowedLateness: 0, aggregate: 'list' }, 1);
    expect(results.map((r) => [r.start, r.end, [...r.value].sort()])).to.deep.equal([[0, 8000, [1, 2, 4]]]);
  });

  it('countWindow(3) fires every 3 elements of a key and purges; countWindow(3, 1) slides by one over the last 3', async () => {
    const values = [1, 2, 3, 4, 5, 6, 7];
    const tumbling = await environment()
      .fromCollection(values, Types.INT)
      .keyBy(() => 'k')
      .countWindow(3)
      .process<string>((key: string, _ctx, els: Iterable<number>, out) => out.collect([...els].join(',')), Types.STRING)
      .executeAndCollect();
    expect(tumbling).to.deep.equal(['1,2,3', '4,5,6']);
    const sliding = await environment()
      .fromCollection(values, Types.INT)
      .keyBy(() => 'k')
      .countWindow(3, 1)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(sliding).to.deep.equal([1, 3, 6, 9, 12, 15, 18]);
  });

  it('an evictor keeps the last 2 elements of each firing window (CountEvictor before the function)', async () => {
    const ops = [el('a', 1, 100), el('a', 2, 200), el('a', 3, 300), el('b', 9, 400)];
    const env = environment();
    const out = await opsStream(env, ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .evictor(CountEvictor.of(2))
      .process<string>((key: string, _c, els: Iterable<Op>, o) => o.collect(`${key}:${[...els].map((e) => e.value).join(',')}`), Types.STRING)
      .executeAndCollect();
    expect(out.sort()).to.deep.equal(['a:2,3', 'b:9']);
  });

  it('processing-time windows fire when the manual clock reaches their maxTimestamp (end − 1), not before', async () => {
    const clock = new ManualProcessingTimeService(0);
    const env = environment({ processingTimeService: clock, bufferTimeout: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* feed() {
      yield 1;
      yield 2;
      await gate;
      yield 3;
    }
    const fired: string[] = [];
    env
      .fromAsyncIterable(feed(), Types.INT)
      .keyBy(() => 'k')
      .window(TumblingProcessingTimeWindows.of<number>(1000))
      .process<string>((_k: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<number>, out) => out.collect(`[${ctx.window.start},${ctx.window.end}) ${[...els].join(',')}`), Types.STRING)
      .sinkTo((s: string) => void fired.push(s));
    const client = env.executeAsync();
    for (let i = 0; i < 200 && clock.numPendingTimers === 0; i++) await sleep(5); // both records are in their window
    clock.advance(998);
    await sleep(20);
    expect(fired).to.deep.equal([]);
    clock.advance(1);
    for (let i = 0; i < 100 && fired.length === 0; i++) await sleep(5);
    expect(fired).to.deep.equal(['[0,1000) 1,2']);
    release();
    await client.getJobExecutionResult();
    // As in Flink, a processing-time window still open when the input ends does not fire.
    expect(fired).to.deep.equal(['[0,1000) 1,2']);
  });

  it('windowAll sums the whole stream per window in one instance', async () => {
    const ops = [el('a', 1, 0), el('b', 2, 999), el('c', 4, 1000), el('d', 8, 1999)];
    const env = environment({ parallelism: 2 });
    const sums = await opsStream(env, ops)
      .windowAll(TumblingEventTimeWindows.of<Op>(1000))
      .sum('value')
      .map((e) => e.value)
      .executeAndCollect();
    expect(sums.sort()).to.deep.equal([12, 3]);
  });

  it('ProcessWindowFunction: per-window state is cleared with the window; global state lives across windows', async () => {
    const ops = [el('a', 1, 100), wm(1000), el('a', 1, 1100), wm(2000), el('a', 1, 2100)];
    class Fires extends ProcessWindowFunction<Op, string, string, TimeWindow> {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, _els: Iterable<Op>, out: Collector<string>) {
        const perWindow = ctx.windowState().getState(new ValueStateDescriptor<number>('fires', Types.INT));
        const total = ctx.globalState().getState(new ValueStateDescriptor<number>('total', Types.INT));
        perWindow.update((perWindow.value() ?? 0) + 1);
        total.update((total.value() ?? 0) + 1);
        out.collect(`${key}@${ctx.window.start}: window ${perWindow.value()} total ${total.value()}`);
      }
      override clear(ctx: ProcessWindowContext<TimeWindow>) {
        ctx.windowState().getState(new ValueStateDescriptor<number>('fires', Types.INT)).clear();
      }
    }
    const env = environment();
    const out = await opsStream(env, ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .process(new Fires(), Types.STRING)
      .executeAndCollect();
    expect(out).to.deep.equal(['a@0: window 1 total 1', 'a@1000: window 1 total 2', 'a@2000: window 1 total 3']);
  });

  it('an event-time window on a stream without timestamps fails, saying to assign them', async () => {
    const env = environment();
    env
      .fromElements(1, 2)
      .keyBy((x) => x)
      .window(TumblingEventTimeWindows.of<number>(1000))
      .sum()
      .print();
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String(error?.message) + String((error?.cause as Error)?.message)).to.match(/timestamp/i).and.match(/assignTimestampsAndWatermarks/);
  });

  it('refuses bad window settings by name', () => {
    const keyed = environment().fromElements(1).keyBy((x) => x);
    expect(() => keyed.window(null as never)).to.throw(/window: expected a WindowAssigner/);
    expect(() => keyed.window(GlobalWindows.create<number>()).allowedLateness(-1)).to.throw(/allowedLateness: expected a whole number of ms ≥ 0, got -1/);
    expect(() => keyed.window(GlobalWindows.create<number>()).trigger({} as never)).to.throw(/trigger: expected a Trigger/);
    expect(() => keyed.countWindow(0)).to.throw(/countWindow: the size must be a whole number ≥ 1, got 0/);
  });
});

describe('windows: triggers, evictors and sessions in jobs', function () {
  this.timeout(30000);

  const el = (key: string, value: number, timestamp: number): ReferenceOp => ({ kind: 'element', key, value, timestamp });
  const wm = (time: number): ReferenceOp => ({ kind: 'watermark', time });
  const contentsOf = (key: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<Op>, out: Collector<string>) =>
    out.collect(`${key}[${ctx.window.start},${ctx.window.end}):${[...els].map((e) => e.value).join(',')}`);

  it('a custom trigger decides: FIRE on every even value, FIRE_AND_PURGE on 0; the event-time end does not fire', async () => {
    class EvenTrigger extends Trigger<Op, TimeWindow> {
      onElement(e: Op): TriggerResult {
        if (e.value === 0) return TriggerResult.FIRE_AND_PURGE;
        return e.value % 2 === 0 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
      }
      onEventTime(): TriggerResult {
        return TriggerResult.CONTINUE;
      }
      onProcessingTime(): TriggerResult {
        return TriggerResult.CONTINUE;
      }
      clear(): void {}
    }
    const ops = [el('a', 1, 10), el('a', 2, 20), el('a', 3, 30), el('a', 0, 40), el('a', 5, 50), el('a', 6, 60)];
    const out = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .trigger(new EvenTrigger())
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    expect(out).to.deep.equal(['a[0,1000):1,2', 'a[0,1000):1,2,3,0', 'a[0,1000):5,6']);
  });

  it('PurgingTrigger.of(CountTrigger.of(2)) on event-time windows fires every 2 elements and drops them; the rest never fires', async () => {
    const ops = [el('a', 1, 1), el('a', 2, 2), el('a', 3, 3), el('a', 4, 4), el('a', 5, 5), wm(5000)];
    const out = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .trigger(PurgingTrigger.of(CountTrigger.of(2)))
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    expect(out).to.deep.equal(['a[0,1000):1,2', 'a[0,1000):3,4']);
  });

  it('ContinuousEventTimeTrigger fires every interval of event time (at 250, 500, 750) and at the window’s end', async () => {
    const ops = [el('a', 1, 100), wm(300), el('a', 2, 400), wm(700), el('a', 4, 800)];
    const out = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .trigger(ContinuousEventTimeTrigger.of(250))
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    expect(out).to.deep.equal(['a[0,1000):1', 'a[0,1000):1,2', 'a[0,1000):1,2,4', 'a[0,1000):1,2,4']);
  });

  it('TimeEvictor and DeltaEvictor drop what their rules say before the function sees the window', async () => {
    const ops = [el('a', 1, 100), el('a', 2, 500), el('a', 3, 900), el('a', 10, 950)];
    const byTime = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .evictor(TimeEvictor.of(400))
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    expect(byTime).to.deep.equal(['a[0,1000):3,10']); // cutoff 950 − 400 = 550: 100 and 500 are ≤ it
    const byDelta = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .evictor(DeltaEvictor.of(5, (a: Op, b: Op) => Math.abs(a.value - b.value)))
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    expect(byDelta).to.deep.equal(['a[0,1000):10']); // 1, 2 and 3 are ≥ 5 away from the last element, 10
  });

  it('sessions with an evictor: merged sessions keep their elements in one place and the evictor trims them', async () => {
    const ops = [el('a', 1, 0), el('a', 2, 100), el('a', 3, 1500), el('a', 4, 700)];
    const out = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap<Op>(1000))
      .evictor(CountEvictor.of(3))
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    expect(out).to.have.length(1);
    expect(out[0]!.startsWith('a[0,2500):')).to.equal(true);
    expect(out[0]!.split(':')[1]!.split(',')).to.have.length(3);
  });

  it('sessions with a dynamic gap per element', async () => {
    const ops = [el('a', 100, 0), el('a', 1000, 150), el('a', 5, 1200), el('b', 10, 0), el('b', 10, 20)];
    const out = await opsStream(environment(), ops)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withDynamicGap<Op>((e) => e.value))
      .process(contentsOf, Types.STRING)
      .executeAndCollect();
    // a: [0,100) and [150,1150) do not touch; [1200,1205) neither. b: [0,10) and [20,30) do not touch.
    expect(out.sort()).to.deep.equal(['a[0,100):100', 'a[150,1150):1000', 'a[1200,1205):5', 'b[0,10):10', 'b[20,30):10'].sort());
  });

  it('keys of another type than the first key fail the job with a clear error', async () => {
    const env = environment();
    env
      .fromCollection<string | number>(['a', 1], Types.GENERIC as never)
      .keyBy((x) => x)
      .window(GlobalWindows.create<string | number>())
      .trigger(CountTrigger.of(1))
      .reduce((a) => a)
      .name('mixed keys')
      .sinkTo(() => undefined);
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String(error?.message) + String((error?.cause as Error)?.message)).to.contain('mixed keys').and.contain('is not of the key type STRING').and.contain('keyBy(selector, Types.');
  });
});

describe('windows: found in review', function () {
  this.timeout(30000);

  const el = (key: string, value: number, timestamp: number): ReferenceOp => ({ kind: 'element', key, value, timestamp });

  it('an async sink gives each queued record its own timestamp in ctx.timestamp()', async () => {
    const env = environment();
    const seen: Array<[number, number | null]> = [];
    opsStream(env, [el('a', 1, 5), el('a', 1, 15), el('a', 1, 25)])
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(10))
      .process<number>((_k: string, ctx: ProcessWindowContext<TimeWindow>, _els: Iterable<Op>, out) => out.collect(ctx.window.maxTimestamp()), Types.DOUBLE)
      .sinkTo({
        async invoke(v: number, ctx) {
          seen.push([v, ctx.timestamp()]);
          await sleep(3);
        },
      });
    await env.execute();
    expect(seen).to.deep.equal([
      [9, 9],
      [19, 19],
      [29, 29],
    ]);
  });

  it('what a processing-time window emits beyond the free buffers leaves while the input is idle', async () => {
    const clock = new ManualProcessingTimeService(0);
    const env = environment({ processingTimeService: clock, bufferTimeout: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* feed() {
      yield 1;
      await gate;
    }
    const N = 20_000;
    let got = 0;
    env
      .fromAsyncIterable(feed(), Types.INT)
      .keyBy(() => 'k')
      .window(TumblingProcessingTimeWindows.of<number>(1000))
      .process<string>((_k: string, _ctx, _els: Iterable<number>, out) => {
        for (let i = 0; i < N; i++) out.collect(`${'x'.repeat(100)}${i}`);
      }, Types.STRING)
      .rebalance()
      .sinkTo(() => void got++);
    const client = env.executeAsync();
    try {
      for (let i = 0; i < 200 && clock.numPendingTimers === 0; i++) await sleep(5);
      clock.advance(1000);
      for (let i = 0; i < 400 && got < N; i++) await sleep(5);
      expect(got).to.equal(N);
    } finally {
      release();
      await client.getJobExecutionResult();
    }
  });

  it('per-window state is refused on session windows (it would be left behind when they merge)', async () => {
    const env = environment();
    opsStream(env, [el('a', 1, 0), el('a', 1, 5)])
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap<Op>(10))
      .process<number>((_k: string, ctx: ProcessWindowContext<TimeWindow>, _els: Iterable<Op>, out) => {
        ctx.windowState().getState(new ValueStateDescriptor<number>('n', Types.INT));
        out.collect(1);
      }, Types.INT)
      .print();
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String(error?.message) + String((error?.cause as Error)?.message)).to.contain('per-window state is not allowed when using merging windows');
  });

  it('an evictor that empties a reduce window makes it emit nothing', async () => {
    const out = await opsStream(environment(), [el('a', 1, 100), el('a', 2, 200)])
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Op>(1000))
      .evictor(TimeEvictor.of(1, true))
      .evictor({ evictBefore: (els: unknown[]) => void els.splice(0), evictAfter: () => undefined } as never)
      .reduce((a, b) => ({ ...a, value: a.value + b.value }))
      .executeAndCollect();
    expect(out).to.deep.equal([]);
  });
});
