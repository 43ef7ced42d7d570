// Keyed state and timers in running jobs: the state of each kind seen from
// user functions on keyed streams (against a plain-JS reference, at several
// parallelisms), timers in timestamp order and deduplicated per key and time,
// deletion, processing-time timers on a manual clock, TTL, the budget error
// naming operator and state, and keyed state refused on a stream that is not
// keyed.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  AggregatingStateDescriptor,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  ListStateDescriptor,
  ManualProcessingTimeService,
  MapStateDescriptor,
  MemoryBudgetError,
  ReducingStateDescriptor,
  RichMapFunction,
  StateTtlConfig,
  StreamExecutionEnvironment,
  Types,
  ValueStateDescriptor,
  WatermarkStrategy,
  type AggregatingState,
  type Collector,
  type KeyedProcessContext,
  type ListState,
  type MapState,
  type OnTimerContext,
  type ReducingState,
  type StreamExecutionOptions,
  type ValueState,
  type WatermarkOutput,
} from 'weir';
import { budget } from '../support/leaks.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function environment(options: StreamExecutionOptions = {}, managed = '4mb') {
  return StreamExecutionEnvironment.getExecutionEnvironment({ memory: budget({ network: '2mb', managed, segmentSize: '4kb' }), autoWatermarkInterval: 0, ...options });
}

interface Ev {
  key: string;
  v: number;
  ts: number;
  wm?: number | null;
}
const EV = Types.OBJECT<Ev>({ key: Types.STRING, v: Types.INT, ts: Types.DOUBLE, wm: Types.NULLABLE(Types.DOUBLE) } as never);

/** Events with timestamps; a watermark after each event that carries one. */
function punctuated(env: StreamExecutionEnvironment, events: Ev[]) {
  return env
    .fromCollection(events, EV)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forGenerator<Ev>(() => ({
        onEvent(e: Ev, _t: number, out: WatermarkOutput) {
          if (e.wm !== undefined && e.wm !== null) out.emitWatermark(e.wm);
        },
        onPeriodicEmit() {},
      })).withTimestampAssigner((e) => e.ts),
    )
    .setParallelism(1);
}

