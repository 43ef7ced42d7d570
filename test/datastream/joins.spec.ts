// Joins of two streams: window join and coGroup (a tagged union, keyed and
// windowed) and the interval join (a two-input operator with keyed buffers),
// against nested-loop references on random streams, Flink's documented
// examples, late data, and refusals.
//
// Determinism: the two inputs reach a join through different channels, so
// the order in which the join sees them varies from run to run. The random
// streams keep every element ahead of its own input's watermark (ts > the
// last watermark of its side); then no element is late whatever the order,
// every window fires once with all of its elements, and an interval join
// finds every pair within the bounds (its cleanup can only miss a partner
// whose timestamp equals the watermark). Late data is tested in scenarios
// that wait for a result before sending the late element.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  ConfigurationError,
  CountTrigger,
  DataGeneratorSource,
  EventTimeSessionWindows,
  JobCancellationError,
  JobExecutionError,
  OutputTag,
  ProcessJoinFunction,
  RichCoGroupFunction,
  RichFlatJoinFunction,
  RichJoinFunction,
  RateLimiterStrategy,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TimeEvictor,
  TumblingEventTimeWindows,
  Types,
  WatermarkStrategy,
  type Collector,
  type DataStream,
  type ProcessContext,
  type ProcessJoinContext,
  type StreamExecutionOptions,
  type WatermarkOutput,
} from 'weir';
import { budget, withBudget } from '../support/leaks.js';
import { jobFailure } from './operatorKit.js';

const MEMORY = { network: '2mb', managed: '4mb', segmentSize: '4kb' } as const;

function environment(options: StreamExecutionOptions = {}) {
  return StreamExecutionEnvironment.getExecutionEnvironment({ memory: budget(MEMORY), autoWatermarkInterval: 0, ...options });
}

/** An element of one side, or a watermark marker (`w` = 1) that the source turns into a watermark in place. */
interface Ev {
  w: number;
  key: string;
  id: string;
  ts: number;
}
const EV = Types.OBJECT<Ev>({ w: Types.INT, key: Types.STRING, id: Types.STRING, ts: Types.DOUBLE } as never);

type Op = { kind: 'el'; key: string; id: string; ts: number } | { kind: 'wm'; time: number };
const el = (key: string, id: string, ts: number): Op => ({ kind: 'el', key, id, ts });
const wm = (time: number): Op => ({ kind: 'wm', time });

/** How a side's watermarks are made: at its markers, or Flink's bounded out-of-orderness (periodic). */
type Watermarks = { type: 'punctuated' } | { type: 'bounded'; bound: number };

/** One side as a stream: elements with their timestamps, watermarks at the markers (or bounded out-of-orderness). */
function side(env: StreamExecutionEnvironment, ops: readonly Op[], watermarks: Watermarks = { type: 'punctuated' }): DataStream<Ev> {
  const records: Ev[] = ops.map((op) => (op.kind === 'el' ? { w: 0, key: op.key, id: op.id, ts: op.ts } : { w: 1, key: '', id: '', ts: op.time }));
  const strategy =
    watermarks.type === 'bounded'
      ? WatermarkStrategy.forBoundedOutOfOrderness<Ev>(watermarks.bound).withTimestampAssigner((e) => e.ts)
      : WatermarkStrategy.forGenerator<Ev>(() => ({
          onEvent(e: Ev, _ts: number, out: WatermarkOutput) {
            if (e.w === 1) out.emitWatermark(e.ts);
          },
          onPeriodicEmit() {},
        })).withTimestampAssigner((e) => e.ts);
  return env
    .fromCollection(watermarks.type === 'bounded' ? records.filter((r) => r.w === 0) : records, EV)
    .assignTimestampsAndWatermarks(strategy)
    .setParallelism(1)
    .filter((e) => e.w === 0)
    .setParallelism(1);
}

/** A side fed by an async generator (to hold elements back until the job has produced something). */
function asyncSide(env: StreamExecutionEnvironment, ops: AsyncIterable<Op>): DataStream<Ev> {
  async function* records() {
    for await (const op of ops) yield op.kind === 'el' ? { w: 0, key: op.key, id: op.id, ts: op.ts } : { w: 1, key: '', id: '', ts: op.time };
  }
  const strategy = WatermarkStrategy.forGenerator<Ev>(() => ({
    onEvent(e: Ev, _ts: number, out: WatermarkOutput) {
      if (e.w === 1) out.emitWatermark(e.ts);
    },
    onPeriodicEmit() {},
  })).withTimestampAssigner((e) => e.ts);
  return env.fromAsyncIterable(records(), EV).assignTimestampsAndWatermarks(strategy).setParallelism(1).filter((e) => e.w === 0).setParallelism(1);
}

const elements = (ops: readonly Op[]) => ops.filter((o): o is Extract<Op, { kind: 'el' }> => o.kind === 'el');
const canon = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
const stamp = <T>(s: DataStream<T>) => s.process((r: T, ctx: ProcessContext, out: Collector<T & { ts: number }>) => out.collect({ ...r, ts: ctx.timestamp()! }), Types.GENERIC as never);
const ids = (xs: Iterable<Ev>) => [...xs].map((e) => e.id).sort();

// ---------------------------------------------------------------- random streams

/**
 * Random ops of one side whose elements are all ahead of the side's
 * watermark. Punctuated: a marker after some elements, trailing the largest
 * timestamp by a random lag. Bounded: each element within `bound` of the
 * largest timestamp so far (so never behind a watermark maxTs − bound − 1).
 */
