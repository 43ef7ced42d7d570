// Triggers against Flink's documented behaviour and the cases of Flink's own
// trigger tests (EventTimeTriggerTest, CountTriggerTest, PurgingTriggerTest,
// Continuous…TriggerTest), driven by a small fake operator: reducing state per
// (window, descriptor name) in a Map, timer sets per window, a settable
// watermark and processing time. Timers fire as Flink's test harness fires
// them: the ones due when time advances, in time order (a timer registered
// while firing waits for the next advance).
import { expect } from 'chai';
import {
  ConfigurationError,
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  CountTrigger,
  EventTimeTrigger,
  GlobalWindow,
  NeverTrigger,
  ProcessAllWindowFunction,
  ProcessingTimeTrigger,
  ProcessWindowFunction,
  PurgingTrigger,
  TimeWindow,
  Trigger,
  TriggerResult,
  type AllWindowFunction,
  type Collector,
  type OnMergeContext,
  type ProcessAllWindowContext,
  type ProcessWindowContext,
  type ProcessWindowFunctionLike,
  type TriggerContext,
  type WindowFunction,
} from 'weir';

type Win = { maxTimestamp(): number; toString(): string };
type Descriptor = { name: string; kind: string; reduceFunction?: ((a: any, b: any) => any) | { reduce(a: any, b: any): any } };

/** A fake window operator for one key: state and timers per window, two clocks. */
class TriggerHarness<W extends Win> {
  watermark = -Infinity;
  processingTime = 0;
  /** `${window}|${descriptor name}` → value */
  readonly state = new Map<string, unknown>();
  readonly eventTimers = new Map<string, { window: W; time: number }>();
  readonly processingTimers = new Map<string, { window: W; time: number }>();

  constructor(readonly trigger: Trigger<unknown, W>) {}

  context(window: W, mergedWindows: W[] = []): OnMergeContext {
    const slot = (w: W, d: Descriptor) => `${w.toString()}|${d.name}`;
    const reducingState = (w: W, d: Descriptor) => {
      if (d.kind !== 'reducing') throw new Error(`the fake operator only has reducing state, asked for ${d.kind}`);
      const reduce = typeof d.reduceFunction === 'function' ? d.reduceFunction : (a: unknown, b: unknown) => (d.reduceFunction as { reduce(a: unknown, b: unknown): unknown }).reduce(a, b);
      const key = slot(w, d);
      return {
        get: () => (this.state.has(key) ? this.state.get(key) : null),
        add: (v: unknown) => this.state.set(key, this.state.has(key) ? reduce(this.state.get(key), v) : v),
        clear: () => void this.state.delete(key),
      };
    };
    const timerKey = (w: W, t: number) => `${w.toString()}@${t}`;
    const ctx = {
      getCurrentProcessingTime: () => this.processingTime,
      getCurrentWatermark: () => this.watermark,
      registerEventTimeTimer: (t: number) => void this.eventTimers.set(timerKey(window, t), { window, time: t }),
      registerProcessingTimeTimer: (t: number) => void this.processingTimers.set(timerKey(window, t), { window, time: t }),
      deleteEventTimeTimer: (t: number) => void this.eventTimers.delete(timerKey(window, t)),
      deleteProcessingTimeTimer: (t: number) => void this.processingTimers.delete(timerKey(window, t)),
      getPartitionedState: (d: Descriptor) => reducingState(window, d),
      mergePartitionedState: (d: Descriptor) => {
        const target = reducingState(window, d);
        for (const m of mergedWindows) {
          const source = reducingState(m, d);
          const v = source.get();
          if (v !== null) target.add(v);
          source.clear();
        }
      },
    };
    return ctx as unknown as OnMergeContext;
  }

  processElement(window: W, timestamp = 0, element: unknown = 1): TriggerResult {
    return this.trigger.onElement(element, timestamp, window, this.context(window));
  }

  /** Fires the event-time timers due at `time`, in time order; returns [window, time, result] per timer. */
  advanceWatermark(time: number): Array<[string, number, TriggerResult]> {
    this.watermark = time;
    return this.fire(this.eventTimers, time, (t, w) => this.trigger.onEventTime(t, w, this.context(w)));
  }

