/**
 * The built-in triggers, with Flink's semantics:
 *
 * - {@link EventTimeTrigger}: fires when the watermark reaches the window's
 *   `maxTimestamp()`; an element added to a window the watermark has already
 *   passed (a late element within the allowed lateness) fires it at once. The
 *   default of the event-time assigners.
 * - {@link ProcessingTimeTrigger}: fires when processing time reaches
 *   `maxTimestamp()`. The default of the processing-time assigners.
 * - {@link CountTrigger}: fires each time a pane has collected `n` elements.
 * - {@link PurgingTrigger}: turns every FIRE of another trigger into FIRE_AND_PURGE.
 * - {@link ContinuousEventTimeTrigger} / {@link ContinuousProcessingTimeTrigger}:
 *   fire every `interval` ms (of event or processing time) while the window
 *   is open, and at its end.
 * - {@link NeverTrigger}: never fires. The default of `GlobalWindows`.
 *
 * Counts and fire times live in `ReducingState` scoped to the key and window
 * (never in fields: one trigger object serves every key and window), so they
 * survive checkpoints and merge when session windows merge (counts add up;
 * of two fire times the earlier wins).
 *
 * @example
 * ```ts
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100))); // batches of 100
 * keyed.window(TumblingEventTimeWindows.of(Time.hours(1))).trigger(ContinuousEventTimeTrigger.of(Time.minutes(5)));
 * ```
 */
import { ConfigurationError } from '../errors.js';
import { ReducingStateDescriptor } from '../state/StateDescriptor.js';
import { Types } from '../types/Types.js';
import type { GlobalWindow, TimeWindow } from './TimeWindow.js';
import { Trigger, TriggerResult, type OnMergeContext, type TriggerContext } from './Trigger.js';

