// Evictors against Flink's definitions: CountEvictor keeps the last n,
// TimeEvictor keeps what is within windowSize of the newest timestamp
// (cutoff = max - windowSize, timestamps <= cutoff go), DeltaEvictor removes
// what is at threshold or more from the last element; each acts before the
// window function, or after it with doEvictAfter. Arrays change in place.
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigurationError, CountEvictor, DeltaEvictor, TimeEvictor, TimeWindow, type Evictor, type EvictorContext, type TimestampedValue } from 'weir';

const ctx: EvictorContext = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const win = new TimeWindow(0, 100);
const at = (...timestamps: number[]): TimestampedValue<number>[] => timestamps.map((t, i) => ({ value: i, timestamp: t }));
const values = (xs: TimestampedValue<number>[]) => xs.map((x) => x.value);
const noTimestamp = (...vs: number[]): TimestampedValue<number>[] => vs.map((v) => ({ value: v, timestamp: -Infinity }));

/** Runs `evictor` at the point it acts (before or after) and returns what the array kept. */
function before<T>(evictor: Evictor<any, TimeWindow>, elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
  evictor.evictBefore(elements, elements.length, win, ctx);
  return elements;
}

describe('CountEvictor', () => {
  it('keeps the last maxCount elements, in order, removing in place from the front', () => {
    const xs = at(1, 2, 3, 4, 5);
    const same = xs;
    expect(values(before(CountEvictor.of(3), xs))).to.deep.equal([2, 3, 4]);
    expect(xs).to.equal(same);
    expect(values(before(CountEvictor.of(3), at(1, 2, 3)))).to.deep.equal([0, 1, 2]);
    expect(values(before(CountEvictor.of(3), at(1)))).to.deep.equal([0]);
    expect(before(CountEvictor.of(3), [])).to.deep.equal([]);
  });

  it('acts before the window function by default, after it with doEvictAfter', () => {
    const xs = at(1, 2, 3, 4);
    const after = CountEvictor.of(2, true);
    after.evictBefore(xs, xs.length, win, ctx);
    expect(xs).to.have.length(4);
    after.evictAfter(xs, xs.length, win, ctx);
    expect(values(xs)).to.deep.equal([2, 3]);
    const plain = CountEvictor.of(2);
    const ys = at(1, 2, 3, 4);
    plain.evictAfter(ys, ys.length, win, ctx);
    expect(ys).to.have.length(4);
  });

  it('equals “the last n” for any input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer({ min: 1, max: 60 }), (ts, n) => {
        const xs = at(...ts);
        const expected = values(xs).slice(Math.max(0, xs.length - n));
        expect(values(before(CountEvictor.of(n), xs))).to.deep.equal(expected);
      }),
    );
  });

  it('refuses a count below 1 or not whole, and a doEvictAfter that is not a boolean, naming the evictor and the value', () => {
    expect(() => CountEvictor.of(0)).to.throw(ConfigurationError, /CountEvictor\.of: maxCount must be a whole number of elements ≥ 1, got 0/);
    expect(() => CountEvictor.of(-2)).to.throw(ConfigurationError, /got -2/);
    expect(() => CountEvictor.of(1.5)).to.throw(ConfigurationError, /got 1\.5/);
    expect(() => CountEvictor.of(2, 'yes' as never)).to.throw(ConfigurationError, /CountEvictor\.of: doEvictAfter must be true or false, got yes/);
    expect(CountEvictor.of(4).toString()).to.equal('CountEvictor(4)');
    expect(CountEvictor.of(4).getMaxCount()).to.equal(4);
  });
});