  advanceProcessingTime(time: number): Array<[string, number, TriggerResult]> {
    this.processingTime = time;
    return this.fire(this.processingTimers, time, (t, w) => this.trigger.onProcessingTime(t, w, this.context(w)));
  }

  private fire(timers: Map<string, { window: W; time: number }>, time: number, call: (t: number, w: W) => TriggerResult): Array<[string, number, TriggerResult]> {
    const due = [...timers.entries()].filter(([, t]) => t.time <= time).sort((a, b) => a[1].time - b[1].time);
    const results: Array<[string, number, TriggerResult]> = [];
    for (const [key, t] of due) {
      timers.delete(key);
      results.push([t.window.toString(), t.time, call(t.time, t.window)]);
    }
    return results;
  }

  /** The operator's merge: onMerge on the result, then clear on each merged-away window. */
  mergeWindows(target: W, merged: W[]): void {
    this.trigger.onMerge(target, this.context(target, merged));
    for (const m of merged) this.clear(m);
  }

  clear(window: W): void {
    this.trigger.clear(window, this.context(window));
  }

  numStateEntries(window?: W): number {
    return [...this.state.keys()].filter((k) => window === undefined || k.startsWith(`${window.toString()}|`)).length;
  }

  numEventTimeTimers(window?: W): number {
    return [...this.eventTimers.values()].filter((t) => window === undefined || t.window.toString() === window.toString()).length;
  }

  numProcessingTimeTimers(window?: W): number {
    return [...this.processingTimers.values()].filter((t) => window === undefined || t.window.toString() === window.toString()).length;
  }

  eventTimerTimes(window: W): number[] {
    return [...this.eventTimers.values()].filter((t) => t.window.toString() === window.toString()).map((t) => t.time).sort((a, b) => a - b);
  }
}

const w = (start: number, end: number) => new TimeWindow(start, end);
const { CONTINUE, FIRE, PURGE, FIRE_AND_PURGE } = TriggerResult;

describe('TriggerResult', () => {
  it('has Flink’s four results with their fire and purge flags', () => {
    expect([CONTINUE, FIRE, PURGE, FIRE_AND_PURGE].map((r) => [r.toString(), r.isFire(), r.isPurge()])).to.deep.equal([
      ['CONTINUE', false, false],
      ['FIRE', true, false],
      ['PURGE', false, true],
      ['FIRE_AND_PURGE', true, true],
    ]);
  });
});

describe('Trigger (base class)', () => {
  it('cannot merge unless it says so, and refuses onMerge with a ConfigurationError naming it', () => {
    class Plain extends Trigger<unknown, TimeWindow> {
      onElement() {
        return CONTINUE;
      }
      onEventTime() {
        return CONTINUE;
      }
      onProcessingTime() {
        return CONTINUE;
      }
      clear() {}
    }
    const t = new Plain();
    expect(t.canMerge()).to.equal(false);
    expect(() => t.onMerge(w(0, 2), new TriggerHarness(t).context(w(0, 2)))).to.throw(ConfigurationError, /Plain\(\) does not support merging windows/);
  });
});