function positiveMillis(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`${what} must be a whole number of milliseconds greater than 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Fires once the watermark passes the end of the window (`maxTimestamp()`).
 * An element that arrives for a window the watermark has already passed, but
 * within the allowed lateness, fires the window again at once, with all of its
 * contents. Merges (sessions): the merged window gets a timer unless the
 * watermark is already past its end, in which case the element that caused the
 * merge fires it.
 *
 * @example
 * ```ts
 * keyed.window(EventTimeSessionWindows.withGap(Time.minutes(10))).trigger(EventTimeTrigger.create());
 * ```
 */
export class EventTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor() {
    super();
  }

  /** An event-time trigger (the default of event-time assigners). */
  static create(): EventTimeTrigger {
    return new EventTimeTrigger();
  }

  onElement(_element: unknown, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    // Other timers (the operator's cleanup timer at maxTimestamp + lateness) land here too.
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    // With the watermark past the merged window's end, onElement fires it; a timer would fire it twice.
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  override toString(): string {
    return 'EventTimeTrigger()';
  }
}

/**
 * Fires once processing time reaches the end of the window (`maxTimestamp()`).
 *
 * @example
 * ```ts
 * keyed.window(TumblingProcessingTimeWindows.of(Time.seconds(5))).trigger(ProcessingTimeTrigger.create());
 * ```
 */
export class ProcessingTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor() {
    super();
  }

  /** A processing-time trigger (the default of processing-time assigners). */
  static create(): ProcessingTimeTrigger {
    return new ProcessingTimeTrigger();
  }

  onElement(_element: unknown, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.FIRE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(window.maxTimestamp());
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }

  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}

/**
 * Fires each time the pane has collected `maxCount` elements since it last
 * fired (the count restarts at 0 after each FIRE; the contents stay unless it
 * is wrapped in a {@link PurgingTrigger}). The count is a `ReducingState`
 * named `count`; merged windows add their counts (a merge alone does not fire).
 *
 * @example
 * ```ts
 * keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(3)); // fires on elements 3, 6, 9, … of each key
 * ```
 */
export class CountTrigger<W = unknown> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('count', (a: number, b: number) => a + b, Types.LONG);

  private constructor(private readonly maxCount: number) {
    super();
  }

  /** A trigger that fires when a pane has `maxCount` (≥ 1) elements. */
  static of<W = unknown>(maxCount: number): CountTrigger<W> {
    if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 1) {
      throw new ConfigurationError(`CountTrigger.of: maxCount must be a whole number of elements ≥ 1, got ${String(maxCount)}`);
    }
    return new CountTrigger<W>(maxCount);
  }

  getMaxCount(): number {
    return this.maxCount;
  }

  onElement(_element: unknown, _timestamp: number, _window: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.stateDesc);
    count.add(1);
    if ((count.get() ?? 0) < this.maxCount) return TriggerResult.CONTINUE;
    count.clear();
    return TriggerResult.FIRE;
  }

  onEventTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
  }

  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.stateDesc).clear();
  }

  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}

/**
 * Wraps a trigger so that each of its FIREs becomes FIRE_AND_PURGE: the window
 * is evaluated, then emptied. Everything else (merging, clear) is the nested
 * trigger's.
 *
 * @example
 * ```ts
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100))); // disjoint batches of 100
 * ```
 */
export class PurgingTrigger<T, W> extends Trigger<T, W> {
  private constructor(private readonly nestedTrigger: Trigger<T, W>) {
    super();
  }

  /** A purging version of `nestedTrigger`. */
  static of<T, W>(nestedTrigger: Trigger<T, W>): PurgingTrigger<T, W> {
    if (!(nestedTrigger instanceof Trigger)) {
      throw new ConfigurationError(`PurgingTrigger.of: expected a Trigger (e.g. CountTrigger.of(10)), got ${nestedTrigger === null ? 'null' : typeof nestedTrigger}`);
    }
    return new PurgingTrigger(nestedTrigger);
  }

  getNestedTrigger(): Trigger<T, W> {
    return this.nestedTrigger;
  }

  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onElement(element, timestamp, window, ctx));
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onEventTime(time, window, ctx));
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onProcessingTime(time, window, ctx));
  }

  override canMerge(): boolean {
    return this.nestedTrigger.canMerge();
  }

  override onMerge(window: W, ctx: OnMergeContext): void {
    this.nestedTrigger.onMerge(window, ctx);
  }

  clear(window: W, ctx: TriggerContext): void {
    this.nestedTrigger.clear(window, ctx);
  }

  override toString(): string {
    return `PurgingTrigger(${this.nestedTrigger.toString()})`;
  }
}

function purging(result: TriggerResult): TriggerResult {
  return result.isFire() ? TriggerResult.FIRE_AND_PURGE : result;
}

const earliest = (a: number, b: number): number => Math.min(a, b);

/**
 * The next periodic fire time after `from`, capped at the window's last
 * timestamp so that the last period of a window fires on time (Flink's fix
 * FLINK-20443), stored and registered as a timer.
 */
function scheduleNextFire(from: number, interval: number, window: { maxTimestamp(): number }, fireTime: { add(value: number): void }, register: (time: number) => void): void {
  const next = Math.min(from + interval, window.maxTimestamp());
  fireTime.add(next);
  register(next);
}

/**
 * What the two continuous triggers share: the next fire time in a
 * `ReducingState` named `fire-time` (merged windows keep the earliest), its
 * timer in the trigger's time domain, firing and rescheduling when that timer
 * comes, and dropping both on clear.
 */
abstract class ContinuousTrigger<W extends { maxTimestamp(): number }> extends Trigger<unknown, W> {
  protected readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', earliest, Types.LONG);

  protected constructor(
    protected readonly interval: number,
    private readonly label: string,
  ) {
    super();
  }

  getInterval(): number {
    return this.interval;
  }

  /** A timer in the trigger's time domain. */
  protected abstract register(ctx: TriggerContext, time: number): void;
  protected abstract unregister(ctx: TriggerContext, time: number): void;

  /** Starts the periods at `from` if none is scheduled. */
  protected start(from: number, window: W, ctx: TriggerContext): void {
    const fireTime = ctx.getPartitionedState(this.stateDesc);
    if (fireTime.get() === null) scheduleNextFire(from - (from % this.interval), this.interval, window, fireTime, (t) => this.register(ctx, t));
  }

  /** A timer of the trigger's domain fired: FIRE and schedule the next period if it is the fire time. */
  protected fireTimer(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTime = ctx.getPartitionedState(this.stateDesc);
    // A timer without a matching fire time (say, the operator's cleanup timer) does nothing.
    if (fireTime.get() !== time) return TriggerResult.CONTINUE;
    fireTime.clear();
    scheduleNextFire(time, this.interval, window, fireTime, (t) => this.register(ctx, t));
    return TriggerResult.FIRE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== null) this.register(ctx, next);
  }

  clear(_window: W, ctx: TriggerContext): void {
    // An event-time trigger's timer at the window's end is left to fire (and do nothing) or be dropped with the window, as in Flink.
    const fireTime = ctx.getPartitionedState(this.stateDesc);
    const next = fireTime.get();
    if (next === null) return;
    this.unregister(ctx, next);
    fireTime.clear();
  }

  override toString(): string {
    return `${this.label}(${this.interval})`;
  }
}

/**
 * Fires every `interval` ms of event time while the window is open, and when
 * the watermark passes its end (as {@link EventTimeTrigger}). The periods are
 * aligned to multiples of `interval` counted from the first element's
 * timestamp (`t - t % interval`, which for negative timestamps rounds towards
 * zero, as in Flink); the last one is cut at the window's end. The next fire
 * time is a `ReducingState` named `fire-time`; merged windows keep the
 * earliest. An element without a timestamp (-Infinity) starts no periods.
 *
 * @example
 * ```ts
 * // Hourly windows with an early result every 5 minutes of event time.
 * keyed.window(TumblingEventTimeWindows.of(Time.hours(1))).trigger(ContinuousEventTimeTrigger.of(Time.minutes(5)));
 * ```
 */
export class ContinuousEventTimeTrigger<W extends { maxTimestamp(): number } = TimeWindow> extends ContinuousTrigger<W> {
  /** A trigger that fires every `interval` (> 0) ms of event time. */
  static of<W extends { maxTimestamp(): number } = TimeWindow>(interval: number): ContinuousEventTimeTrigger<W> {
    return new ContinuousEventTimeTrigger<W>(positiveMillis(interval, 'ContinuousEventTimeTrigger.of: interval'), 'ContinuousEventTimeTrigger');
  }

  protected register(ctx: TriggerContext, time: number): void {
    ctx.registerEventTimeTimer(time);
  }

  protected unregister(ctx: TriggerContext, time: number): void {
    ctx.deleteEventTimeTimer(time);
  }

  onElement(_element: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    if (Number.isFinite(timestamp)) this.start(timestamp, window, ctx);
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    return this.fireTimer(time, window, ctx);
  }

  onProcessingTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
}

/**
 * Fires every `interval` ms of processing time while the window holds
 * elements: the first period is aligned to a multiple of `interval` (`now -
 * now % interval`), the last one is cut at the window's `maxTimestamp()`. The
 * next fire time is a `ReducingState` named `fire-time`; merged windows keep
 * the earliest.
 *
 * @example
 * ```ts
 * // A running result every second for a global window per key.
 * keyed.window(GlobalWindows.create()).trigger(ContinuousProcessingTimeTrigger.of(Time.seconds(1)));
 * ```
 */
export class ContinuousProcessingTimeTrigger<W extends { maxTimestamp(): number } = TimeWindow> extends ContinuousTrigger<W> {
  /** A trigger that fires every `interval` (> 0) ms of processing time. */
  static of<W extends { maxTimestamp(): number } = TimeWindow>(interval: number): ContinuousProcessingTimeTrigger<W> {
    return new ContinuousProcessingTimeTrigger<W>(positiveMillis(interval, 'ContinuousProcessingTimeTrigger.of: interval'), 'ContinuousProcessingTimeTrigger');
  }

  protected register(ctx: TriggerContext, time: number): void {
    ctx.registerProcessingTimeTimer(time);
  }

  protected unregister(ctx: TriggerContext, time: number): void {
    ctx.deleteProcessingTimeTimer(time);
  }

  onElement(_element: unknown, _timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    this.start(ctx.getCurrentProcessingTime(), window, ctx);
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return this.fireTimer(time, window, ctx);
  }
}

/**
 * A trigger that never fires: the default of `GlobalWindows` (Flink's
 * `GlobalWindows.NeverTrigger`), so that a global window only fires with a
 * trigger of your own, such as {@link CountTrigger}.
 *
 * @example
 * ```ts
 * keyed.window(GlobalWindows.create()).trigger(NeverTrigger.create()); // collects, never emits
 * ```
 */
export class NeverTrigger extends Trigger<unknown, GlobalWindow> {
  private constructor() {
    super();
  }

  static create(): NeverTrigger {
    return new NeverTrigger();
  }

  onElement(_element: unknown, _timestamp: number, _window: GlobalWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: GlobalWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: GlobalWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  override onMerge(_window: GlobalWindow, _ctx: OnMergeContext): void {}

  clear(_window: GlobalWindow, _ctx: TriggerContext): void {}

  override toString(): string {
    return 'NeverTrigger()';
  }
}
