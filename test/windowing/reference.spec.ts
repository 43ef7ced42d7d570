// The reference model of the event-time window operator, checked on cases
// computed by hand from Flink's documentation (tumbling with and without
// offset, negative timestamps, sliding, sessions that merge and a late element
// that bridges two, re-firing within the allowed lateness, dropping beyond it),
// and against brute force when all input comes before the final watermark.
import { expect } from 'chai';
import fc from 'fast-check';
import { referenceWindows, type ReferenceKey, type ReferenceOp, type ReferenceSpec } from './reference.js';

const el = (key: ReferenceKey, value: number, timestamp: number): ReferenceOp => ({ kind: 'element', key, value, timestamp });
const wm = (time: number): ReferenceOp => ({ kind: 'watermark', time });
const END = wm(Infinity);
const r = (key: ReferenceKey, start: number, end: number, value: number | number[]) => ({ key, start, end, value, timestamp: end - 1 });
const tumbling = (size: number, allowedLateness = 0, offset = 0): ReferenceSpec => ({ assigner: { type: 'tumbling', size, offset }, allowedLateness, aggregate: 'sum' });

describe('reference window model', () => {
  it('tumbling: windows fire when the watermark reaches end - 1, per key, late elements dropped', () => {
    const out = referenceWindows([el('a', 1, 1), el('a', 2, 5), el('b', 3, 7), el('a', 4, 12), wm(8), wm(9), el('a', 5, 3), END], tumbling(10));
    expect(out.results).to.deep.equal([r('a', 0, 10, 3), r('b', 0, 10, 3), r('a', 10, 20, 4)]);
    expect(out.late).to.deep.equal([{ key: 'a', value: 5, timestamp: 3 }]);
  });

  it('tumbling with an offset: hourly windows starting at a quarter past (the docs’ offset example)', () => {
    const hour = 3_600_000;
    const quarter = 900_000;
    const out = referenceWindows([el('k', 1, 0), el('k', 2, quarter - 1), el('k', 4, quarter), el('k', 8, hour + quarter - 1), END], tumbling(hour, 0, quarter));
    expect(out.results).to.deep.equal([r('k', quarter - hour, quarter, 3), r('k', quarter, hour + quarter, 12)]);
  });

  it('tumbling with negative timestamps: windows start rounded down', () => {
    const out = referenceWindows([el(1, 1, -1), el(1, 2, -5), el(1, 4, -6), el(1, 8, 0), wm(-6), wm(-1), END], tumbling(5));
    expect(out.results).to.deep.equal([r(1, -10, -5, 4), r(1, -5, 0, 3), r(1, 0, 5, 8)]);
  });

  it('sliding: an element is in size/slide windows; results by window end', () => {
    const spec: ReferenceSpec = { assigner: { type: 'sliding', size: 10, slide: 5 }, allowedLateness: 0, aggregate: 'list' };
    const out = referenceWindows([el('a', 1, 7), el('a', 2, 12), END], spec);
    expect(out.results).to.deep.equal([r('a', 0, 10, [1]), r('a', 5, 15, [1, 2]), r('a', 10, 20, [2])]);
  });

  it('sliding within the allowed lateness: an element late for one of its windows only goes to the others, and fires the passed ones at once', () => {
    const spec: ReferenceSpec = { assigner: { type: 'sliding', size: 10, slide: 5 }, allowedLateness: 5, aggregate: 'sum' };
    const out = referenceWindows(
      [
        el('a', 1, 7), // [5, 15) and [0, 10)
        el('a', 2, 12), // [10, 20) and [5, 15)
        wm(10), // [0, 10) fires: 1
        el('a', 10, 8), // [5, 15) waits; [0, 10) (cleanup at 14) fires again at once: 11
        wm(14), // [5, 15) fires: 13; [0, 10) is cleaned up
        el('a', 100, 9), // [5, 15) fires again at once: 113; [0, 10) is gone (late), but the element is not
        END,
      ],
      spec,
    );
    expect(out.results).to.deep.equal([r('a', 0, 10, 1), r('a', 0, 10, 11), r('a', 5, 15, 13), r('a', 5, 15, 113), r('a', 10, 20, 2)]);
    expect(out.late).to.deep.equal([]);
  });

  it('re-fires for every late element within the allowed lateness, with the full contents; drops beyond it', () => {
    const out = referenceWindows(
      [el('a', 1, 1), wm(9), el('a', 2, 2), el('a', 3, 3), wm(13), el('a', 4, 4), wm(14), el('a', 5, 5), END],
      tumbling(10, 5),
    );
    // cleanup time of [0, 10): 9 + 5 = 14; at watermark 13 the element at 4 still counts
    expect(out.results).to.deep.equal([r('a', 0, 10, 1), r('a', 0, 10, 3), r('a', 0, 10, 6), r('a', 0, 10, 10)]);
    expect(out.late).to.deep.equal([{ key: 'a', value: 5, timestamp: 5 }]);
  });

  it('zero lateness: an element whose window end equals the watermark is late', () => {
    const out = referenceWindows([wm(9), el('a', 1, 9), el('a', 2, 10), END], tumbling(10));
    expect(out.results).to.deep.equal([r('a', 10, 20, 2)]);
    expect(out.late).to.deep.equal([{ key: 'a', value: 1, timestamp: 9 }]);
  });

  it('a window first seen within the lateness fires at once with its one element', () => {
    const out = referenceWindows([wm(25), el('a', 7, 12), END], tumbling(10, 10));
    expect(out.results).to.deep.equal([r('a', 10, 20, 7)]);
  });

  it('count and list aggregates', () => {
    const ops = [el('a', 5, 1), el('a', 6, 2), el('a', 7, 15), END];
    expect(referenceWindows(ops, { ...tumbling(10), aggregate: 'count' }).results).to.deep.equal([r('a', 0, 10, 2), r('a', 10, 20, 1)]);
    expect(referenceWindows(ops, { ...tumbling(10), aggregate: 'list' }).results).to.deep.equal([r('a', 0, 10, [5, 6]), r('a', 10, 20, [7])]);
  });

  describe('sessions', () => {
    const sessions = (gap: number, allowedLateness = 0): ReferenceSpec => ({ assigner: { type: 'session', gap }, allowedLateness, aggregate: 'list' });

    it('merge elements less than a gap apart, and exactly a gap apart (windows that touch merge)', () => {
      const out = referenceWindows([el('a', 1, 0), el('a', 2, 5), el('a', 3, 15), el('a', 4, 40), el('b', 5, 3), END], sessions(10));
      // [0,10) + [5,15) → [0,15); [15,25) touches it → [0,25); 40 is apart
      expect(out.results).to.deep.equal([r('b', 3, 13, [5]), r('a', 0, 25, [1, 2, 3]), r('a', 40, 50, [4])]);
    });

    it('a session fires when the watermark reaches its end', () => {
      const out = referenceWindows([el('a', 1, 0), el('a', 2, 2), wm(11), el('a', 3, 30), END], sessions(10));
      expect(out.results).to.deep.equal([r('a', 0, 12, [1, 2]), r('a', 30, 40, [3])]);
    });

    it('an element that bridges two sessions before they fire merges them into one', () => {
      const out = referenceWindows([el('a', 1, 0), el('a', 2, 20), el('a', 4, 10), END], sessions(10));
      // [10, 20) touches [0, 10) and [20, 30)
      expect(out.results).to.deep.equal([r('a', 0, 30, [1, 2, 4])]);
    });

    it('a late element that bridges two fired sessions (within lateness) merges them and fires the merged session at once', () => {
      const out = referenceWindows([el('a', 1, 0), el('a', 2, 20), wm(35), el('a', 4, 10), END], sessions(10, 100));
      expect(out.results).to.deep.equal([r('a', 0, 10, [1]), r('a', 20, 30, [2]), r('a', 0, 30, [1, 2, 4])]);
      expect(out.late).to.deep.equal([]);
    });

    it('a merge whose result ends after the watermark waits for it', () => {
      const out = referenceWindows([el('a', 1, 0), wm(9), el('a', 2, 5), wm(14), END], sessions(10, 100));
      // [0,10) fires at 9; the element at 5 makes [0,15), which fires at 14, not at once
      expect(out.results).to.deep.equal([r('a', 0, 10, [1]), r('a', 0, 15, [1, 2])]);
    });

    it('a late element within an existing, fired session (within lateness) fires it again at once', () => {
      const out = referenceWindows([el('a', 1, 0), el('a', 2, 5), wm(20), el('a', 3, 3), END], sessions(10, 100));
      expect(out.results).to.deep.equal([r('a', 0, 15, [1, 2]), r('a', 0, 15, [1, 2, 3])]);
    });

    it('an element late on its own joins a live session it touches (only the merged window’s lateness counts)', () => {
      const out = referenceWindows([el('a', 1, 10), wm(22), el('a', 2, 1), END], sessions(10, 5));
      // [10,20) fired at 19, cleanup at 24; [1,11) alone would be late (10 + 5 <= 22) but merges into [1,20)
      expect(out.results).to.deep.equal([r('a', 10, 20, [1]), r('a', 1, 20, [1, 2])]);
      expect(out.late).to.deep.equal([]);
    });

    it('a late element whose own session is late and touches nothing live is dropped; cleaned-up sessions do not merge', () => {
      const out = referenceWindows([el('a', 1, 0), wm(100), el('a', 2, 5), el('a', 3, 95), END], sessions(10, 5));
      // [0,10) cleaned up at 14; [5,15) late; [95,105) ends after 100 - 5
      expect(out.results).to.deep.equal([r('a', 0, 10, [1]), r('a', 95, 105, [3])]);
      expect(out.late).to.deep.equal([{ key: 'a', value: 2, timestamp: 5 }]);
    });
  });

  it('refuses watermarks that go back and bad specs', () => {
    expect(() => referenceWindows([wm(5), wm(4)], tumbling(10))).to.throw(/watermarks must not decrease, got 4 after 5/);
    expect(() => referenceWindows([], tumbling(0))).to.throw(/bad assigner/);
    expect(() => referenceWindows([], { ...tumbling(10), allowedLateness: -1 })).to.throw(/bad allowedLateness/);
  });

  it('with one final watermark, equals brute force: tumbling and sliding group by window, sessions are the connected runs', () => {
    const elements = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: fc.integer({ min: -100, max: 100 }), timestamp: fc.integer({ min: -200, max: 200 }) }), { maxLength: 40 });
    fc.assert(
      fc.property(elements, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (xs, size, slide) => {
        const ops: ReferenceOp[] = [...xs.map((x) => el(x.key, x.value, x.timestamp)), END];
        const key = (o: { key: ReferenceKey; start: number; end: number }) => `${o.key}|${o.start}|${o.end}`;
        const sum = (rs: Array<{ key: ReferenceKey; start: number; end: number; value: unknown }>) =>
          new Map(rs.map((o): [string, number] => [key(o), o.value as number]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

        // sliding (tumbling when slide = size): every start s ≡ 0 (mod slide) with s <= t < s + size
        const brute = new Map<string, number>();
        for (const x of xs) {
          for (let s = Math.floor(x.timestamp / slide) * slide; s > x.timestamp - size; s -= slide) {
            const k = `${x.key}|${s}|${s + size}`;
            brute.set(k, (brute.get(k) ?? 0) + x.value);
          }
        }
        const got = referenceWindows(ops, { assigner: { type: 'sliding', size, slide }, allowedLateness: 0, aggregate: 'sum' });
        expect(sum(got.results)).to.deep.equal(new Map([...brute].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
        expect(got.late).to.deep.equal([]);

        // sessions: sort each key's timestamps; a gap of more than `gap` between neighbours starts a new session
        const gap = size;
        const sessions: Array<{ key: ReferenceKey; start: number; end: number; value: number }> = [];
        for (const k of ['a', 'b', 'c']) {
          const mine = xs.filter((x) => x.key === k).sort((p, q) => p.timestamp - q.timestamp);
          for (const x of mine) {
            const last = sessions.at(-1);
            if (last !== undefined && last.key === k && x.timestamp <= last.end) {
              last.end = Math.max(last.end, x.timestamp + gap);
              last.value += x.value;
            } else sessions.push({ key: k, start: x.timestamp, end: x.timestamp + gap, value: x.value });
          }
        }
        const gotSessions = referenceWindows(ops, { assigner: { type: 'session', gap }, allowedLateness: 0, aggregate: 'sum' });
        expect(sum(gotSessions.results)).to.deep.equal(sum(sessions));
        // every result carries end - 1, and results come in timestamp order at the final watermark
        const ts = gotSessions.results.map((o) => o.timestamp);
        expect(ts).to.deep.equal([...ts].sort((p, q) => p - q));
      }),
      { numRuns: 300 },
    );
  });
});