describe('keyed state in jobs', function () {
  this.timeout(60000);

  it('ValueState, ListState, MapState, ReducingState and AggregatingState per key equal a JS reference, at parallelism 1, 2 and 3', async () => {
    class AllKinds extends RichMapFunction<Ev, string> {
      private count!: ValueState<number>;
      private values!: ListState<number>;
      private seen!: MapState<number, number>;
      private sum!: ReducingState<number>;
      private avg!: AggregatingState<number, number>;
      override open() {
        const ctx = this.getRuntimeContext();
        this.count = ctx.getState(new ValueStateDescriptor<number>('count', Types.INT));
        this.values = ctx.getListState(new ListStateDescriptor<number>('values', Types.INT));
        this.seen = ctx.getMapState(new MapStateDescriptor<number, number>('seen', Types.INT, Types.INT));
        this.sum = ctx.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b, Types.INT));
        this.avg = ctx.getAggregatingState(
          new AggregatingStateDescriptor<number, [number, number], number>(
            'avg',
            { createAccumulator: () => [0, 0], add: (v, [s, n]) => [s + v, n + 1], getResult: ([s, n]) => s / n, merge: ([a, b], [c, d]) => [a + c, b + d] },
            Types.TUPLE([Types.DOUBLE, Types.INT]) as never,
          ),
        );
      }
      map(e: Ev): string {
        this.count.update((this.count.value() ?? 0) + 1);
        this.values.add(e.v);
        this.seen.put(e.v, (this.seen.get(e.v) ?? 0) + 1);
        this.sum.add(e.v);
        this.avg.add(e.v);
        return JSON.stringify([e.key, this.count.value(), this.values.get(), [...this.seen.entries()].sort((a, b) => a[0] - b[0]), this.sum.get(), this.avg.get()]);
      }
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'dd', ''), v: fc.integer({ min: -5, max: 5 }), ts: fc.constant(0) }), { maxLength: 80 }),
        fc.constantFrom(1, 2, 3),
        async (events, parallelism) => {
          const env = environment({ parallelism });
          const out = await env.fromCollection(events as Ev[], EV).keyBy((e) => e.key).map(new AllKinds(), Types.STRING).executeAndCollect();
          const expected: string[] = [];
          const per = new Map<string, number[]>();
          for (const e of events) {
            const vs = per.get(e.key) ?? [];
            vs.push(e.v);
            per.set(e.key, vs);
            const seen = new Map<number, number>();
            for (const v of vs) seen.set(v, (seen.get(v) ?? 0) + 1);
            const sum = vs.reduce((a, b) => a + b, 0);
            expected.push(JSON.stringify([e.key, vs.length, vs, [...seen.entries()].sort((a, b) => a[0] - b[0]), sum, sum / vs.length]));
          }
          expect([...out].sort()).to.deep.equal([...expected].sort());
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keyed state is refused on a stream that is not keyed, naming the operator', async () => {
    const env = environment();
    env
      .fromElements(1)
      .map(
        new (class extends RichMapFunction<number, number> {
          override open() {
            this.getRuntimeContext().getState(new ValueStateDescriptor('x', Types.INT));
          }
          map(x: number) {
            return x;
          }
        })(),
      )
      .name('plain map')
      .print();
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String(error?.message) + String((error?.cause as Error)?.message)).to.contain('plain map').and.contain('keyed stream');
  });

  it('state beyond the managed budget fails the job with a MemoryBudgetError naming the operator and the state', async () => {
    const env = environment({}, '64kb');
    env
      .fromSequence(1, 20_000)
      .keyBy((x) => x)
      .map(
        new (class extends RichMapFunction<number, number> {
          private big!: ValueState<string>;
          override open() {
            this.big = this.getRuntimeContext().getState(new ValueStateDescriptor('payload', Types.STRING));
          }
          map(x: number) {
            this.big.update('x'.repeat(100));
            return x;
          }
        })(),
      )
      .name('hoarder')
      .sinkTo(() => undefined);
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    const cause = (error?.cause ?? error) as Error;
    expect(cause).to.be.instanceOf(MemoryBudgetError);
    expect(cause.message).to.contain('hoarder').and.contain('payload');
  });

  it('TTL: a value expires ttl ms of processing time after its last write and is never returned after', async () => {
    const clock = new ManualProcessingTimeService(0);
    const env = environment({ processingTimeService: clock, bufferTimeout: 0 });
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    async function* feed() {
      yield 'a';
      await gate;
      yield 'a';
      gate = new Promise<void>((r) => (release = r));
      await gate;
      yield 'a';
    }
    const seen: string[] = [];
    env
      .fromAsyncIterable(feed(), Types.STRING)
      .keyBy((k) => k)
      .map(
        new (class extends RichMapFunction<string, string> {
          private last!: ValueState<number>;
          override open() {
            const d = new ValueStateDescriptor<number>('last', Types.INT);
            d.enableTimeToLive(StateTtlConfig.newBuilder(1000).build());
            this.last = this.getRuntimeContext().getState(d);
          }
          map(k: string) {
            const before = this.last.value();
            this.last.update(1);
            return `${k}:${before}`;
          }
        })(),
        Types.STRING,
      )
      .sinkTo((s: string) => void seen.push(s));
    const client = env.executeAsync();
    for (let i = 0; i < 200 && seen.length < 1; i++) await sleep(5);
    clock.advance(999);
    release();
    for (let i = 0; i < 200 && seen.length < 2; i++) await sleep(5);
    clock.advance(1000);
    release();
    await client.getJobExecutionResult();
    expect(seen).to.deep.equal(['a:null', 'a:1', 'a:null']);
  });
});