describe('EventTimeTrigger', () => {
  it('fires each window when the watermark passes its maxTimestamp, windows kept apart (Flink’s window separation case)', () => {
    const h = new TriggerHarness(EventTimeTrigger.create());
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.processElement(w(2, 4))).to.equal(CONTINUE);
    expect(h.numStateEntries()).to.equal(0);
    expect(h.numProcessingTimeTimers()).to.equal(0);
    expect(h.numEventTimeTimers()).to.equal(2); // one per window: timers are deduplicated
    expect(h.advanceWatermark(1)).to.deep.equal([[w(0, 2).toString(), 1, FIRE]]);
    expect(h.numEventTimeTimers(w(2, 4))).to.equal(1);
    expect(h.advanceWatermark(3)).to.deep.equal([[w(2, 4).toString(), 3, FIRE]]);
    expect(h.numEventTimeTimers()).to.equal(0);
  });

  it('fires at once for an element of a window the watermark has passed, without a timer (late within lateness)', () => {
    const h = new TriggerHarness(EventTimeTrigger.create());
    h.advanceWatermark(2);
    expect(h.processElement(w(0, 2))).to.equal(FIRE); // maxTimestamp 1 <= 2
    expect(h.numEventTimeTimers()).to.equal(0);
    h.watermark = 1;
    expect(h.processElement(w(0, 2))).to.equal(FIRE); // maxTimestamp == watermark counts as passed
    expect(h.processElement(w(2, 4))).to.equal(CONTINUE);
    expect(h.eventTimerTimes(w(2, 4))).to.deep.equal([3]);
  });

  it('does not fire on other timers of the window (the operator’s cleanup timer at maxTimestamp + lateness)', () => {
    const t = EventTimeTrigger.create();
    const h = new TriggerHarness(t);
    expect(t.onEventTime(2, w(0, 2), h.context(w(0, 2)))).to.equal(CONTINUE);
    expect(t.onProcessingTime(1, w(0, 2), h.context(w(0, 2)))).to.equal(CONTINUE);
  });

  it('clear deletes only that window’s timer', () => {
    const h = new TriggerHarness(EventTimeTrigger.create());
    h.processElement(w(0, 2));
    h.processElement(w(2, 4));
    h.clear(w(2, 4));
    expect(h.numEventTimeTimers(w(2, 4))).to.equal(0);
    expect(h.numEventTimeTimers(w(0, 2))).to.equal(1);
    h.clear(w(0, 2));
    expect(h.numEventTimeTimers()).to.equal(0);
  });

  it('merging: the merged window gets a timer at its end, the merged-away windows lose theirs', () => {
    const t = EventTimeTrigger.create();
    expect(t.canMerge()).to.equal(true);
    const h = new TriggerHarness(t);
    h.processElement(w(0, 2));
    h.processElement(w(2, 4));
    h.mergeWindows(w(0, 4), [w(0, 2), w(2, 4)]);
    expect(h.numEventTimeTimers()).to.equal(1);
    expect(h.eventTimerTimes(w(0, 4))).to.deep.equal([3]);
    expect(h.advanceWatermark(4)).to.deep.equal([[w(0, 4).toString(), 3, FIRE]]);
  });

  it('merging: no timer when the watermark is already past the merged window’s end (the element fires it instead)', () => {
    const h = new TriggerHarness(EventTimeTrigger.create());
    h.processElement(w(0, 2));
    h.processElement(w(2, 4));
    h.watermark = 5;
    h.mergeWindows(w(0, 4), [w(0, 2), w(2, 4)]);
    expect(h.numEventTimeTimers()).to.equal(0);
    expect(h.processElement(w(0, 4))).to.equal(FIRE);
  });

  it('is named as in Flink', () => {
    expect(EventTimeTrigger.create().toString()).to.equal('EventTimeTrigger()');
  });
});

describe('ProcessingTimeTrigger', () => {
  it('fires each window when processing time reaches its maxTimestamp, windows kept apart', () => {
    const h = new TriggerHarness(ProcessingTimeTrigger.create());
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.processElement(w(2, 4))).to.equal(CONTINUE);
    expect(h.numStateEntries()).to.equal(0);
    expect(h.numEventTimeTimers()).to.equal(0);
    expect(h.numProcessingTimeTimers()).to.equal(2);
    expect(h.advanceProcessingTime(2)).to.deep.equal([[w(0, 2).toString(), 1, FIRE]]);
    expect(h.advanceProcessingTime(4)).to.deep.equal([[w(2, 4).toString(), 3, FIRE]]);
  });

  it('does not fire at once even when processing time is past the window: it registers the timer (Flink’s behaviour)', () => {
    const h = new TriggerHarness(ProcessingTimeTrigger.create());
    h.processingTime = 10;
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.numProcessingTimeTimers(w(0, 2))).to.equal(1);
    expect(h.advanceWatermark(100)).to.deep.equal([]);
  });

  it('clear deletes the window’s timer; merging registers the merged end unless processing time is past it', () => {
    const h = new TriggerHarness(ProcessingTimeTrigger.create());
    h.processElement(w(0, 2));
    h.processElement(w(2, 4));
    h.clear(w(0, 2));
    expect(h.numProcessingTimeTimers()).to.equal(1);
    h.processElement(w(0, 2));
    h.mergeWindows(w(0, 4), [w(0, 2), w(2, 4)]);
    expect(h.numProcessingTimeTimers()).to.equal(1);
    expect(h.numProcessingTimeTimers(w(0, 4))).to.equal(1);
    const late = new TriggerHarness(ProcessingTimeTrigger.create());
    late.processingTime = 3;
    late.mergeWindows(w(0, 4), []);
    expect(late.numProcessingTimeTimers()).to.equal(0);
    expect(ProcessingTimeTrigger.create().canMerge()).to.equal(true);
    expect(ProcessingTimeTrigger.create().toString()).to.equal('ProcessingTimeTrigger()');
  });
});