function sideArb(prefix: string, keys: readonly string[]) {
  return fc
    .array(
      fc.record({
        key: fc.constantFrom(...keys),
        raw: fc.integer({ min: -500, max: 4000 }),
        jitter: fc.integer({ min: 0, max: 400 }),
        wmAfter: fc.boolean(),
        lag: fc.integer({ min: 0, max: 800 }),
      }),
      { maxLength: 40, size: 'medium' },
    )
    .map((draws) => (watermarks: Watermarks) => {
      const ops: Op[] = [];
      let max = -Infinity;
      let w = -Infinity;
      draws.forEach((d, i) => {
        let ts: number;
        if (watermarks.type === 'bounded') ts = max === -Infinity || d.raw >= max - watermarks.bound ? d.raw : max - watermarks.bound + (d.jitter % (watermarks.bound + 1));
        else ts = d.raw > w ? d.raw : w + 1 + d.jitter;
        ops.push(el(d.key, `${prefix}${i}`, ts));
        max = Math.max(max, ts);
        if (watermarks.type === 'punctuated' && d.wmAfter && max - d.lag > w) {
          w = max - d.lag;
          ops.push(wm(w));
        }
      });
      return ops;
    });
}

const watermarksArb: fc.Arbitrary<Watermarks> = fc.oneof(fc.constant({ type: 'punctuated' as const }), fc.integer({ min: 0, max: 800 }).map((bound) => ({ type: 'bounded' as const, bound })));

type AssignerSpec = { type: 'tumbling'; size: number; offset: number } | { type: 'sliding'; size: number; slide: number; offset: number } | { type: 'session'; gap: number };

const assignerArb: fc.Arbitrary<AssignerSpec> = fc.oneof(
  fc.integer({ min: 1, max: 1500 }).chain((size) => fc.record({ type: fc.constant('tumbling' as const), size: fc.constant(size), offset: fc.integer({ min: 0, max: size - 1 }) })),
  fc
    .tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 4 }))
    .chain(([slide, n]) => fc.record({ type: fc.constant('sliding' as const), size: fc.constant(slide * n), slide: fc.constant(slide), offset: fc.integer({ min: 0, max: slide - 1 }) })),
  fc.record({ type: fc.constant('session' as const), gap: fc.integer({ min: 1, max: 600 }) }),
);

function assignerOf(a: AssignerSpec) {
  if (a.type === 'tumbling') return TumblingEventTimeWindows.of(a.size, a.offset);
  if (a.type === 'sliding') return SlidingEventTimeWindows.of(a.size, a.slide, a.offset);
  return EventTimeSessionWindows.withGap(a.gap);
}

const mod = (a: number, m: number) => ((a % m) + m) % m;

/**
 * Whether a session case depends on the order in which the job reads the two
 * sides, which the reference cannot know: an element e whose window [e, e + gap)
 * only touches an earlier element's window (f + gap = e) may find that session
 * already fired and cleaned up (its end − 1 = e − 1 reached by the watermark)
 * or still open, when e is just ahead of its side's watermark (e = the largest
 * watermark its side can have emitted before it, + 1). Flink's operator then
 * keeps two sessions or merges them, depending on the other side's watermark.
 */
function sessionOrderDependent(left: readonly Op[], right: readonly Op[], wl: Watermarks, wr: Watermarks, a: AssignerSpec): boolean {
  if (a.type !== 'session') return false;
  const bounds: Array<{ key: string; ts: number; bound: number }> = [];
  for (const [ops, w] of [[left, wl], [right, wr]] as const) {
    let max = -Infinity;
    let last = -Infinity;
    for (const o of ops) {
      if (o.kind === 'wm') last = o.time;
      else {
        bounds.push({ key: o.key, ts: o.ts, bound: w.type === 'bounded' ? max - w.bound - 1 : last });
        max = Math.max(max, o.ts);
      }
    }
  }
  const stamps = new Set(bounds.map((b) => `${b.key}|${b.ts}`));
  return bounds.some((e) => e.ts === e.bound + 1 && stamps.has(`${e.key}|${e.ts - a.gap}`));
}

/**
 * The reference: per key, the windows and their elements of both sides, as
 * Flink's assigners define them (sessions: windows [ts, ts + gap) of both
 * inputs merged while they intersect, ends included).
 */
function referenceWindows(left: readonly Op[], right: readonly Op[], a: AssignerSpec): Array<{ key: string; end: number; lefts: Ev[]; rights: Ev[] }> {
  const all = [...elements(left).map((e) => ({ e, isLeft: true })), ...elements(right).map((e) => ({ e, isLeft: false }))];
  const windows = new Map<string, { key: string; start: number; end: number; lefts: Ev[]; rights: Ev[] }>();
  const add = (key: string, start: number, end: number, e: Ev, isLeft: boolean) => {
    const id = `${key}|${start}|${end}`;
    let w = windows.get(id);
    if (w === undefined) windows.set(id, (w = { key, start, end, lefts: [], rights: [] }));
    (isLeft ? w.lefts : w.rights).push(e);
  };
  if (a.type !== 'session') {
    for (const { e, isLeft } of all) {
      const ev = { w: 0, ...e } as unknown as Ev;
      if (a.type === 'tumbling') {
        const start = e.ts - mod(e.ts - a.offset, a.size);
        add(e.key, start, start + a.size, ev, isLeft);
      } else {
        for (let start = e.ts - mod(e.ts - a.offset, a.slide); start > e.ts - a.size; start -= a.slide) add(e.key, start, start + a.size, ev, isLeft);
      }
    }
    return [...windows.values()];
  }
  const byKey = new Map<string, typeof all>();
  for (const x of all) (byKey.get(x.e.key) ?? byKey.set(x.e.key, []).get(x.e.key)!).push(x);
  const out: Array<{ key: string; end: number; lefts: Ev[]; rights: Ev[] }> = [];
  for (const [key, xs] of byKey) {
    xs.sort((p, q) => p.e.ts - q.e.ts);
    let current: { key: string; end: number; lefts: Ev[]; rights: Ev[] } | undefined;
    for (const { e, isLeft } of xs) {
      const ev = { w: 0, ...e } as unknown as Ev;
      if (current === undefined || e.ts > current.end) out.push((current = { key, end: e.ts + a.gap, lefts: [], rights: [] }));
      else current.end = Math.max(current.end, e.ts + a.gap);
      (isLeft ? current.lefts : current.rights).push(ev);
    }
  }
  return out;
}

