/**
 * Trigger: decides when a window (a pane: the elements of one key in one
 * window) is evaluated, as Flink's `Trigger`. The window operator calls it for
 * every element added to a pane and for every timer the trigger registered,
 * and acts on the {@link TriggerResult}: FIRE evaluates the window function on
 * the pane's contents, PURGE drops the contents, FIRE_AND_PURGE does both.
 *
 * Invariants, as in Flink:
 * - A trigger object is shared by all keys and windows of an operator, so it
 *   keeps nothing in fields: whatever it must remember (a count, the next fire
 *   time) lives in state from {@link TriggerContext.getPartitionedState}, which
 *   is scoped to the current key and window.
 * - Timers are per key and window and deduplicated: registering the same time
 *   twice gives one callback.
 * - `clear` removes the trigger's state and the timers it can name; the
 *   operator calls it when the window is cleaned up (its cleanup time is
 *   `maxTimestamp + allowedLateness`) and for windows merged away.
 * - With a merging assigner (sessions) a trigger must return true from
 *   `canMerge` and implement `onMerge`: the operator first merges the trigger
 *   state of the old windows into the new one (`mergePartitionedState`), then
 *   clears the old windows.
 *
 * @example
 * ```ts
 * // Fires every 100 elements and once more when the watermark passes the end of the window.
 * class EveryHundredOrEnd extends Trigger<unknown, TimeWindow> {
 *   private readonly count = new ReducingStateDescriptor<number>('count', (a, b) => a + b);
 *   onElement(_e: unknown, _t: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
 *     ctx.registerEventTimeTimer(window.maxTimestamp());
 *     const count = ctx.getPartitionedState(this.count);
 *     count.add(1);
 *     if ((count.get() ?? 0) < 100) return TriggerResult.CONTINUE;
 *     count.clear();
 *     return TriggerResult.FIRE;
 *   }
 *   onEventTime(time: number, window: TimeWindow): TriggerResult {
 *     return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
 *   }
 *   onProcessingTime(): TriggerResult { return TriggerResult.CONTINUE; }
 *   clear(window: TimeWindow, ctx: TriggerContext): void {
 *     ctx.deleteEventTimeTimer(window.maxTimestamp());
 *     ctx.getPartitionedState(this.count).clear();
 *   }
 * }
 * ```
 */
import { ConfigurationError } from '../errors.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/State.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/StateDescriptor.js';

/**
 * What the window operator does with a pane after a trigger call: nothing
 * (CONTINUE), evaluate it (FIRE), drop its contents (PURGE), or both
 * (FIRE_AND_PURGE). The four values are the only instances; compare with `===`.
 *
 * @example
 * ```ts
 * TriggerResult.FIRE_AND_PURGE.isFire();  // true
 * TriggerResult.FIRE_AND_PURGE.isPurge(); // true
 * ```
 */
export class TriggerResult {
  /** Nothing happens to the window. */
  static readonly CONTINUE = new TriggerResult('CONTINUE', false, false);
  /** The window is evaluated; its contents stay. */
  static readonly FIRE = new TriggerResult('FIRE', true, false);
  /** The window's contents are dropped without evaluating it (its metadata, such as timers, stays). */
  static readonly PURGE = new TriggerResult('PURGE', false, true);
  /** The window is evaluated, then its contents are dropped. */
  static readonly FIRE_AND_PURGE = new TriggerResult('FIRE_AND_PURGE', true, true);

  private constructor(
    readonly name: 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE',
    private readonly fire: boolean,
    private readonly purge: boolean,
  ) {}

  /** True for FIRE and FIRE_AND_PURGE. */
  isFire(): boolean {
    return this.fire;
  }

  /** True for PURGE and FIRE_AND_PURGE. */
  isPurge(): boolean {
    return this.purge;
  }

  toString(): string {
    return this.name;
  }
}

/** The descriptors of states that can be merged when windows merge: lists, reducing and aggregating states. */
export type MergingStateDescriptor = ListStateDescriptor<any> | ReducingStateDescriptor<any> | AggregatingStateDescriptor<any, any, any>;

/**
 * What a trigger may ask of the window operator: the clocks, timers for the
 * current key and window, and state scoped to them.
 */
export interface TriggerContext {
  /** The current processing time (ms). */
  getCurrentProcessingTime(): number;
  /** The current event-time watermark (ms; -Infinity before the first, +Infinity at the end of input). */
  getCurrentWatermark(): number;
  /** Calls `onProcessingTime(time, …)` once processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Calls `onEventTime(time, …)` once the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  /** Deletes the processing-time timer at `time` (of the current key and window), if any. */
  deleteProcessingTimeTimer(time: number): void;
  /** Deletes the event-time timer at `time` (of the current key and window), if any. */
  deleteEventTimeTimer(time: number): void;
  /** The state of `descriptor`, scoped to the current key and window. */
  getPartitionedState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getPartitionedState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getPartitionedState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getPartitionedState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getPartitionedState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** The context of {@link Trigger.onMerge}: it can also merge the merged-away windows' state into the new window. */
export interface OnMergeContext extends TriggerContext {
  /**
   * Merges the state of `descriptor` of the windows being merged into the
   * state of the resulting window (lists concatenated, reducing and
   * aggregating states combined with their function).
   */
  mergePartitionedState(descriptor: MergingStateDescriptor): void;
}

/**
 * Decides when a window fires; see the file header for the contract. `T` is
 * the element type, `W` the window type.
 *
 * @example
 * ```ts
 * stream.keyBy((e) => e.user)
 *   .window(TumblingEventTimeWindows.of(Time.minutes(1)))
 *   .trigger(PurgingTrigger.of(CountTrigger.of(100)));
 * ```
 */
export abstract class Trigger<T, W> {
  /** Called for every element added to a pane; `timestamp` is the element's (or -Infinity when it has none). */
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;

  /** Called when a processing-time timer this trigger registered for `window` fires. */
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;

  /** Called when an event-time timer this trigger registered for `window` fires. */
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;

  /** True if the trigger can be used with a merging assigner; it must then implement {@link onMerge}. */
  canMerge(): boolean {
    return false;
  }

  /**
   * Called when windows have been merged into `window`; typically merges the
   * trigger's state and registers the timers the new window needs.
   */
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new ConfigurationError(`${this.toString()} does not support merging windows (canMerge() is false); it cannot be used with session windows`);
  }

  /** Removes the trigger's state and timers for `window`: the window is being cleaned up or was merged away. */
  abstract clear(window: W, ctx: TriggerContext): void;

  toString(): string {
    return `${this.constructor.name}()`;
  }
}