describe('CountTrigger', () => {
  it('fires every maxCount elements per window, the count kept in state per window and reset on fire (Flink’s case)', () => {
    const h = new TriggerHarness(CountTrigger.of<TimeWindow>(3));
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(h.processElement(w(2, 4))).to.equal(CONTINUE);
    expect(h.numStateEntries()).to.equal(2);
    expect(h.state.get(`${w(0, 2)}|count`)).to.equal(2);
    expect(h.numEventTimeTimers() + h.numProcessingTimeTimers()).to.equal(0);
    expect(h.processElement(w(0, 2))).to.equal(FIRE);
    expect(h.numStateEntries(w(0, 2))).to.equal(0); // cleared on fire
    expect(h.processElement(w(2, 4))).to.equal(CONTINUE);
    expect(h.processElement(w(2, 4))).to.equal(FIRE);
    expect(h.numStateEntries()).to.equal(0);
    expect(h.processElement(w(0, 2))).to.equal(CONTINUE); // counting again from 0
  });

  it('keeps nothing in the trigger object: one trigger serves many keys (fake operators) independently', () => {
    const trigger = CountTrigger.of<TimeWindow>(2);
    const a = new TriggerHarness(trigger);
    const b = new TriggerHarness(trigger);
    expect(a.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(b.processElement(w(0, 2))).to.equal(CONTINUE);
    expect(a.processElement(w(0, 2))).to.equal(FIRE);
    expect(b.processElement(w(0, 2))).to.equal(FIRE);
  });

  it('CountTrigger.of(1) fires on every element; timers do nothing', () => {
    const h = new TriggerHarness(CountTrigger.of<GlobalWindow>(1));
    expect(h.processElement(GlobalWindow.get())).to.equal(FIRE);
    expect(h.processElement(GlobalWindow.get())).to.equal(FIRE);
    const t = CountTrigger.of<GlobalWindow>(1);
    expect(t.onEventTime(0, GlobalWindow.get(), h.context(GlobalWindow.get()))).to.equal(CONTINUE);
    expect(t.onProcessingTime(0, GlobalWindow.get(), h.context(GlobalWindow.get()))).to.equal(CONTINUE);
  });

  it('merging adds the counts (a merge alone does not fire; the next element does)', () => {
    const t = CountTrigger.of<TimeWindow>(3);
    expect(t.canMerge()).to.equal(true);
    const h = new TriggerHarness(t);
    h.processElement(w(0, 2));
    h.processElement(w(0, 2));
    h.processElement(w(2, 4));
    h.mergeWindows(w(0, 4), [w(0, 2), w(2, 4)]);
    expect(h.numStateEntries()).to.equal(1);
    expect(h.state.get(`${w(0, 4)}|count`)).to.equal(3);
    expect(h.processElement(w(0, 4))).to.equal(FIRE);
  });

  it('clear drops the window’s count only', () => {
    const h = new TriggerHarness(CountTrigger.of<TimeWindow>(3));
    h.processElement(w(0, 2));
    h.processElement(w(2, 4));
    h.clear(w(2, 4));
    expect(h.numStateEntries()).to.equal(1);
    expect(h.numStateEntries(w(0, 2))).to.equal(1);
  });

  it('refuses a count below 1 or not whole, naming the trigger and the value', () => {
    expect(() => CountTrigger.of(0)).to.throw(ConfigurationError, /CountTrigger\.of: maxCount must be a whole number of elements ≥ 1, got 0/);
    expect(() => CountTrigger.of(-3)).to.throw(ConfigurationError, /got -3/);
    expect(() => CountTrigger.of(2.5)).to.throw(ConfigurationError, /got 2\.5/);
    expect(() => CountTrigger.of('3' as never)).to.throw(ConfigurationError, /got 3/);
    expect(CountTrigger.of(7).toString()).to.equal('CountTrigger(7)');
    expect(CountTrigger.of(7).getMaxCount()).to.equal(7);
  });
});

describe('PurgingTrigger', () => {
  /** A trigger that answers what it is told and records what it is asked. */
  class Scripted extends Trigger<unknown, TimeWindow> {
    answer: TriggerResult = CONTINUE;
    calls: string[] = [];
    onElement() {
      this.calls.push('onElement');
      return this.answer;
    }
    onEventTime() {
      this.calls.push('onEventTime');
      return this.answer;
    }
    onProcessingTime() {
      this.calls.push('onProcessingTime');
      return this.answer;
    }
    override canMerge() {
      return true;
    }
    override onMerge() {
      this.calls.push('onMerge');
    }
    clear() {
      this.calls.push('clear');
    }
  }

  it('turns every FIRE of the nested trigger into FIRE_AND_PURGE and passes the rest through (Flink’s case)', () => {
    const nested = new Scripted();
    const purging = PurgingTrigger.of(nested);
    const h = new TriggerHarness(purging);
    const expected = new Map([
      [CONTINUE, CONTINUE],
      [FIRE, FIRE_AND_PURGE],
      [PURGE, PURGE],
      [FIRE_AND_PURGE, FIRE_AND_PURGE],
    ]);
    for (const [given, wanted] of expected) {
      nested.answer = given;
      expect(h.processElement(w(0, 2))).to.equal(wanted);
      expect(purging.onEventTime(1, w(0, 2), h.context(w(0, 2)))).to.equal(wanted);
      expect(purging.onProcessingTime(1, w(0, 2), h.context(w(0, 2)))).to.equal(wanted);
    }
  });

  it('delegates merging and clear, and is named after the nested trigger', () => {
    const nested = new Scripted();
    const purging = PurgingTrigger.of(nested);
    const h = new TriggerHarness(purging);
    expect(purging.canMerge()).to.equal(true);
    h.mergeWindows(w(0, 4), [w(0, 2)]);
    expect(nested.calls).to.deep.equal(['onMerge', 'clear']);
    expect(PurgingTrigger.of(CountTrigger.of(5)).toString()).to.equal('PurgingTrigger(CountTrigger(5))');
    expect(PurgingTrigger.of(NeverTrigger.create()).canMerge()).to.equal(false);
    expect(purging.getNestedTrigger()).to.equal(nested);
  });

  it('batches of a count trigger: fires and purges every n elements', () => {
    const h = new TriggerHarness(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(2)));
    const g = GlobalWindow.get();
    expect([h.processElement(g), h.processElement(g), h.processElement(g), h.processElement(g)]).to.deep.equal([CONTINUE, FIRE_AND_PURGE, CONTINUE, FIRE_AND_PURGE]);
  });

  it('refuses what is not a Trigger', () => {
    expect(() => PurgingTrigger.of({} as never)).to.throw(ConfigurationError, /PurgingTrigger\.of: expected a Trigger .*got object/);
    expect(() => PurgingTrigger.of(null as never)).to.throw(ConfigurationError, /got null/);
  });
});

