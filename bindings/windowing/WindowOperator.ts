/**
 * WindowOperator: keyed windows as Flink's WindowOperator runs them. Each
 * element goes into the windows its assigner gives it; the window's contents
 * live in keyed state of the operator's state backend (bytes in managed
 * memory), namespaced by the window: the running value for `reduce`, the
 * accumulator for `aggregate`, the elements for `process`/`apply` and for
 * any window with an evictor. The trigger decides per element and per timer
 * whether a window fires (the function sees its contents) and/or purges.
 *
 * Time: timers live in the backend too, per key and window. A watermark
 * fires the event-time timers it passes; processing-time timers fire on the
 * job's ProcessingTimeService. Every window gets a cleanup timer at
 * `maxTimestamp + allowedLateness` (event time) or `maxTimestamp`
 * (processing time) that drops its state, trigger state and the function's
 * window state.
 *
 * Lateness: a window is late once its cleanup time is at or behind the
 * watermark; an element whose windows are all late is late: it goes to the
 * late side output if one is set, else it is dropped and counted in
 * `numLateRecordsDropped`. A late element within the allowed lateness makes
 * the event-time trigger fire the window again at once.
 *
 * Merging (session windows): per key a {@link MergingWindowSet} maps each
 * merged window to the window its state is kept under, so merging moves no
 * state but the merged-away windows' contents into that one.
 */
import { ConfigurationError } from '../errors.js';
import type { Collector } from '../datastream/functions.js';
import type { OutputTag } from '../datastream/OutputTag.js';
import type { InternalKvState, State } from '../state/State.js';
import { ListStateDescriptor, type StateDescriptor } from '../state/StateDescriptor.js';
import { StreamOperator, type OperatorInfo } from '../runtime/StreamOperator.js';
import { NO_TIMESTAMP } from '../runtime/time.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';
import type { Evictor, EvictorContext, TimestampedValue } from './Evictor.js';
import type { KeyedStateStore, ProcessWindowContext } from './functions.js';
import { GlobalWindow, TimeWindow } from './TimeWindow.js';
import type { MergingStateDescriptor, OnMergeContext, Trigger, TriggerContext, TriggerResult } from './Trigger.js';
import { MergingWindowAssigner, type WindowAssigner } from './WindowAssigner.js';
import type { KeyedTimers } from '../state/KeyedOperatorState.js';
import { MergingWindowSet } from './MergingWindowSet.js';

type Window = TimeWindow | GlobalWindow;

/**
 * What runs when a window fires, over the state's contents: the element list,
 * or the single reduced / aggregated value.
 * @internal
 */
export interface InternalWindowFunction<C, OUT> {
  /** The user objects to open/close with the operator. */
  readonly functions: object[];
  process(key: unknown, window: Window, context: WindowContext, contents: C, out: Collector<OUT>): void;
  clear(window: Window, context: WindowContext): void;
}

/** How the operator keeps window contents. @internal */
export interface WindowContents<C> {
  /** The descriptor of the window state (list, reducing or aggregating). */
  descriptor: StateDescriptor<any>;
  /** Adds an element to the current window's state. */
  add(state: State, value: unknown, timestamp: number): void;
  /** The contents to fire with, or null when the window is empty. */
  get(state: State): C | null;
}

export interface WindowOperatorSpec<C, OUT> {
  assigner: WindowAssigner<any, Window>;
  trigger: Trigger<any, Window>;
  evictor: Evictor<any, Window> | undefined;
  allowedLateness: number;
  lateDataTag: OutputTag<any> | undefined;
  contents: WindowContents<C>;
  fn: InternalWindowFunction<C, OUT>;
}

/** The `context` of window functions (ProcessWindowFunction's Context). @internal */
export class WindowContext implements ProcessWindowContext<Window> {
  window!: Window;
  constructor(private readonly op: WindowOperator<any, any>) {}
  currentProcessingTime(): number {
    return this.op.time.now();
  }
  currentWatermark(): number {
    return this.op.currentWatermark;
  }
  windowState(): KeyedStateStore {
    // As Flink: the state of a session window would be left behind when it merges.
    if (this.op.isMerging) throw new ConfigurationError(`${this.op.info.name}: per-window state is not allowed when using merging windows (session windows); use globalState()`);
    return this.op.keyedState!.store(() => this.window, this.op.windowNamespace());
  }
  globalState(): KeyedStateStore {
    return this.op.keyedState!.store(undefined);
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.op.sideOutput(tag, value, this.window.maxTimestamp());
  }
}