describe('window join and coGroup: against a nested-loop reference on random streams', function () {
  this.timeout(300000);

  const PAIR = Types.OBJECT<{ l: string; r: string }>({ l: Types.STRING, r: Types.STRING } as never);
  const GROUPS = Types.OBJECT<{ key: string; l: string[]; r: string[] }>({ key: Types.STRING, l: Types.LIST(Types.STRING), r: Types.LIST(Types.STRING) } as never);

  it('join: every pair of a key in a common window, stamped with the window’s maxTimestamp (tumbling, sliding, session; parallelism 1 and 2)', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb('L', ['a', 'b', 'c']), sideArb('R', ['a', 'b', 'c']), watermarksArb, watermarksArb, assignerArb, fc.integer({ min: 0, max: 2000 }), fc.constantFrom(1, 2), async (mkLeft, mkRight, wl, wr, assigner, lateness, parallelism) => {
          const left = mkLeft(wl);
          const right = mkRight(wr);
          fc.pre(!sessionOrderDependent(left, right, wl, wr, assigner));
          const expected = referenceWindows(left, right, assigner).flatMap((w) => w.lefts.flatMap((l) => w.rights.map((r) => ({ l: l.id, r: r.id, ts: w.end - 1 }))));
          const actual = await withBudget(MEMORY, (memory) => {
            const env = StreamExecutionEnvironment.getExecutionEnvironment({ memory, parallelism, autoWatermarkInterval: 1 });
            const joined = side(env, left, wl)
              .join(side(env, right, wr))
              .where((e) => e.key)
              .equalTo((e) => e.key)
              .window(assignerOf(assigner))
              .allowedLateness(lateness)
              .apply((l: Ev, r: Ev) => ({ l: l.id, r: r.id }), PAIR);
            return stamp(joined).executeAndCollect();
          });
          expect(canon(actual)).to.deep.equal(canon(expected));
        }),
      { numRuns: 100 },
    );
  });

  it('coGroup: per key and window, both groups (one may be empty), stamped with the window’s maxTimestamp', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb('L', ['a', 'b']), sideArb('R', ['a', 'b']), watermarksArb, watermarksArb, assignerArb, fc.constantFrom(1, 2), async (mkLeft, mkRight, wl, wr, assigner, parallelism) => {
        const left = mkLeft(wl);
        const right = mkRight(wr);
        fc.pre(!sessionOrderDependent(left, right, wl, wr, assigner));
        const expected = referenceWindows(left, right, assigner).map((w) => ({ key: w.key, l: ids(w.lefts), r: ids(w.rights), ts: w.end - 1 }));
        const actual = await withBudget(MEMORY, (memory) => {
          const env = StreamExecutionEnvironment.getExecutionEnvironment({ memory, parallelism, autoWatermarkInterval: 1 });
          const grouped = side(env, left, wl)
            .coGroup(side(env, right, wr))
            .where((e) => e.key)
            .equalTo((e) => e.key)
            .window(assignerOf(assigner))
            .apply((ls: Iterable<Ev>, rs: Iterable<Ev>, out: Collector<{ key: string; l: string[]; r: string[] }>) => {
              const l = [...ls];
              const r = [...rs];
              out.collect({ key: (l[0] ?? r[0])!.key, l: ids(l), r: ids(r) });
            }, GROUPS);
          return stamp(grouped).executeAndCollect();
        });
        expect(canon(actual)).to.deep.equal(canon(expected));
      }),
      { numRuns: 100 },
    );
  });
});

