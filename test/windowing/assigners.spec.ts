// Window assigners against Flink's documented behaviour and a brute-force
// reference: tumbling and sliding bounds with offsets and negative
// timestamps, session windows that merge when a late element bridges them.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  EventTimeSessionWindows,
  GlobalWindow,
  GlobalWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  Time,
  TimeWindow,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
} from 'weir';

const clock = (now: number) => ({ getCurrentProcessingTime: () => now });
const ctx = clock(0);
const bounds = (ws: TimeWindow[]) => ws.map((w) => [w.start, w.end]);
const mod = (a: number, n: number) => ((a % n) + n) % n;

describe('TimeWindow', () => {
  it('getWindowStartWithOffset rounds down, for negative timestamps too (Flink’s cases)', () => {
    expect(TimeWindow.getWindowStartWithOffset(0, 0, 5000)).to.equal(0);
    expect(TimeWindow.getWindowStartWithOffset(4999, 0, 5000)).to.equal(0);
    expect(TimeWindow.getWindowStartWithOffset(5000, 0, 5000)).to.equal(5000);
    expect(TimeWindow.getWindowStartWithOffset(-1, 0, 5000)).to.equal(-5000);
    expect(TimeWindow.getWindowStartWithOffset(-5000, 0, 5000)).to.equal(-5000);
    expect(TimeWindow.getWindowStartWithOffset(-5001, 0, 5000)).to.equal(-10000);
    expect(TimeWindow.getWindowStartWithOffset(1, 2, 5)).to.equal(-3);
    expect(TimeWindow.getWindowStartWithOffset(7, -2, 5)).to.equal(3);
  });

  it('maxTimestamp is end - 1; windows that touch intersect; cover spans both', () => {
    const a = new TimeWindow(0, 5);
    const b = new TimeWindow(5, 10);
    const c = new TimeWindow(11, 12);
    expect(a.maxTimestamp()).to.equal(4);
    expect(a.intersects(b)).to.equal(true);
    expect(b.intersects(c)).to.equal(false);
    expect(a.cover(c).equals(new TimeWindow(0, 12))).to.equal(true);
    expect(() => new TimeWindow(5, 4)).to.throw(/start ≤ end, got \[5, 4\)/);
    expect(() => new TimeWindow(0.5, 4)).to.throw(/safe integers/);
  });

  it('mergeWindows merges runs of intersecting windows, like a sort-and-sweep reference', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 40 }), (spans) => {
        const windows = spans.map(([s, len]) => new TimeWindow(s, s + len));
        const got: Array<[number, number, number]> = [];
        TimeWindow.mergeWindows(windows, (merged, result) => got.push([result.start, result.end, merged.length]));
        // reference: sort, sweep with touching counted as intersecting
        const sorted = [...windows].sort((a, b) => a.start - b.start || a.end - b.end);
        const expected: Array<[number, number, number]> = [];
        let cur: [number, number, number] | undefined;
        for (const w of sorted) {
          if (cur !== undefined && w.start <= cur[1]) {
            cur[1] = Math.max(cur[1], w.end);
            cur[2]++;
          } else {
            if (cur !== undefined && cur[2] > 1) expected.push(cur);
            cur = [w.start, w.end, 1];
          }
        }
        if (cur !== undefined && cur[2] > 1) expected.push(cur);
        expect(got).to.deep.equal(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('window assigners', () => {
  it('tumbling: one window [start, start + size) aligned to offset, as Flink’s examples', () => {
    const hourly = TumblingEventTimeWindows.of(Time.hours(1));
    expect(bounds(hourly.assignWindows(null, Time.minutes(90), ctx))).to.deep.equal([[3_600_000, 7_200_000]]);
    // Flink's docs: of(Time.days(1), Time.hours(-8)) for UTC+8 days
    const chinaDays = TumblingEventTimeWindows.of(Time.days(1), Time.hours(-8));
    expect(bounds(chinaDays.assignWindows(null, 0, ctx))).to.deep.equal([[-8 * 3_600_000, 16 * 3_600_000]]);
    expect(bounds(TumblingEventTimeWindows.of(5000).assignWindows(null, -1, ctx))).to.deep.equal([[-5000, 0]]);
    expect(hourly.isEventTime()).to.equal(true);
  });

  it('tumbling and sliding windows equal a brute-force reference for any timestamp, size, slide and offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: -0.999, max: 0.999, noNaN: true }),
        (t, size, slide, f) => {
          const offset = Math.trunc(f * slide);
          const sliding = SlidingEventTimeWindows.of(size, slide, offset).assignWindows(null, t, ctx);
          // reference: every start s ≡ offset (mod slide) with s ≤ t < s + size, newest first
          const expected: number[][] = [];
          for (let s = t - mod(t - offset, slide); s > t - size; s -= slide) expected.push([s, s + size]);
          expect(bounds(sliding)).to.deep.equal(expected);
          for (const w of sliding) expect(w.start <= t && t < w.end && mod(w.start - offset, slide) === 0).to.equal(true);
          const tumbleOffset = Math.trunc(f * size);
          const [tw] = TumblingEventTimeWindows.of(size, tumbleOffset).assignWindows(null, t, ctx);
          expect(tw!.start <= t && t < tw!.end && tw!.end - tw!.start === size && mod(tw!.start - tumbleOffset, size) === 0).to.equal(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sliding: an element is in size/slide windows, e.g. 7 in [5, 15) and [0, 10) for size 10, slide 5', () => {
    expect(bounds(SlidingEventTimeWindows.of(10, 5).assignWindows(null, 7, ctx))).to.deep.equal([
      [5, 15],
      [0, 10],
    ]);
    expect(bounds(SlidingEventTimeWindows.of(10, 5).assignWindows(null, -3, ctx))).to.deep.equal([
      [-5, 5],
      [-10, 0],
    ]);
    expect(SlidingEventTimeWindows.of(Time.hours(1), Time.minutes(15)).assignWindows(null, 123_456_789, ctx)).to.have.length(4);
  });

  it('sessions: a late element that bridges two sessions merges them (Flink’s case)', () => {
    const sessions = EventTimeSessionWindows.withGap<null>(10);
    const a = sessions.assignWindows(null, 0, ctx)[0]!; // [0, 10)
    const b = sessions.assignWindows(null, 25, ctx)[0]!; // [25, 35)
    const merges: string[] = [];
    sessions.mergeWindows([a, b], (ws, r) => merges.push(`${ws.length}→${r}`));
    expect(merges).to.deep.equal([]); // apart: two sessions
    const late = sessions.assignWindows(null, 12, ctx)[0]!; // [12, 22) does not touch either
    sessions.mergeWindows([a, b, late], (ws, r) => merges.push(`${ws.length}→${r}`));
    expect(merges).to.deep.equal([]);
    const bridge = sessions.assignWindows(null, 10, ctx)[0]!; // [10, 20) touches [0,10) and [12,22)
    sessions.mergeWindows([a, b, late, bridge], (ws, r) => merges.push(`${ws.length}→${r}`));
    expect(merges).to.deep.equal(['3→TimeWindow{start=0, end=22}']);
    const dynamic = EventTimeSessionWindows.withDynamicGap((e: { gap: number }) => e.gap);
    expect(bounds(dynamic.assignWindows({ gap: 7 }, 100, ctx))).to.deep.equal([[100, 107]]);
    expect(() => dynamic.assignWindows({ gap: 0 }, 100, ctx)).to.throw(/dynamic gap must be a whole number of milliseconds greater than 0, got 0/);
  });

  it('processing-time assigners use the clock, not the record’s timestamp', () => {
    expect(bounds(TumblingProcessingTimeWindows.of(1000).assignWindows(null, 5, clock(12_345)))).to.deep.equal([[12_000, 13_000]]);
    expect(bounds(SlidingProcessingTimeWindows.of(1000, 500).assignWindows(null, null, clock(1200)))).to.deep.equal([
      [1000, 2000],
      [500, 1500],
    ]);
    expect(bounds(ProcessingTimeSessionWindows.withGap(50).assignWindows(null, null, clock(7)))).to.deep.equal([[7, 57]]);
    expect(TumblingProcessingTimeWindows.of(1000).isEventTime()).to.equal(false);
  });

  it('global windows: every element in the one GlobalWindow', () => {
    const global = GlobalWindows.create();
    expect(global.assignWindows('x', null, ctx)).to.deep.equal([GlobalWindow.get()]);
    expect(GlobalWindow.get().maxTimestamp()).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it('refuse bad parameters and records without a timestamp, saying what is wrong', () => {
    expect(() => TumblingEventTimeWindows.of(0)).to.throw(/TumblingEventTimeWindows parameters must satisfy abs\(offset\) < size and size > 0, got size 0/);
    expect(() => TumblingEventTimeWindows.of(10, 10)).to.throw(/abs\(offset\) < size/);
    expect(() => TumblingEventTimeWindows.of(1.5)).to.throw(/size must be a whole number of milliseconds, got 1.5/);
    expect(() => SlidingEventTimeWindows.of(10, 0)).to.throw(/slide > 0/);
    expect(() => SlidingEventTimeWindows.of(10, 5, -5)).to.throw(/abs\(offset\) < slide/);
    expect(() => EventTimeSessionWindows.withGap(0)).to.throw(/0 < gap, got 0/);
    expect(() => EventTimeSessionWindows.withDynamicGap(5 as never)).to.throw(/expected a function/);
    expect(() => TumblingEventTimeWindows.of(10).assignWindows('x', null, ctx)).to.throw(/the record has no timestamp; did you forget assignTimestampsAndWatermarks/);
  });
});