describe('ContinuousEventTimeTrigger', () => {
  it('fires every interval of event time, aligned to the interval, and at the window’s end; the last period is cut there', () => {
    const h = new TriggerHarness(ContinuousEventTimeTrigger.of(3000));
    const win = w(0, 10_000);
    expect(h.processElement(win, 500)).to.equal(CONTINUE);
    expect(h.processElement(win, 4000)).to.equal(CONTINUE); // the fire time is already set
    expect(h.eventTimerTimes(win)).to.deep.equal([3000, 9999]);
    expect(h.state.get(`${win}|fire-time`)).to.equal(3000);
    expect(h.advanceWatermark(2999)).to.deep.equal([]);
    expect(h.advanceWatermark(3000)).to.deep.equal([[win.toString(), 3000, FIRE]]);
    expect(h.advanceWatermark(7000)).to.deep.equal([[win.toString(), 6000, FIRE]]);
    expect(h.eventTimerTimes(win)).to.deep.equal([9000, 9999]);
    expect(h.advanceWatermark(9000)).to.deep.equal([[win.toString(), 9000, FIRE]]);
    expect(h.state.get(`${win}|fire-time`)).to.equal(9999); // min(9000 + 3000, maxTimestamp)
    expect(h.advanceWatermark(9999)).to.deep.equal([[win.toString(), 9999, FIRE]]); // one timer: the two coincide
    expect(h.numEventTimeTimers()).to.equal(0);
  });

  it('keeps the state of separate windows apart (Flink’s case)', () => {
    const h = new TriggerHarness(ContinuousEventTimeTrigger.of(3_600_000));
    expect(h.processElement(w(0, 2), 0)).to.equal(CONTINUE);
    expect(h.processElement(w(0, 2), 1)).to.equal(CONTINUE);
    expect(h.processElement(w(2, 4), 2)).to.equal(CONTINUE);
    expect(h.numStateEntries()).to.equal(2);
    expect(h.advanceWatermark(2).map(([win, , r]) => [win, r])).to.deep.equal([[w(0, 2).toString(), FIRE]]);
    expect(h.numEventTimeTimers(w(2, 4))).to.equal(1);
    expect(h.advanceWatermark(4).map(([win, , r]) => [win, r])).to.deep.equal([[w(2, 4).toString(), FIRE]]);
  });

  it('aligns the first period as Flink does, t - t % interval, which rounds negative timestamps towards zero', () => {
    const h = new TriggerHarness(ContinuousEventTimeTrigger.of(5));
    h.processElement(w(-20, 20), -7);
    expect(h.state.get(`${w(-20, 20)}|fire-time`)).to.equal(0); // -7 - (-2) + 5; rounding down would give -5
    const g = new TriggerHarness(ContinuousEventTimeTrigger.of<GlobalWindow>(5));
    g.processElement(GlobalWindow.get(), 12);
    expect(g.state.get(`${GlobalWindow.get()}|fire-time`)).to.equal(15);
  });

  it('fires at once for a late element, without state or timers; a timer with no state does nothing (Flink’s cases)', () => {
    const h = new TriggerHarness(ContinuousEventTimeTrigger.of(5));
    h.advanceWatermark(10);
    expect(h.processElement(w(0, 2), 1)).to.equal(FIRE);
    expect(h.numStateEntries() + h.numEventTimeTimers()).to.equal(0);
    const t = ContinuousEventTimeTrigger.of(5);
    expect(t.onEventTime(20, w(0, 2), h.context(w(0, 2)))).to.equal(CONTINUE); // a cleanup timer
  });

  it('clear drops the fire time and its timer, not the end-of-window timer (Flink’s case)', () => {
    const h = new TriggerHarness(ContinuousEventTimeTrigger.of(3000));
    h.processElement(w(0, 10_000), 100);
    h.processElement(w(10_000, 20_000), 10_100);
    expect(h.numEventTimeTimers()).to.equal(4);
    h.clear(w(10_000, 20_000));
    expect(h.numStateEntries()).to.equal(1);
    expect(h.eventTimerTimes(w(10_000, 20_000))).to.deep.equal([19_999]);
    h.clear(w(0, 10_000));
    expect(h.numStateEntries()).to.equal(0);
    expect(h.numEventTimeTimers()).to.equal(2);
  });

  it('merging keeps the earliest fire time and registers it for the merged window (Flink’s case)', () => {
    const t = ContinuousEventTimeTrigger.of(3000);
    expect(t.canMerge()).to.equal(true);
    const h = new TriggerHarness(t);
    h.processElement(w(0, 10_000), 4000); // fire time 6000
    h.processElement(w(10_000, 20_000), 11_000); // fire time 12000
    h.mergeWindows(w(0, 20_000), [w(0, 10_000), w(10_000, 20_000)]);
    expect(h.numStateEntries()).to.equal(1);
    expect(h.state.get(`${w(0, 20_000)}|fire-time`)).to.equal(6000);
    expect(h.eventTimerTimes(w(0, 20_000))).to.deep.equal([6000]);
    expect(h.numEventTimeTimers()).to.equal(5); // the old windows' timers are not cleaned up: their state was merged away
    const fired = h.advanceWatermark(6000).filter(([, , r]) => r.isFire());
    expect(fired).to.deep.equal([[w(0, 20_000).toString(), 6000, FIRE]]);
  });

  it('an element without a timestamp (-Infinity) starts no periods; the window still fires at its end', () => {
    const h = new TriggerHarness(ContinuousEventTimeTrigger.of(5));
    h.processElement(w(0, 100), -Infinity);
    expect(h.numStateEntries()).to.equal(0);
    expect(h.eventTimerTimes(w(0, 100))).to.deep.equal([99]);
  });

  it('refuses an interval that is not a positive whole number of ms, naming the trigger and the value', () => {
    expect(() => ContinuousEventTimeTrigger.of(0)).to.throw(ConfigurationError, /ContinuousEventTimeTrigger\.of: interval must be a whole number of milliseconds greater than 0, got 0/);
    expect(() => ContinuousEventTimeTrigger.of(-1000)).to.throw(ConfigurationError, /got -1000/);
    expect(() => ContinuousEventTimeTrigger.of(0.5)).to.throw(ConfigurationError, /got 0\.5/);
    expect(ContinuousEventTimeTrigger.of(5).toString()).to.equal('ContinuousEventTimeTrigger(5)');
    expect(ContinuousEventTimeTrigger.of(5).getInterval()).to.equal(5);
  });
});