describe('interval join: against a nested-loop reference on random streams', function () {
  this.timeout(300000);

  const boundsArb = fc.record({
    lower: fc.integer({ min: -600, max: 600 }),
    width: fc.integer({ min: 0, max: 800 }),
    lowerExclusive: fc.boolean(),
    upperExclusive: fc.boolean(),
  });

  it('every pair of a key with right.ts in [left.ts + lower, left.ts + upper] (bounds negative or positive, inclusive or exclusive), at max(left.ts, right.ts)', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb('L', ['a', 'b', 'c']), sideArb('R', ['a', 'b', 'c']), watermarksArb, watermarksArb, boundsArb, fc.constantFrom(1, 2), async (mkLeft, mkRight, wl, wr, b, parallelism) => {
        const left = mkLeft(wl);
        const right = mkRight(wr);
        const upper = b.lower + b.width;
        const lo = b.lowerExclusive ? b.lower + 1 : b.lower;
        const hi = b.upperExclusive ? upper - 1 : upper;
        const expected = elements(left).flatMap((l) =>
          elements(right)
            .filter((r) => r.key === l.key && r.ts >= l.ts + lo && r.ts <= l.ts + hi)
            .map((r) => ({ l: l.id, r: r.id, lts: l.ts, rts: r.ts, ctx: Math.max(l.ts, r.ts), ts: Math.max(l.ts, r.ts) })),
        );
        const actual = await withBudget(MEMORY, (memory) => {
          const env = StreamExecutionEnvironment.getExecutionEnvironment({ memory, parallelism, autoWatermarkInterval: 1 });
          let joined = side(env, left, wl)
            .keyBy((e) => e.key)
            .intervalJoin(side(env, right, wr).keyBy((e) => e.key))
            .between(b.lower, upper);
          if (b.lowerExclusive) joined = joined.lowerBoundExclusive();
          if (b.upperExclusive) joined = joined.upperBoundExclusive();
          const out = joined.process((l: Ev, r: Ev, ctx: ProcessJoinContext, o: Collector<{ l: string; r: string; lts: number; rts: number; ctx: number }>) =>
            o.collect({ l: l.id, r: r.id, lts: ctx.getLeftTimestamp(), rts: ctx.getRightTimestamp(), ctx: ctx.getTimestamp() }),
          );
          return stamp(out).executeAndCollect();
        });
        expect(canon(actual)).to.deep.equal(canon(expected));
      }),
      { numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------- Flink's documented examples

/** The docs' pictures: one key, each element's value is its timestamp. */
function pictures(orange: number[], green: number[]) {
  return { left: orange.map((t) => el('k', `o${t}`, t)), right: green.map((t) => el('k', `g${t}`, t)) };
}

async function docsJoin(orange: number[], green: number[], assigner: ReturnType<typeof assignerOf>, parallelism: number): Promise<string[]> {
  const { left, right } = pictures(orange, green);
  const env = environment({ parallelism });
  const joined = side(env, left)
    .join(side(env, right))
    .where((e) => e.key)
    .equalTo((e) => e.key)
    .window(assigner)
    .apply((o: Ev, g: Ev) => `${o.ts},${g.ts}`, Types.STRING);
  const out = await joined.process((s: string, ctx: ProcessContext, o: Collector<string>) => o.collect(`${s}@${ctx.timestamp()}`), Types.STRING).executeAndCollect();
  return out.sort();
}

describe('joins: Flink’s documented examples', function () {
  this.timeout(60000);

  for (const parallelism of [1, 2]) {
    it(`tumbling window join (2 ms): pairs per window at its maxTimestamp; the window [6, 7] with no green element emits nothing (parallelism ${parallelism})`, async () => {
      const out = await docsJoin([0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 3, 4, 5], TumblingEventTimeWindows.of(2), parallelism);
      expect(out).to.deep.equal(['0,0@1', '0,1@1', '1,0@1', '1,1@1', '2,3@3', '3,3@3', '4,4@5', '4,5@5', '5,4@5', '5,5@5'].sort());
    });

    it(`sliding window join (2 ms, slide 1): orange 2 joins green 3 in [2, 3] but nothing in [1, 2] (parallelism ${parallelism})`, async () => {
      const out = await docsJoin([0, 1, 2, 3, 4], [0, 3, 4], SlidingEventTimeWindows.of(2, 1), parallelism);
      expect(out).to.deep.equal(['0,0@0', '0,0@1', '1,0@1', '2,3@3', '3,3@3', '3,3@4', '3,4@4', '4,3@4', '4,4@4', '4,4@5'].sort());
    });

    it(`session window join (gap 1 ms): three sessions, the third has no green element and emits nothing (parallelism ${parallelism})`, async () => {
      const out = await docsJoin([0, 4, 5, 8, 9], [1, 4], EventTimeSessionWindows.withGap(1), parallelism);
      // Sessions [0, 2), [4, 6), [8, 10): results at 1 and 5.
      expect(out).to.deep.equal(['0,1@1', '4,4@5', '5,4@5']);
    });

    it(`interval join between(-2, 1): green.ts in [orange.ts − 2, orange.ts + 1], at the larger timestamp; exclusive bounds drop the edges (parallelism ${parallelism})`, async () => {
      const run = async (exclusive: boolean) => {
        const { left, right } = pictures([0, 2, 3, 4, 5, 7], [0, 1, 3, 6, 7]);
        const env = environment({ parallelism });
        let joined = side(env, left)
          .keyBy((e) => e.key)
          .intervalJoin(side(env, right).keyBy((e) => e.key))
          .between(-2, 1);
        if (exclusive) joined = joined.lowerBoundExclusive().upperBoundExclusive();
        const out = await joined
          .process((o: Ev, g: Ev, ctx: ProcessJoinContext, c: Collector<string>) => c.collect(`${o.ts},${g.ts}@${ctx.getTimestamp()}`), Types.STRING)
          .process((s: string, ctx: ProcessContext, c: Collector<string>) => c.collect(`${s}/${ctx.timestamp()}`), Types.STRING)
          .executeAndCollect();
        return out.sort();
      };
      const inclusive = ['0,0@0', '0,1@1', '2,0@2', '2,1@2', '2,3@3', '3,1@3', '3,3@3', '4,3@4', '5,3@5', '5,6@6', '7,6@7', '7,7@7'];
      expect(await run(false)).to.deep.equal(inclusive.map((s) => `${s}/${s.split('@')[1]}`).sort());
      const exclusive = ['0,0@0', '2,1@2', '3,3@3', '4,3@4', '7,6@7', '7,7@7'];
      expect(await run(true)).to.deep.equal(exclusive.map((s) => `${s}/${s.split('@')[1]}`).sort());
    });
  }
});

// ---------------------------------------------------------------- late data, functions, edge cases

/** An async sequence that yields `before`, waits for `gate`, then yields `after`. */
async function* gated(before: Op[], gate: Promise<void>, after: Op[]): AsyncGenerator<Op> {
  yield* before;
  await gate;
  yield* after;
}

function operatorMetrics(result: { metrics: { tasks: Array<{ operators: Array<{ name: string; numLateRecordsDropped: number }> }> } }, name: string) {
  return result.metrics.tasks.flatMap((t) => t.operators).filter((o) => o.name === name);
}

describe('joins: late data', function () {
  this.timeout(30000);

  it('interval join: a left element behind the watermark is dropped and counted in numLateRecordsDropped; on time it joins', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const env = environment({ bufferTimeout: 0 });
    // The pair (l1, r1) proves the right side's watermark 1000 arrived; then the left side's 1000 makes l2 (ts 500) late.
    const left = asyncSide(env, gated([el('a', 'l1', 2000)], gate, [wm(1000), el('a', 'l2', 500), el('a', 'l3', 1999)]));
    const right = side(env, [wm(1000), el('a', 'r1', 2000)]);
    const pairs: string[] = [];
    left
      .keyBy((e) => e.key)
      .intervalJoin(right.keyBy((e) => e.key))
      .between(-2, 1)
      .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(`${l.id}${r.id}`), Types.STRING)
      .name('interval')
      .sinkTo((s: string) => {
        pairs.push(s);
        if (s === 'l1r1') release();
      });
    const result = await env.execute();
    expect(pairs.sort()).to.deep.equal(['l1r1', 'l3r1']);
    expect(operatorMetrics(result, 'interval').reduce((n, o) => n + o.numLateRecordsDropped, 0)).to.equal(1);
  });

  it('interval join: with sideOutputRightLateData, a late right element goes to the side output instead', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const env = environment({ bufferTimeout: 0 });
    const lateRight = new OutputTag<Ev>('late-right', EV);
    const left = side(env, [wm(1000), el('a', 'l1', 2000)]);
    const right = asyncSide(env, gated([el('a', 'r1', 2000)], gate, [wm(1000), el('a', 'r2', 999)]));
    const pairs: string[] = [];
    const joined = left
      .keyBy((e) => e.key)
      .intervalJoin(right.keyBy((e) => e.key))
      .between(0, 0)
      .sideOutputRightLateData(lateRight)
      .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(`${l.id}${r.id}`), Types.STRING)
      .name('interval');
    joined.sinkTo((s: string) => {
      pairs.push(s);
      release();
    });
    const late: string[] = [];
    joined.getSideOutput(lateRight).sinkTo((e: Ev) => void late.push(`${e.id}@${e.ts}`));
    const result = await env.execute();
    expect(pairs).to.deep.equal(['l1r1']);
    expect(late).to.deep.equal(['r2@999']);
    expect(operatorMetrics(result, 'interval').reduce((n, o) => n + o.numLateRecordsDropped, 0)).to.equal(0);
  });

  it('interval join cleanup as Flink: a left element stays joinable until the watermark reaches ts + upperBound; a partner at exactly that watermark finds it gone', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const env = environment({ bufferTimeout: 0 });
    // (l2, r0) proves the left watermark 160 arrived; the right side then moves the join's watermark to 140, then 150.
    const left = side(env, [el('a', 'l1', 100), wm(160), el('a', 'l2', 165)]);
    const right = asyncSide(env, gated([el('a', 'r0', 165)], gate, [wm(140), el('a', 'r1', 146), wm(150), el('a', 'r2', 150)]));
    const pairs: string[] = [];
    left
      .keyBy((e) => e.key)
      .intervalJoin(right.keyBy((e) => e.key))
      .between(0, 50)
      .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(`${l.id}${r.id}`), Types.STRING)
      .sinkTo((s: string) => {
        pairs.push(s);
        if (s === 'l2r0') release();
      });
    await env.execute();
    // l1 (cleanup at 150) still joins r1 at watermark 140; at watermark 150 it is gone, so r2 (ts 150, on time, within its bounds) misses it.
    expect(pairs.sort()).to.deep.equal(['l1r1', 'l2r0']);
  });

  it('interval join cleanup of the right side: with lowerBound −30 a right element is kept until the watermark reaches ts + 30', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const env = environment({ bufferTimeout: 0 });
    // Pairs need l.ts − 30 <= r.ts <= l.ts − 10. (l0, r2) proves the right watermark 135 arrived; the left side then moves time.
    const right = side(env, [el('a', 'r1', 100), wm(135), el('a', 'r2', 140)]);
    const left = asyncSide(env, gated([el('a', 'l0', 160)], gate, [wm(125), el('a', 'l1', 129), wm(130), el('a', 'l2', 130)]));
    const pairs: string[] = [];
    left
      .keyBy((e) => e.key)
      .intervalJoin(right.keyBy((e) => e.key))
      .between(-30, -10)
      .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(`${l.id}${r.id}`), Types.STRING)
      .sinkTo((s: string) => {
        pairs.push(s);
        if (s === 'l0r2') release();
      });
    await env.execute();
    // r1 (cleanup at 130) joins l1 at watermark 125; at 130 it is gone, so l2 (ts 130, on time, r1 within its bounds) misses it.
    expect(pairs.sort()).to.deep.equal(['l0r2', 'l1r1']);
  });

  it('window join: an element for a window already fired and cleaned is dropped and counted by the window operator', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const env = environment({ bufferTimeout: 0 });
    const left = asyncSide(env, gated([el('a', 'l1', 100), wm(5000)], gate, [el('a', 'l2', 200), el('a', 'l3', 6000)]));
    const right = side(env, [el('a', 'r1', 100), wm(5000), el('a', 'r2', 6500)]);
    const pairs: string[] = [];
    left
      .join(right)
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(1000))
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .name('join')
      .sinkTo((s: string) => {
        pairs.push(s);
        release();
      });
    const result = await env.execute();
    expect(pairs.sort()).to.deep.equal(['l1r1', 'l3r2']);
    expect(operatorMetrics(result, 'join').reduce((n, o) => n + o.numLateRecordsDropped, 0)).to.equal(1);
  });

  it('window join with allowedLateness: a late element within it fires the window again with every pair', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const env = environment({ bufferTimeout: 0 });
    const left = asyncSide(env, gated([el('a', 'l1', 100), wm(1500)], gate, [el('a', 'l2', 200)]));
    const right = side(env, [el('a', 'r1', 100), wm(1500)]);
    const pairs: string[] = [];
    left
      .join(right)
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(1000))
      .allowedLateness(1000)
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .sinkTo((s: string) => {
        pairs.push(s);
        release();
      });
    await env.execute();
    // Fired at watermark 1500 with l1 r1; l2 (window end 999 + lateness 1000 > 1500) fires it again with both pairs.
    expect(pairs.sort()).to.deep.equal(['l1r1', 'l1r1', 'l2r1']);
  });
});