export class WindowOperator<C, OUT> extends StreamOperator<unknown, OUT> {
  private readonly spec: WindowOperatorSpec<C, OUT>;
  private readonly isEventTime: boolean;
  private readonly merging: MergingWindowAssigner<unknown> | undefined;
  /** @internal */
  get isMerging(): boolean {
    return this.merging !== undefined;
  }
  private windowState: (State & InternalKvState<Window>) | undefined;
  private timers!: KeyedTimers<Window>;
  private mergingSets: MergingWindowSet | undefined;
  private readonly trigger: TriggerCtx;
  private readonly context: WindowContext;
  private readonly collector: Collector<OUT>;
  private readonly evictorContext: EvictorContext;
  private currentKey: unknown;

  constructor(info: OperatorInfo, spec: WindowOperatorSpec<C, OUT>) {
    super(info);
    this.spec = spec;
    this.isEventTime = spec.assigner.isEventTime();
    this.merging = spec.assigner instanceof MergingWindowAssigner ? spec.assigner : undefined;
    if (this.merging !== undefined && !spec.trigger.canMerge()) {
      throw new ConfigurationError(`${info.name}: the trigger ${spec.trigger.toString()} cannot be used with the merging assigner ${spec.assigner.toString()} (canMerge() is false)`);
    }
    for (const f of spec.fn.functions) this.lifecycle(f);
    this.trigger = new TriggerCtx(this);
    this.context = new WindowContext(this);
    this.collector = { collect: (record: OUT) => this.emit(record, this.context.window.maxTimestamp()) };
    this.evictorContext = { getCurrentProcessingTime: () => this.time.now(), getCurrentWatermark: () => this.currentWatermark };
  }

  override async open(): Promise<void> {
    if (this.keyContext === null) throw new ConfigurationError(`${this.info.name}: a window operator needs a keyed input (keyBy before window)`);
    await super.open();
  }

  // Window contents, timers and merging sets live in the keyed backend, made with the first key.
  private initState(): State & InternalKvState<Window> {
    const state = this.keyedState!;
    const windowState = state.partitioned(this.spec.contents.descriptor, this.windowNamespace()) as State & InternalKvState<Window>;
    this.windowState = windowState;
    this.timers = state.timers<Window>('window-timers', this.windowNamespace(), (window, time, eventTime) => this.onTimer(window, time, eventTime));
    if (this.merging !== undefined) this.mergingSets = new MergingWindowSet(this.merging, state.value('merging-window-set', Types.LIST(Types.DOUBLE)) as never);
    return windowState;
  }

  /** @internal */
  windowNamespace(): TypeInformation<Window> {
    return this.keyedState!.windowNamespace(this.spec.assigner);
  }

  processElement(value: unknown, timestamp: number): void {
    this.currentKey = this.keyedState!.currentKey;
    try {
      if (this.windowState === undefined) this.initState();
      const windows = this.spec.assigner.assignWindows(value, timestamp === NO_TIMESTAMP ? null : timestamp, this.trigger);
      const skipped = this.merging !== undefined ? this.addToMerging(value, timestamp, windows as TimeWindow[]) : this.addToWindows(value, timestamp, windows);
      if (skipped && this.isElementLate(timestamp)) {
        const tag = this.spec.lateDataTag;
        if (tag !== undefined) this.sideOutput(tag, value, timestamp);
        else this.numLateRecordsDropped++;
      }
    } catch (error) {
      throw this.failure(error, value);
    }
  }

  // True if no window took the element (all were late).
  private addToWindows(value: unknown, timestamp: number, windows: Window[]): boolean {
    let skipped = true;
    for (const window of windows) {
      if (this.isWindowLate(window)) continue;
      skipped = false;
      this.windowState!.setCurrentNamespace(window);
      this.spec.contents.add(this.windowState!, value, timestamp);
      this.trigger.window = window;
      this.act(this.spec.trigger.onElement(value, timestamp, window, this.trigger), window, window);
      this.registerCleanupTimer(window);
    }
    return skipped;
  }