describe('ContinuousProcessingTimeTrigger', () => {
  it('fires every interval of processing time and at the window’s end (Flink’s firing case: window [0, 10), interval 5)', () => {
    const t = ContinuousProcessingTimeTrigger.of(5);
    expect(t.canMerge()).to.equal(true);
    const h = new TriggerHarness(t);
    const first = w(0, 10);
    h.processingTime = 0;
    expect(h.processElement(first)).to.equal(CONTINUE);
    h.processingTime = 2;
    expect(h.processElement(first)).to.equal(CONTINUE);
    expect(h.advanceProcessingTime(5)).to.deep.equal([[first.toString(), 5, FIRE]]);
    h.processingTime = 7;
    h.processElement(first);
    expect(h.advanceProcessingTime(9)).to.deep.equal([[first.toString(), 9, FIRE]]); // min(10, maxTimestamp 9)
    h.clear(first); // the operator cleans a processing-time window up at its end
    expect(h.numProcessingTimeTimers(first)).to.equal(0);
    const second = w(10, 20);
    h.processingTime = 10;
    h.processElement(second);
    expect(h.advanceProcessingTime(15)).to.deep.equal([[second.toString(), 15, FIRE]]);
    h.processingTime = 18;
    h.processElement(second);
    expect(h.advanceProcessingTime(20)).to.deep.equal([[second.toString(), 19, FIRE]]);
    expect(h.numEventTimeTimers()).to.equal(0);
  });

  it('merging keeps the earliest fire time and registers it for the merged window (Flink’s session case)', () => {
    const h = new TriggerHarness(ContinuousProcessingTimeTrigger.of(5));
    h.processingTime = 0;
    h.processElement(w(0, 10)); // fire time 5
    h.processingTime = 2;
    h.mergeWindows(w(0, 12), [w(0, 10)]); // the element at 2, window [2, 12), merges into [0, 12)
    expect(h.processElement(w(0, 12))).to.equal(CONTINUE);
    expect(h.state.get(`${w(0, 12)}|fire-time`)).to.equal(5);
    const fire = (time: number) => h.advanceProcessingTime(time).filter(([, , r]) => r.isFire());
    expect(fire(5)).to.deep.equal([[w(0, 12).toString(), 5, FIRE]]);
    expect(fire(9)).to.deep.equal([]);
    expect(fire(10)).to.deep.equal([[w(0, 12).toString(), 10, FIRE]]);
    expect(fire(15)).to.deep.equal([[w(0, 12).toString(), 11, FIRE]]);
  });

  it('uses the processing time, not the element’s timestamp; clear drops state and timer', () => {
    const h = new TriggerHarness(ContinuousProcessingTimeTrigger.of<GlobalWindow>(1000));
    h.processingTime = 12_345;
    h.processElement(GlobalWindow.get(), 5);
    expect(h.state.get(`${GlobalWindow.get()}|fire-time`)).to.equal(13_000);
    expect(h.numProcessingTimeTimers()).to.equal(1);
    h.clear(GlobalWindow.get());
    expect(h.numProcessingTimeTimers() + h.numStateEntries()).to.equal(0);
    h.clear(GlobalWindow.get()); // nothing left: no error
  });

  it('refuses an interval that is not a positive whole number of ms', () => {
    expect(() => ContinuousProcessingTimeTrigger.of(-5)).to.throw(ConfigurationError, /ContinuousProcessingTimeTrigger\.of: interval must be a whole number of milliseconds greater than 0, got -5/);
    expect(() => ContinuousProcessingTimeTrigger.of(Number.NaN)).to.throw(ConfigurationError, /got NaN/);
    expect(ContinuousProcessingTimeTrigger.of(5).toString()).to.equal('ContinuousProcessingTimeTrigger(5)');
  });
});