describe('joins: functions and edge cases', function () {
  this.timeout(30000);

  const twoSides = (env: StreamExecutionEnvironment) => ({
    left: side(env, [el('a', 'l1', 10), el('a', 'l2', 20), el('b', 'l3', 30)]),
    right: side(env, [el('a', 'r1', 15), el('c', 'r2', 25)]),
  });

  it('empty inputs join to nothing; one record on each side joins to one pair', async () => {
    const env = environment();
    const none = await side(env, [])
      .join(side(env, []))
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .executeAndCollect();
    expect(none).to.deep.equal([]);
    const env2 = environment();
    const one = await side(env2, [el('x', 'l', 5)])
      .join(side(env2, [el('x', 'r', 7)]))
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .executeAndCollect();
    expect(one).to.deep.equal(['lr']);
  });

  it('FlatJoinFunction (three parameters, or a RichFlatJoinFunction) emits any number of results per pair; RichJoinFunction gets open() and its runtime context', async () => {
    const env = environment({ parallelism: 2 });
    const { left, right } = twoSides(env);
    const joined = left.join(right).where((e) => e.key).equalTo((e) => e.key).window(TumblingEventTimeWindows.of(100));
    const flat = joined.apply((l: Ev, r: Ev, out: Collector<string>) => {
      out.collect(l.id);
      out.collect(r.id);
    }, Types.STRING);
    class Twice extends RichFlatJoinFunction<Ev, Ev, string> {
      join(l: Ev, r: Ev, out: Collector<string>) {
        out.collect(`${l.id}${r.id}`);
        out.collect(`${l.id}${r.id}`);
      }
    }
    class Named extends RichJoinFunction<Ev, Ev, string> {
      prefix = '';
      override open() {
        this.prefix = `${this.getRuntimeContext().getNumberOfParallelSubtasks()}:`;
      }
      join(l: Ev, r: Ev) {
        return `${this.prefix}${l.id}${r.id}`;
      }
    }
    const all = await flat
      .union(joined.apply(new Twice(), Types.STRING), joined.apply(new Named(), Types.STRING), joined.apply({ join: (l: Ev, r: Ev) => `o:${l.id}${r.id}` }, Types.STRING))
      .executeAndCollect();
    expect(all.sort()).to.deep.equal(['l1', 'l1r1', 'l1r1', '2:l1r1', 'o:l1r1', 'l2', 'l2r1', 'l2r1', '2:l2r1', 'o:l2r1', 'r1', 'r1'].sort());
  });

  it('coGroup with a RichCoGroupFunction, and a trigger: CountTrigger fires each window every 2 elements', async () => {
    const env = environment();
    const { left, right } = twoSides(env);
    class Sizes extends RichCoGroupFunction<Ev, Ev, string> {
      coGroup(ls: Iterable<Ev>, rs: Iterable<Ev>, out: Collector<string>) {
        out.collect(`${ids(ls).join('+')}|${ids(rs).join('+')}`);
      }
    }
    const out = await left
      .coGroup(right)
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .trigger(CountTrigger.of(2))
      .apply(new Sizes(), Types.STRING)
      .executeAndCollect();
    // Key a has 3 elements: the count trigger fires after the 2nd; b and c have one each and never fire.
    expect(out).to.have.length(1);
    expect(out[0]).to.match(/^(l1\+l2\||l1\|r1|l2\|r1)$/);
  });

  it('an evictor sees the tagged elements of both sides: TimeEvictor.of(6) keeps those within 6 ms of the window’s latest', async () => {
    const env = environment({ parallelism: 2 });
    const { left, right } = twoSides(env);
    const out = await left
      .join(right)
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .evictor(TimeEvictor.of(6))
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .executeAndCollect();
    // Key a holds l1 (10), r1 (15), l2 (20): l1 is evicted (10 <= 20 − 6).
    expect(out).to.deep.equal(['l2r1']);
  });

  it('numbers as keys, and a declared key type on where() only', async () => {
    const env = environment({ parallelism: 2 });
    const left = side(env, [el('1', 'l1', 10), el('2', 'l2', 10)]);
    const right = side(env, [el('1', 'r1', 10), el('3', 'r3', 10)]);
    const out = await left
      .join(right)
      .where((e) => Number(e.key), Types.INT)
      .equalTo((e) => Number(e.key))
      .window(TumblingEventTimeWindows.of(100))
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .executeAndCollect();
    expect(out).to.deep.equal(['l1r1']);
  });

  it('inputs whose type is not declared join too (the tagged union carries them as GENERIC)', async () => {
    const env = environment({ parallelism: 2 });
    const strategy = WatermarkStrategy.forMonotonousTimestamps<{ k: string; t: number }>().withTimestampAssigner((e) => e.t);
    const a = env.fromElements({ k: 'x', t: 1 }, { k: 'y', t: 2 }).assignTimestampsAndWatermarks(strategy);
    const b = env.fromElements({ k: 'x', t: 3 }).assignTimestampsAndWatermarks(strategy);
    expect(a.getType()).to.equal(undefined);
    const out = await a
      .join(b)
      .where((e) => e.k)
      .equalTo((e) => e.k)
      .window(TumblingEventTimeWindows.of(10))
      .apply((l, r) => `${l.k}${l.t}${r.t}`, Types.STRING)
      .executeAndCollect();
    expect(out).to.deep.equal(['x13']);
  });

  it('a stream interval-joined with itself pairs each element with its neighbours in time (and itself)', async () => {
    const env = environment({ parallelism: 2 });
    const s = side(env, [el('a', 'x', 0), el('a', 'y', 5), el('a', 'z', 20), el('b', 'w', 5)]);
    const out = await s
      .keyBy((e) => e.key)
      .intervalJoin(s.keyBy((e) => e.key))
      .between(-5, 5)
      .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(l.id + r.id), Types.STRING)
      .executeAndCollect();
    expect(out.sort()).to.deep.equal(['ww', 'xx', 'xy', 'yx', 'yy', 'zz']);
  });

  it('an error thrown by the join function fails the job naming the operator', async () => {
    const env = environment();
    const { left, right } = twoSides(env);
    left
      .join(right)
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .apply((): string => {
        throw new Error('no pairs today');
      }, Types.STRING)
      .name('failing join')
      .print();
    const error = (await jobFailure(env.execute())) as JobExecutionError;
    expect(error).to.be.instanceOf(JobExecutionError);
    expect(error.operator).to.equal('failing join');
    expect(error.message).to.include('no pairs today');
    const env2 = environment();
    const s = twoSides(env2);
    s.left
      .keyBy((e) => e.key)
      .intervalJoin(s.right.keyBy((e) => e.key))
      .between(-10, 10)
      .process(() => {
        throw new Error('nor intervals');
      })
      .print();
    const error2 = (await jobFailure(env2.execute())) as JobExecutionError;
    expect(error2).to.be.instanceOf(JobExecutionError);
    expect(error2.message).to.include('nor intervals');
  });

  it('a ProcessJoinFunction class gets open() and writes to side outputs with the pair’s timestamp', async () => {
    const env = environment({ parallelism: 2 });
    const { left, right } = twoSides(env);
    const gaps = new OutputTag<number>('gaps', Types.DOUBLE);
    class Gap extends ProcessJoinFunction<Ev, Ev, string> {
      opened = false;
      override open() {
        this.opened = true;
      }
      processElement(l: Ev, r: Ev, ctx: ProcessJoinContext, out: Collector<string>) {
        ctx.output(gaps, ctx.getRightTimestamp() - ctx.getLeftTimestamp());
        out.collect(`${this.opened}:${l.id}${r.id}`);
      }
    }
    const joined = left
      .keyBy((e) => e.key)
      .intervalJoin(right.keyBy((e) => e.key))
      .between(-5, 5)
      .process(new Gap(), Types.STRING);
    const seen: string[] = [];
    stamp(joined.getSideOutput(gaps).map((g) => ({ g }))).sinkTo((x) => void seen.push(`${x.g}@${x.ts}`));
    const out = await joined.executeAndCollect();
    expect(out.sort()).to.deep.equal(['true:l1r1', 'true:l2r1']);
    expect(seen.sort()).to.deep.equal(['-5@20', '5@15']);
  });

  it('interval join on a stream without timestamps fails, saying to assign them', async () => {
    const env = environment();
    env
      .fromElements(1, 2)
      .keyBy((x) => x)
      .intervalJoin(env.fromElements(1).keyBy((x) => x))
      .between(0, 1)
      .process((a: number, b: number, _c: ProcessJoinContext, o: Collector<number>) => o.collect(a + b))
      .print();
    const error = (await jobFailure(env.execute())) as Error;
    expect(error.message).to.match(/need event timestamps/).and.match(/assignTimestampsAndWatermarks/);
  });

  it('keys of different types on the two sides fail the job with a clear error (window join and interval join)', async () => {
    const env = environment({ parallelism: 1 });
    const left = side(env, [el('1', 'l1', 10)]);
    const right = side(env, [el('1', 'r1', 10)]);
    left
      .join(right)
      .where((e) => e.key)
      .equalTo(((e: Ev) => Number(e.key)) as never)
      .window(TumblingEventTimeWindows.of(100))
      .apply((l: Ev, r: Ev) => `${l.id}${r.id}`, Types.STRING)
      .print();
    const error = (await jobFailure(env.execute())) as Error;
    expect(error.message).to.match(/join: the keys of the two inputs differ in type: where\(\) gives a string, equalTo\(\) a number/);
    const env2 = environment({ parallelism: 1 });
    side(env2, [el('1', 'l1', 10)])
      .keyBy((e) => e.key)
      .intervalJoin(side(env2, [el('1', 'r1', 10)]).keyBy((e) => Number(e.key) as unknown as string))
      .between(0, 0)
      .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(`${l.id}${r.id}`))
      .print();
    const error2 = (await jobFailure(env2.execute())) as Error;
    expect(error2.message).to.match(/the keys of the two inputs differ in type: the left input's key is a string, the right input's a number/);
  });
});

