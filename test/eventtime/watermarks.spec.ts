// Watermark strategies against Flink's semantics: the bounded-out-of-
// orderness watermark is max timestamp − bound − 1, monotonous is bound 0,
// idleness marks an input idle after the timeout and active on the next event.
import { expect } from 'chai';
import fc from 'fast-check';
import { Time, WatermarkStrategy, type WatermarkOutput } from 'weir';

function recorder() {
  const log: string[] = [];
  const output: WatermarkOutput = {
    emitWatermark: (ts) => log.push(`wm ${ts}`),
    markIdle: () => log.push('idle'),
    markActive: () => log.push('active'),
  };
  return { log, output };
}

function manualClock(start = 0) {
  let now = start;
  return { currentProcessingTime: () => now, advance: (ms: number) => (now += ms) };
}

describe('WatermarkStrategy', () => {
  it('forBoundedOutOfOrderness emits the largest timestamp seen minus the bound minus 1, never going back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 50 }), fc.integer({ min: 0, max: 10_000 }), (timestamps, bound) => {
        const generator = WatermarkStrategy.forBoundedOutOfOrderness<number>(bound).createWatermarkGenerator(manualClock());
        const { log, output } = recorder();
        let max = Number.NEGATIVE_INFINITY;
        const expected: string[] = [];
        for (const t of timestamps) {
          generator.onEvent(t, t, output);
          max = Math.max(max, t);
          generator.onPeriodicEmit(output);
          expected.push(`wm ${max - bound - 1}`);
        }
        expect(log).to.deep.equal(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('before any event the watermark is -Infinity; monotonous timestamps trail by 1 ms', () => {
    const g = WatermarkStrategy.forMonotonousTimestamps<string>().createWatermarkGenerator(manualClock());
    const { log, output } = recorder();
    g.onPeriodicEmit(output);
    g.onEvent('a', Time.seconds(10), output);
    g.onPeriodicEmit(output);
    expect(log).to.deep.equal(['wm -Infinity', 'wm 9999']);
  });

  it('noWatermarks emits none', () => {
    const g = WatermarkStrategy.noWatermarks<number>().createWatermarkGenerator(manualClock());
    const { log, output } = recorder();
    g.onEvent(1, 1000, output);
    g.onPeriodicEmit(output);
    expect(log).to.deep.equal([]);
  });

  it('withIdleness marks the input idle after the timeout without events, and active again on the next event', () => {
    const clock = manualClock(1000);
    const g = WatermarkStrategy.forBoundedOutOfOrderness<number>(100).withIdleness(Time.seconds(1)).createWatermarkGenerator(clock);
    const { log, output } = recorder();
    g.onEvent(0, 500, output);
    clock.advance(400);
    g.onPeriodicEmit(output); // 400 ms quiet: still active
    clock.advance(600);
    g.onPeriodicEmit(output); // 1000 ms quiet: idle
    g.onPeriodicEmit(output); // stays idle, emits nothing
    clock.advance(50);
    g.onEvent(0, 900, output); // active again
    g.onPeriodicEmit(output);
    expect(log).to.deep.equal(['wm 399', 'idle', 'active', 'wm 799']);
  });

  it('withTimestampAssigner keeps the generator and adds the assigner', () => {
    const s = WatermarkStrategy.forBoundedOutOfOrderness<{ at: number }>(0).withTimestampAssigner((e) => e.at);
    expect(s.assigner!({ at: 42 }, Number.NEGATIVE_INFINITY)).to.equal(42);
    const g = s.createWatermarkGenerator(manualClock());
    const { log, output } = recorder();
    g.onEvent({ at: 42 }, 42, output);
    g.onPeriodicEmit(output);
    expect(log).to.deep.equal(['wm 41']);
  });

  it('a custom generator is made once per call (one per source instance)', () => {
    let made = 0;
    const s = WatermarkStrategy.forGenerator<number>(() => {
      made++;
      return { onEvent: () => undefined, onPeriodicEmit: (out) => out.emitWatermark(7) };
    });
    s.createWatermarkGenerator(manualClock());
    s.createWatermarkGenerator(manualClock());
    expect(made).to.equal(2);
  });

  it('refuses bad bounds, timeouts and functions with a clear error', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).to.throw(/the bound must be a whole number of milliseconds ≥ 0, got -1/);
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(1.5)).to.throw(/got 1.5/);
    expect(() => WatermarkStrategy.noWatermarks().withIdleness(0)).to.throw(/withIdleness: the timeout must be .* > 0, got 0/);
    expect(() => WatermarkStrategy.noWatermarks().withTimestampAssigner(5 as never)).to.throw(/withTimestampAssigner: expected a function/);
    expect(() => WatermarkStrategy.forGenerator(null as never)).to.throw(/forGenerator: expected a function/);
  });
});