  private addToMerging(value: unknown, timestamp: number, windows: TimeWindow[]): boolean {
    const set = this.mergingSets!;
    set.load(this.currentKey);
    let skipped = true;
    for (const window of windows) {
      const actual = set.addWindow(window, (result, merged, stateResult, mergedStates) => this.merge(result, merged, stateResult, mergedStates));
      if (this.isWindowLate(actual)) {
        set.retireWindow(actual);
        continue;
      }
      skipped = false;
      const stateWindow = set.getStateWindow(actual);
      if (stateWindow === undefined) throw new Error(`window ${actual.toString()} has no state window`);
      this.windowState!.setCurrentNamespace(stateWindow);
      this.spec.contents.add(this.windowState!, value, timestamp);
      this.trigger.window = actual;
      this.act(this.spec.trigger.onElement(value, timestamp, actual, this.trigger), actual, stateWindow);
      this.registerCleanupTimer(actual);
    }
    set.persist();
    return skipped;
  }

  private merge(result: TimeWindow, merged: TimeWindow[], stateResult: TimeWindow, mergedStates: TimeWindow[]): void {
    if (this.isEventTime && result.maxTimestamp() + this.spec.allowedLateness <= this.currentWatermark) {
      throw new Error(`The end timestamp of an event-time window cannot become earlier than the current watermark by merging (${result.toString()}, watermark ${this.currentWatermark})`);
    }
    if (!this.isEventTime && result.maxTimestamp() <= this.time.now()) {
      throw new Error(`The end timestamp of a processing-time window cannot become earlier than the current processing time by merging (${result.toString()})`);
    }
    this.trigger.window = result;
    this.trigger.mergedWindows = merged;
    this.spec.trigger.onMerge(result, this.trigger);
    this.trigger.mergedWindows = [];
    for (const m of merged) {
      this.trigger.window = m;
      this.spec.trigger.clear(m, this.trigger);
      this.deleteCleanupTimer(m);
    }
    if (mergedStates.length > 0) this.windowState!.mergeNamespaces!(stateResult, mergedStates);
  }

  // Applies a trigger's decision to `window`, whose contents are under `stateWindow`.
  private act(result: TriggerResult, window: Window, stateWindow: Window): void {
    if (!result.isFire() && !result.isPurge()) return;
    this.windowState!.setCurrentNamespace(stateWindow);
    if (result.isFire()) {
      const contents = this.spec.contents.get(this.windowState!);
      if (contents !== null) this.fire(window, stateWindow, contents);
      this.windowState!.setCurrentNamespace(stateWindow); // the function may have used other namespaces
    }
    if (result.isPurge()) this.windowState!.clear();
  }

  private fire(window: Window, stateWindow: Window, contents: C): void {
    this.context.window = window;
    const evictor = this.spec.evictor;
    if (evictor === undefined) {
      this.spec.fn.process(this.currentKey, window, this.context, contents, this.collector);
      return;
    }
    // With an evictor the contents are the timestamped elements; the evictor may drop some before and after.
    const elements = contents as unknown as TimestampedValue<unknown>[];
    const size = elements.length;
    evictor.evictBefore(elements, size, window, this.evictorContext);
    this.spec.fn.process(this.currentKey, window, this.context, elements.map((e) => e.value) as unknown as C, this.collector);
    evictor.evictAfter(elements, elements.length, window, this.evictorContext);
    this.windowState!.setCurrentNamespace(stateWindow);
    (this.windowState as unknown as { update(values: Iterable<unknown>): void }).update(elements);
  }

  /** @internal */
  sideOutput(tag: OutputTag<any>, value: unknown, timestamp: number): void {
    this.sideOutputs.get(tag.id)?.collect(value, timestamp);
  }

  private isWindowLate(window: Window): boolean {
    return this.isEventTime && this.cleanupTime(window) <= this.currentWatermark;
  }

  private isElementLate(timestamp: number): boolean {
    return this.isEventTime && timestamp + this.spec.allowedLateness <= this.currentWatermark;
  }

  private cleanupTime(window: Window): number {
    if (window instanceof GlobalWindow) return Infinity;
    return this.isEventTime ? window.maxTimestamp() + this.spec.allowedLateness : window.maxTimestamp();
  }