describe('joins: cancellation', function () {
  this.timeout(30000);

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  for (const kind of ['window join', 'coGroup', 'interval join'] as const) {
    it(`cancelling a running ${kind} stops it; every buffer and managed page is back`, async () => {
      const env = environment({ parallelism: 2, autoWatermarkInterval: 5 });
      const endless = (p: string) =>
        env
          .fromSource(new DataGeneratorSource((i: number) => ({ w: 0, key: `k${i % 7}`, id: `${p}${i}`, ts: i }), 1e12, RateLimiterStrategy.perSecond(20_000), EV), p)
          .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts));
      let results = 0;
      const count = () => void results++;
      if (kind === 'interval join') {
        endless('L')
          .keyBy((e) => e.key)
          .intervalJoin(endless('R').keyBy((e) => e.key))
          .between(-20, 20)
          .process((l: Ev, r: Ev, _c: ProcessJoinContext, o: Collector<string>) => o.collect(l.id + r.id), Types.STRING)
          .sinkTo(count);
      } else if (kind === 'coGroup') {
        endless('L')
          .coGroup(endless('R'))
          .where((e) => e.key)
          .equalTo((e) => e.key)
          .window(TumblingEventTimeWindows.of(50))
          .apply((ls: Iterable<Ev>, _rs: Iterable<Ev>, o: Collector<number>) => o.collect([...ls].length), Types.INT)
          .sinkTo(count);
      } else {
        endless('L')
          .join(endless('R'))
          .where((e) => e.key)
          .equalTo((e) => e.key)
          .window(TumblingEventTimeWindows.of(50))
          .apply((l: Ev, r: Ev) => l.id + r.id, Types.STRING)
          .sinkTo(count);
      }
      const client = env.executeAsync(kind);
      for (let i = 0; i < 1000 && results < 20; i++) await sleep(5);
      expect(results, 'results before the cancel').to.be.greaterThan(0);
      await client.cancel();
      const error = await client.getJobExecutionResult().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(JobCancellationError);
    });
  }
});