describe('TimeEvictor', () => {
  it('removes the elements at or before max timestamp − windowSize', () => {
    // max 5000, cutoff 2000: 1000 and 2000 (on the cutoff) go
    expect(before(TimeEvictor.of(3000), at(1000, 2000, 4000, 5000)).map((x) => x.timestamp)).to.deep.equal([4000, 5000]);
    // the newest is the largest timestamp, not the last element
    expect(before(TimeEvictor.of(3000), at(5000, 1000, 2001, 4000)).map((x) => x.timestamp)).to.deep.equal([5000, 2001, 4000]);
    expect(before(TimeEvictor.of(10), at(-30, -25, -21)).map((x) => x.timestamp)).to.deep.equal([-30, -25, -21]);
    expect(before(TimeEvictor.of(5), at(-30, -25, -21)).map((x) => x.timestamp)).to.deep.equal([-25, -21]);
    expect(before(TimeEvictor.of(5), [])).to.deep.equal([]);
  });

  it('does nothing when the elements have no timestamps (processing time)', () => {
    const xs = noTimestamp(1, 2, 3);
    expect(values(before(TimeEvictor.of(1), xs))).to.deep.equal([1, 2, 3]);
  });

  it('acts before by default, after with doEvictAfter', () => {
    const xs = at(0, 10, 20);
    const after = TimeEvictor.of(10, true);
    after.evictBefore(xs, 3, win, ctx);
    expect(xs).to.have.length(3);
    after.evictAfter(xs, 3, win, ctx);
    expect(xs.map((x) => x.timestamp)).to.deep.equal([20]);
  });

  it('equals a filter on the cutoff for any timestamps (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 1e5 }), (ts, size) => {
        const cutoff = Math.max(...ts) - size;
        expect(before(TimeEvictor.of(size), at(...ts)).map((x) => x.timestamp)).to.deep.equal(ts.filter((t) => t > cutoff));
      }),
    );
  });

  it('refuses a size that is not a positive whole number of ms', () => {
    expect(() => TimeEvictor.of(-1000)).to.throw(ConfigurationError, /TimeEvictor\.of: windowSize must be a whole number of milliseconds greater than 0, got -1000/);
    expect(() => TimeEvictor.of(0)).to.throw(ConfigurationError, /got 0/);
    expect(() => TimeEvictor.of(Infinity)).to.throw(ConfigurationError, /got Infinity/);
    expect(() => TimeEvictor.of(10, 1 as never)).to.throw(ConfigurationError, /TimeEvictor\.of: doEvictAfter must be true or false, got 1/);
    expect(TimeEvictor.of(10).toString()).to.equal('TimeEvictor(10)');
    expect(TimeEvictor.of(10).getWindowSize()).to.equal(10);
  });
});

describe('DeltaEvictor', () => {
  const distance = (a: number, b: number) => Math.abs(a - b);
  const of = (...vs: number[]): TimestampedValue<number>[] => vs.map((v, i) => ({ value: v, timestamp: i }));

  it('removes every element whose delta to the last one is at least the threshold', () => {
    // last 14: deltas 13, 4, 2, 0
    expect(values(before(DeltaEvictor.of(5, distance), of(1, 10, 12, 14)))).to.deep.equal([10, 12, 14]);
    // delta equal to the threshold goes too
    expect(values(before(DeltaEvictor.of(4, distance), of(1, 10, 12, 14)))).to.deep.equal([12, 14]);
    // an element far from the last goes even if it comes after a near one
    expect(values(before(DeltaEvictor.of(3, distance), of(13, 1, 12, 14)))).to.deep.equal([13, 12, 14]);
    expect(before(DeltaEvictor.of(3, distance), [])).to.deep.equal([]);
  });

  it('compares the last element with itself: a threshold ≤ 0 empties the window', () => {
    expect(values(before(DeltaEvictor.of(0, distance), of(1, 2, 3)))).to.deep.equal([]);
  });

  it('passes (element, last) to the delta function, and accepts Flink’s { getDelta } form', () => {
    const seen: Array<[number, number]> = [];
    before(
      DeltaEvictor.of(100, (a: number, b: number) => {
        seen.push([a, b]);
        return 0;
      }),
      of(1, 2, 3),
    );
    expect(seen).to.deep.equal([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(values(before(DeltaEvictor.of(5, { getDelta: distance }), of(1, 10)))).to.deep.equal([10]);
  });

  it('acts before by default, after with doEvictAfter', () => {
    const xs = of(1, 10);
    const after = DeltaEvictor.of(5, distance, true);
    after.evictBefore(xs, 2, win, ctx);
    expect(xs).to.have.length(2);
    after.evictAfter(xs, 2, win, ctx);
    expect(values(xs)).to.deep.equal([10]);
  });

  it('refuses a delta that is not a function and a threshold that is not a number, naming the evictor and the value', () => {
    expect(() => DeltaEvictor.of(5, 'abs' as never)).to.throw(ConfigurationError, /DeltaEvictor\.of: deltaFunction must be a function \(older, newer\) => number or an object with getDelta\(\), got string/);
    expect(() => DeltaEvictor.of(5, null as never)).to.throw(ConfigurationError, /got null/);
    expect(() => DeltaEvictor.of(Number.NaN, distance)).to.throw(ConfigurationError, /DeltaEvictor\.of: threshold must be a number, got NaN/);
    expect(() => DeltaEvictor.of('5' as never, distance)).to.throw(ConfigurationError, /threshold must be a number, got 5/);
    expect(DeltaEvictor.of(5, distance).toString()).to.equal('DeltaEvictor(5)');
  });
});

describe('Evictor (interface)', () => {
  it('a user evictor is a plain object with evictBefore and evictAfter', () => {
    const dropOdd: Evictor<number, TimeWindow> = {
      evictBefore(elements) {
        for (let i = elements.length - 1; i >= 0; i--) if (elements[i]!.value % 2 !== 0) elements.splice(i, 1);
      },
      evictAfter() {},
    };
    expect(values(before(dropOdd, of3()))).to.deep.equal([0, 2]);
  });
});

function of3(): TimestampedValue<number>[] {
  return at(7, 8, 9);
}