describe('timers in jobs', function () {
  this.timeout(60000);

  class Timers extends KeyedProcessFunction<string, Ev, string> {
    processElement(e: Ev, ctx: KeyedProcessContext<string>, _out: Collector<string>) {
      // Each element asks for a timer at its value; the same time twice is one timer; a negative value deletes it.
      if (e.v >= 0) ctx.timerService().registerEventTimeTimer(e.v);
      else ctx.timerService().deleteEventTimeTimer(-e.v);
    }
    override onTimer(t: number, ctx: OnTimerContext<string>, out: Collector<string>) {
      out.collect(`${ctx.getCurrentKey()}@${t}:${ctx.timeDomain()}:${ctx.timestamp()}:${ctx.timerService().currentWatermark() >= t}`);
    }
  }

  it('event-time timers fire once per key and time, in timestamp order, as the watermark passes them; deleted ones do not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), v: fc.integer({ min: -30, max: 30 }), wm: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }) }), { maxLength: 50 }),
        fc.constantFrom(1, 2),
        async (raw, parallelism) => {
          let wm = -Infinity;
          const events: Ev[] = raw.map((r) => {
            const next = r.wm !== null && r.wm > wm ? r.wm : null;
            if (next !== null) wm = next;
            return { key: r.key, v: r.v, ts: 0, wm: next };
          });
          const env = environment({ parallelism });
          const out = await punctuated(env, events).keyBy((e) => e.key).process(new Timers(), Types.STRING).executeAndCollect();
          // Reference: per key a set of pending times; each watermark fires the pending times <= it, in order.
          const pending = new Map<string, Set<number>>();
          const fired: string[] = [];
          const advance = (w: number) => {
            const due: Array<[number, string]> = [];
            for (const [k, times] of pending) for (const t of times) if (t <= w) due.push([t, k]);
            for (const [t, k] of due) pending.get(k)!.delete(t);
            for (const [t, k] of due.sort((x, y) => x[0] - y[0])) fired.push(`${k}@${t}:EVENT_TIME:${t}:true`);
          };
          for (const e of events) {
            const times = pending.get(e.key) ?? new Set<number>();
            pending.set(e.key, times);
            if (e.v >= 0) times.add(e.v);
            else times.delete(-e.v);
            if (e.wm !== null && e.wm !== undefined) advance(e.wm);
          }
          advance(Infinity);
          // Per key, exactly the reference's firings in its order (timestamp order within each watermark; a timer set
          // behind the watermark fires at the next one).
          for (const k of ['a', 'b', 'c']) {
            expect(out.filter((s) => s.startsWith(`${k}@`))).to.deep.equal(fired.filter((s) => s.startsWith(`${k}@`)));
          }
          expect(out).to.have.length(fired.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('processing-time timers fire on the manual clock', async () => {
    const clock = new ManualProcessingTimeService(100);
    const env = environment({ processingTimeService: clock, bufferTimeout: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* feed() {
      yield 'a';
      yield 'b';
      await gate;
    }
    const seen: string[] = [];
    env
      .fromAsyncIterable(feed(), Types.STRING)
      .keyBy((k) => k)
      .process(
        new (class extends KeyedProcessFunction<string, string, string> {
          processElement(k: string, ctx: KeyedProcessContext<string>) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + (k === 'a' ? 50 : 20));
          }
          override onTimer(t: number, ctx: OnTimerContext<string>, out: Collector<string>) {
            out.collect(`${ctx.getCurrentKey()}@${t}:${ctx.timeDomain()}:${ctx.timestamp()}`);
          }
        })(),
        Types.STRING,
      )
      .sinkTo((s: string) => void seen.push(s));
    const client = env.executeAsync();
    for (let i = 0; i < 200 && clock.numPendingTimers === 0; i++) await sleep(5);
    await sleep(20);
    clock.advance(19);
    await sleep(10);
    expect(seen).to.deep.equal([]);
    clock.advance(1);
    for (let i = 0; i < 100 && seen.length < 1; i++) await sleep(5);
    clock.advance(30);
    for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(5);
    // ctx.timestamp() in onTimer is the timer's time in both domains, as Flink.
    expect(seen).to.deep.equal(['b@120:PROCESSING_TIME:120', 'a@150:PROCESSING_TIME:150']);
    release();
    await client.getJobExecutionResult();
  });

  it('timers are refused on a stream that is not keyed', async () => {
    const env = environment();
    env
      .fromElements(1)
      .process((x: number, ctx) => ctx.timerService().registerEventTimeTimer(x))
      .name('unkeyed timers')
      .print();
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String(error?.message) + String((error?.cause as Error)?.message)).to.contain('unkeyed timers').and.contain('only supported on a keyed stream');
  });
});

describe('keyed connected streams', function () {
  this.timeout(30000);

  it('a KeyedCoProcessFunction shares keyed state and timers between its inputs: orders matched with payments, or timed out', async () => {
    class Match extends KeyedCoProcessFunction<string, Ev, Ev, string> {
      private order!: ValueState<number>;
      override open() {
        this.order = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('order', Types.INT));
      }
      processElement1(o: Ev, ctx: KeyedProcessContext<string>) {
        this.order.update(o.v);
        ctx.timerService().registerEventTimeTimer(o.ts + 100);
      }
      processElement2(_p: Ev, ctx: KeyedProcessContext<string>, out: Collector<string>) {
        const amount = this.order.value();
        if (amount !== null) {
          out.collect(`${ctx.getCurrentKey()} paid ${amount}`);
          this.order.clear();
        }
      }
      override onTimer(t: number, ctx: OnTimerContext<string>, out: Collector<string>) {
        if (this.order.value() !== null) out.collect(`${ctx.getCurrentKey()} timed out at ${t}`);
        this.order.clear();
      }
    }
    for (const parallelism of [1, 2]) {
      const env = environment({ parallelism });
      const orders = punctuated(env, [
        { key: 'x', v: 10, ts: 0 },
        { key: 'y', v: 20, ts: 10 },
        { key: 'z', v: 30, ts: 20, wm: 20 },
      ]);
      const payments = punctuated(env, [
        { key: 'y', v: 0, ts: 50, wm: 50 },
        { key: 'x', v: 0, ts: 300, wm: 300 },
      ]);
      const out = await orders
        .connect(payments)
        .keyBy((o) => o.key, (p) => p.key)
        .process(new Match(), Types.STRING)
        .executeAndCollect();
      // The payments' watermark passes x's timer (100) only after x's payment (the watermark follows the record):
      // x and y are paid; z's timer fires on the final watermark.
      expect(out.sort()).to.deep.equal(['x paid 10', 'y paid 20', 'z timed out at 120']);
    }
  });
});

describe('keyed state and timers: found in review', function () {
  this.timeout(30000);

  it('processing-time timers still pending at the end of input do not fire, not even while the sink finishes', async () => {
    const log: string[] = [];
    const env = environment();
    env
      .fromCollection([1, 2, 3], Types.INT)
      .keyBy((x) => x)
      .process(
        {
          processElement(v: number, ctx: KeyedProcessContext<number>, out: Collector<string>) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 30);
            out.collect(`el ${v}`);
          },
          onTimer(_t: number, ctx: OnTimerContext<number>, out: Collector<string>) {
            out.collect(`timer ${ctx.getCurrentKey()}`);
          },
        },
        Types.STRING,
      )
      .sinkTo({
        invoke(v: string) {
          log.push(v);
        },
        async finish() {
          log.push('finish');
          await sleep(100);
          log.push('finished');
        },
      });
    await env.execute();
    expect(log).to.deep.equal(['el 1', 'el 2', 'el 3', 'finish', 'finished']);
  });

  it('connect(keyed, not keyed) is not keyed: keyed state there is refused instead of using a stale key', async () => {
    const env = environment();
    const a = env.fromElements('a1', 'b1').keyBy((s) => s[0]!);
    const b = env.fromElements('x', 'y');
    a.connect(b)
      .process(
        {
          processElement1(_v: string, ctx: KeyedProcessContext<string>) {
            ctx.getCurrentKey();
          },
          processElement2() {},
        },
        Types.STRING,
      )
      .name('half keyed')
      .print();
    const error = await env.execute().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String(error?.message)).to.contain('half keyed').and.contain('can only be used on a keyed stream');
  });
});