  private registerCleanupTimer(window: Window): void {
    const at = this.cleanupTime(window);
    if (at === Infinity) return;
    if (this.isEventTime) this.timers.registerEventTimeTimer(window, at);
    else this.registerProcessingTimer(window, at);
  }

  private deleteCleanupTimer(window: Window): void {
    const at = this.cleanupTime(window);
    if (at === Infinity) return;
    if (this.isEventTime) this.timers.deleteEventTimeTimer(window, at);
    else this.timers.deleteProcessingTimeTimer(window, at);
  }

  /** @internal a processing-time timer for the current key and `window`. */
  registerProcessingTimer(window: Window, time: number): void {
    this.timers.registerProcessingTimeTimer(window, time);
  }

  protected override onWatermark(timestamp: number): void {
    this.keyedState!.advanceWatermark(timestamp);
    this.forwardWatermark(timestamp);
  }

  private onTimer(window: Window, time: number, eventTime: boolean): void {
    this.currentKey = this.keyedState!.currentKey;
    this.trigger.window = window;
    let stateWindow: Window = window;
    const set = this.mergingSets;
    if (set !== undefined) {
      set.load(this.currentKey);
      const s = set.getStateWindow(window as TimeWindow);
      // A timer of a window that was merged away (its trigger did not delete it): nothing to do.
      if (s === undefined) return;
      stateWindow = s;
    }
    this.windowState!.setCurrentNamespace(stateWindow);
    try {
      const result = eventTime ? this.spec.trigger.onEventTime(time, window, this.trigger) : this.spec.trigger.onProcessingTime(time, window, this.trigger);
      this.act(result, window, stateWindow);
      if (eventTime === this.isEventTime && time === this.cleanupTime(window)) this.clearAllState(window, stateWindow);
      set?.persist();
    } catch (error) {
      throw this.failure(error, undefined, false);
    }
  }

  private clearAllState(window: Window, stateWindow: Window): void {
    this.windowState!.setCurrentNamespace(stateWindow);
    this.windowState!.clear();
    this.trigger.window = window;
    this.spec.trigger.clear(window, this.trigger);
    this.context.window = window;
    this.spec.fn.clear(window, this.context);
    this.mergingSets?.retireWindow(window as TimeWindow);
  }

  /** @internal for the trigger context */
  get timerService(): KeyedTimers<Window> {
    return this.timers;
  }
}

/** The trigger's view of the operator: timers and state of the current key and window. */
class TriggerCtx implements OnMergeContext {
  window!: Window;
  mergedWindows: Window[] = [];
  constructor(private readonly op: WindowOperator<any, any>) {}
  getCurrentProcessingTime(): number {
    return this.op.time.now();
  }
  getCurrentWatermark(): number {
    return this.op.currentWatermark;
  }
  registerProcessingTimeTimer(time: number): void {
    this.op.registerProcessingTimer(this.window, time);
  }
  registerEventTimeTimer(time: number): void {
    this.op.timerService.registerEventTimeTimer(this.window, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.op.timerService.deleteProcessingTimeTimer(this.window, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.op.timerService.deleteEventTimeTimer(this.window, time);
  }
  getPartitionedState(descriptor: StateDescriptor<any>): any {
    const state = this.op.keyedState!.partitioned(descriptor, this.op.windowNamespace());
    state.setCurrentNamespace(this.window);
    return state;
  }
  mergePartitionedState(descriptor: MergingStateDescriptor): void {
    if (this.mergedWindows.length === 0) return;
    const state = this.op.keyedState!.partitioned(descriptor, this.op.windowNamespace());
    state.mergeNamespaces!(this.window, this.mergedWindows);
  }
}

/** The element list of a window with an evictor: values with their timestamps. @internal */
export function evictingContents(type: TypeInformation<any> | undefined): WindowContents<TimestampedValue<unknown>[]> {
  const descriptor = new ListStateDescriptor<{ value: unknown; timestamp: number }>(
    'window-contents',
    Types.OBJECT({ value: type ?? Types.GENERIC, timestamp: Types.DOUBLE }) as never,
  );
  return {
    descriptor,
    add: (state, value, timestamp) => (state as unknown as { add(v: unknown): void }).add({ value, timestamp }),
    get: (state) => {
      const list = (state as unknown as { get(): TimestampedValue<unknown>[] }).get();
      return list.length === 0 ? null : list;
    },
  };
}