describe('joins: refusals', () => {
  const env = () => environment();
  const s = (e: StreamExecutionEnvironment) => e.fromElements(el('a', 'x', 1) as unknown as Ev);

  it('window join and coGroup: each step names the method that is missing or wrong', () => {
    const e = env();
    const a = s(e);
    const b = s(e);
    for (const what of ['join', 'coGroup'] as const) {
      const start: any = what === 'join' ? a.join(b) : a.coGroup(b);
      expect(() => start.equalTo((x: Ev) => x.key)).to.throw(ConfigurationError, new RegExp(`${what}: equalTo\\(\\) needs where\\(\\) first`));
      expect(() => start.window(TumblingEventTimeWindows.of(1))).to.throw(ConfigurationError, new RegExp(`${what}: window\\(\\) needs the keys first`));
      expect(() => start.apply(() => 1)).to.throw(ConfigurationError, new RegExp(`${what}: apply\\(\\) needs keys and a window first`));
      expect(() => start.where(null as never)).to.throw(ConfigurationError, new RegExp(`${what}: where\\(\\) expects a key selector`));
      const where = start.where((x: Ev) => x.key);
      expect(() => where.window(TumblingEventTimeWindows.of(1))).to.throw(ConfigurationError, new RegExp(`${what}: window\\(\\) needs equalTo\\(\\) first`));
      expect(() => where.apply(() => 1)).to.throw(ConfigurationError, new RegExp(`${what}: apply\\(\\) needs equalTo\\(\\) and window\\(\\) first`));
      expect(() => where.equalTo(undefined as never)).to.throw(ConfigurationError, new RegExp(`${what}: equalTo\\(\\) expects a key selector`));
      const equalTo = where.equalTo((x: Ev) => x.key);
      expect(() => equalTo.apply(() => 1)).to.throw(ConfigurationError, new RegExp(`${what}: apply\\(\\) needs a window first`));
      expect(() => equalTo.window({} as never)).to.throw(ConfigurationError, new RegExp(`${what}: window\\(\\) expects a WindowAssigner`));
      const windowed = equalTo.window(TumblingEventTimeWindows.of(1));
      expect(() => windowed.allowedLateness(-1)).to.throw(ConfigurationError, new RegExp(`${what}: allowedLateness\\(\\) expects a whole number of ms ≥ 0, got -1`));
      expect(() => windowed.trigger({} as never)).to.throw(ConfigurationError, new RegExp(`${what}: trigger\\(\\) expects a Trigger`));
      expect(() => windowed.evictor(null as never)).to.throw(ConfigurationError, new RegExp(`${what}: evictor\\(\\) expects an Evictor`));
      expect(() => windowed.apply(null as never)).to.throw(ConfigurationError, new RegExp(`${what}: apply\\(\\) expects`));
      expect(() => start.where((x: Ev) => x.key, Types.STRING).equalTo((x: Ev) => x.key, Types.INT as never)).to.throw(
        ConfigurationError,
        new RegExp(`${what}: equalTo\\(\\): the key type INT differs from the key type STRING given to where\\(\\)`),
      );
    }
    expect(() => a.join(s(env()))).to.throw(ConfigurationError, /join: both streams must come from the same StreamExecutionEnvironment/);
    expect(() => a.coGroup(42 as never)).to.throw(ConfigurationError, /coGroup: expected a DataStream/);
  });

  it('interval join: bounds, time domain, function and inputs', () => {
    const e = env();
    const a = s(e).keyBy((x) => x.key);
    const b = s(e).keyBy((x) => x.key);
    expect(() => a.intervalJoin(s(e) as never)).to.throw(ConfigurationError, /intervalJoin: expected a KeyedStream/);
    expect(() => a.intervalJoin(s(env()).keyBy((x) => x.key))).to.throw(ConfigurationError, /same StreamExecutionEnvironment/);
    expect(() => a.intervalJoin(b).between(2, 1)).to.throw(ConfigurationError, /between\(2, 1\): lowerBound <= upperBound must be fulfilled/);
    expect(() => a.intervalJoin(b).between(0.5, 1)).to.throw(ConfigurationError, /the lowerBound must be a whole number of ms, got 0.5/);
    expect(() => a.intervalJoin(b).between(0, NaN)).to.throw(ConfigurationError, /the upperBound must be a whole number of ms, got NaN/);
    expect(() => a.intervalJoin(b).inProcessingTime()).to.throw(ConfigurationError, /only supported in event time/);
    expect(() => a.intervalJoin(b).process(() => 1)).to.throw(ConfigurationError, /process\(\) needs the bounds first/);
    expect(() => a.intervalJoin(b).between(0, 1).process(null as never)).to.throw(ConfigurationError, /intervalJoin: process\(\) expects a ProcessJoinFunction/);
    expect(() => a.intervalJoin(b).between(0, 1).sideOutputLeftLateData(null as never)).to.throw(ConfigurationError, /sideOutputLeftLateData expects an OutputTag/);
    const typed = s(e).keyBy((x) => x.key, Types.STRING);
    const other = s(e).keyBy((x) => x.key.length as unknown as string, Types.INT as never);
    expect(() => typed.intervalJoin(other).between(0, 1).process(() => undefined)).to.throw(ConfigurationError, /the key types of the two inputs differ: STRING \(left\) and INT \(right\)/);
  });
});

describe('interval join: found in review', function () {
  this.timeout(30000);
  const T = Types.OBJECT<{ k: string; ts: number; pad: string }>({ k: Types.STRING, ts: Types.DOUBLE, pad: Types.STRING });
  const strategy = () => WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number; pad: string }>().withTimestampAssigner((e) => e.ts);

  it('joins 2,000 elements of one key and timestamp (more than one memory segment of buffer)', async () => {
    const env = environment();
    const many = Array.from({ length: 2000 }, (_, i) => ({ k: 'a', ts: 1000, pad: `${'x'.repeat(40)}${i}` }));
    const left = env.fromCollection(many, T).assignTimestampsAndWatermarks(strategy());
    const right = env.fromCollection([{ k: 'a', ts: 1000, pad: 'r' }], T).assignTimestampsAndWatermarks(strategy());
    const pairs = await left
      .keyBy((e) => e.k)
      .intervalJoin(right.keyBy((e) => e.k))
      .between(0, 0)
      .process((l: { pad: string }, _r: unknown, _c: unknown, out: { collect(v: string): void }) => out.collect(l.pad), Types.STRING)
      .executeAndCollect();
    expect(pairs).to.have.length(2000);
    expect(new Set(pairs).size).to.equal(2000);
  });
});