describe('NeverTrigger', () => {
  it('never fires, keeps no state and sets no timers (GlobalWindows’ default)', () => {
    const h = new TriggerHarness(NeverTrigger.create());
    const g = GlobalWindow.get();
    for (let i = 0; i < 5; i++) expect(h.processElement(g)).to.equal(CONTINUE);
    expect(h.advanceWatermark(Infinity)).to.deep.equal([]);
    expect(h.numStateEntries() + h.numEventTimeTimers() + h.numProcessingTimeTimers()).to.equal(0);
    h.clear(g);
    expect(NeverTrigger.create().toString()).to.equal('NeverTrigger()');
  });
});

describe('window function types', () => {
  const context = <W>(window: W): ProcessWindowContext<W> => {
    const noStore = () => {
      throw new Error('no state in this test');
    };
    return {
      window,
      currentProcessingTime: () => 0,
      currentWatermark: () => 0,
      windowState: noStore,
      globalState: noStore,
      output: () => {},
    };
  };

  it('ProcessWindowFunction and ProcessAllWindowFunction: process with the context, clear is a no-op by default', () => {
    class Sizes extends ProcessWindowFunction<number, string, string, TimeWindow> {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, xs: Iterable<number>, out: Collector<string>) {
        out.collect(`${key} [${ctx.window.start}, ${ctx.window.end}) ${[...xs].length}`);
      }
    }
    class Total extends ProcessAllWindowFunction<number, number, TimeWindow> {
      process(_ctx: ProcessAllWindowContext<TimeWindow>, xs: Iterable<number>, out: Collector<number>) {
        let s = 0;
        for (const x of xs) s += x;
        out.collect(s);
      }
    }
    const got: unknown[] = [];
    const out = { collect: (x: unknown) => void got.push(x) };
    const f = new Sizes();
    f.process('a', context(w(0, 10)), [1, 2, 3], out);
    f.clear(context(w(0, 10)));
    new Total().process(context(w(0, 10)), [1, 2, 3], out);
    expect(got).to.deep.equal(['a [0, 10) 3', 6]);
    // every form a user may give is accepted by the …Like and function types
    const forms: Array<ProcessWindowFunctionLike<number, string, string, TimeWindow>> = [f, (k, _c, _xs, o) => o.collect(k), { process: (k, _c, _xs, o) => o.collect(k) }];
    const legacy: Array<WindowFunction<number, string, string, TimeWindow>> = [(k, win, _xs, o) => o.collect(`${k}${win.start}`), { apply: (k, _w, _xs, o) => o.collect(k) }];
    const all: AllWindowFunction<number, number, TimeWindow> = (_w, xs, o) => o.collect([...xs].length);
    expect(forms).to.have.length(3);
    expect(legacy).to.have.length(2);
    expect(typeof all).to.equal('function');
  });
});

// The fake operator's context must satisfy the real interfaces (checked by the compiler).
const _typeCheck: (h: TriggerHarness<TimeWindow>) => TriggerContext = (h) => h.context(w(0, 1));
void _typeCheck;
