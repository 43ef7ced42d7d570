/**
 * User functions, named and shaped as Flink's. Every transformation accepts a
 * plain JS function or an object with the method (`{ map(v) { … } }`); the
 * `Rich…` classes add `open`/`close` and {@link AbstractRichFunction.getRuntimeContext}.
 * Objects are copied once per parallel instance (a shallow copy keeping the
 * prototype), so a field assigned in a method belongs to one subtask, as in
 * Flink. Objects a field refers to are shared by the copies: create
 * per-instance things (counters, accumulators, connections) in `open()`.
 */
import { ConfigurationError } from '../errors.js';
import type { OutputTag } from './OutputTag.js';
import type { Accumulator } from './accumulators.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/State.js';
import type { AggregatingStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, ValueStateDescriptor } from '../state/StateDescriptor.js';

/** Emits records from a flatMap or process function. */
export interface Collector<T> {
  collect(record: T): void;
}

/** What a rich function learns about where it runs. */
export interface RuntimeContext {
  /** The operator's name. */
  getTaskName(): string;
  /** This parallel instance, 0-based. */
  getIndexOfThisSubtask(): number;
  /** The operator's parallelism. */
  getNumberOfParallelSubtasks(): number;
  /** The key-group count (Flink's max parallelism). */
  getMaxNumberOfParallelSubtasks(): number;
  /** The job's name. */
  getJobName(): string;
  /** Registers an accumulator of this instance under `name` (once per name). */
  addAccumulator<V, R>(name: string, accumulator: Accumulator<V, R>): void;
  /** This instance's accumulator `name`, if added. */
  getAccumulator<V, R>(name: string): Accumulator<V, R> | undefined;
  /** A value per key (keyed streams only; call it in `open()`, use it in `processElement`). */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  /** A list per key. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** A map per key. */
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  /** A value per key combined with each added value by the descriptor's reduce function. */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  /** An accumulator per key, fed by the descriptor's AggregateFunction. */
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** Base of functions with a lifecycle: `open` before the first record, `close` after the last (also after a failure). */
export abstract class AbstractRichFunction {
  private runtimeContext: RuntimeContext | undefined;

  /** @internal */
  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }

  /** The context of the parallel instance this function runs in; available from `open` on. */
  getRuntimeContext(): RuntimeContext {
    if (this.runtimeContext === undefined) {
      throw new ConfigurationError(`${this.constructor.name}: getRuntimeContext() is available once the job runs (from open() on)`);
    }
    return this.runtimeContext;
  }

  /** Called once before the first record. */
  open(): void | Promise<void> {}

  /** Called once at the end, after a failure too. */
  close(): void | Promise<void> {}
}

/** The lifecycle methods an object given as a function may have (rich functions have them). */
export interface RichMethods {
  open?(context: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

export type MapFunction<I, O> = ((value: I) => O) | ({ map(value: I): O } & RichMethods);
export type FlatMapFunction<I, O> = ((value: I, out: Collector<O>) => void) | ({ flatMap(value: I, out: Collector<O>): void } & RichMethods);
export type FilterFunction<T> = ((value: T) => boolean) | ({ filter(value: T): boolean } & RichMethods);
export type ReduceFunction<T> = ((a: T, b: T) => T) | ({ reduce(a: T, b: T): T } & RichMethods);
/** A process function: a function, a {@link ProcessFunction}, or an object with `processElement`. */
export type ProcessFunctionLike<I, O> = ((value: I, ctx: ProcessContext, out: Collector<O>) => void) | ({ processElement(value: I, ctx: ProcessContext, out: Collector<O>): void } & RichMethods);
/** A keyed process function: a function, a {@link KeyedProcessFunction}, or an object with `processElement`. */
export type KeyedProcessFunctionLike<K, I, O> =
  | ((value: I, ctx: KeyedProcessContext<K>, out: Collector<O>) => void)
  | ({ processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void; onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<O>): void } & RichMethods);
export type KeySelector<T, K> = ((value: T) => K) | { getKey(value: T): K };

/** A map function with a lifecycle. @example `class Scale extends RichMapFunction<number, number> { map(x) { return x * this.getRuntimeContext().getIndexOfThisSubtask(); } }` */
export abstract class RichMapFunction<I, O> extends AbstractRichFunction {
  abstract map(value: I): O;
}

/** A flatMap function with a lifecycle. */
export abstract class RichFlatMapFunction<I, O> extends AbstractRichFunction {
  abstract flatMap(value: I, out: Collector<O>): void;
}

/** A filter function with a lifecycle. */
export abstract class RichFilterFunction<T> extends AbstractRichFunction {
  abstract filter(value: T): boolean;
}

/** Time as an operator sees it, and timers (Flink's TimerService; timers need a keyed stream). */
export interface TimerService {
  /** The processing time (ms since the epoch, or the manual clock's time). */
  currentProcessingTime(): number;
  /** The operator's current event time: the minimum watermark of its inputs (−Infinity before the first). */
  currentWatermark(): number;
  /** Calls `onTimer` for the current key once the watermark reaches `time` (once per key and time). */
  registerEventTimeTimer(time: number): void;
  /** Calls `onTimer` for the current key once processing time reaches `time` (once per key and time). */
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** What a {@link ProcessFunction} may do besides emitting: side outputs, the record's timestamp, time. */
export interface ProcessContext {
  /** Emits `value` to the side output `tag` (read it with `getSideOutput(tag)`), with the record's timestamp. */
  output<X>(tag: OutputTag<X>, value: X): void;
  /** The record's event timestamp, or null if it has none (no `assignTimestampsAndWatermarks` upstream). */
  timestamp(): number | null;
  /** The current processing time and watermark. */
  timerService(): TimerService;
}

/**
 * Processes each record with access to side outputs.
 *
 * @example
 * ```ts
 * const odd = new OutputTag<number>('odd', Types.INT);
 * const even = env.fromSequence(1, 10).process(new (class extends ProcessFunction<number, number> {
 *   processElement(x: number, ctx: ProcessContext, out: Collector<number>) { if (x % 2) ctx.output(odd, x); else out.collect(x); }
 * })());
 * even.getSideOutput(odd).print();
 * ```
 */
export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
}

/** The context of a {@link KeyedProcessFunction}: the key of the record too. */
export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

/** The context of {@link KeyedProcessFunction.onTimer}: the timer's time domain; `timestamp()` is the timer's time. */
export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

/**
 * A {@link ProcessFunction} on a keyed stream, with keyed state
 * (`getRuntimeContext().getState(…)`) and timers
 * (`ctx.timerService().registerEventTimeTimer(t)` → `onTimer`).
 *
 * @example
 * ```ts
 * class CountWithTimeout extends KeyedProcessFunction<string, Click, string> {
 *   private count!: ValueState<number>;
 *   open() { this.count = this.getRuntimeContext().getState(new ValueStateDescriptor('count', Types.INT)); }
 *   processElement(c: Click, ctx: KeyedProcessContext<string>, out: Collector<string>) {
 *     this.count.update((this.count.value() ?? 0) + 1);
 *     ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 60_000);
 *   }
 *   onTimer(t: number, ctx: OnTimerContext<string>, out: Collector<string>) {
 *     out.collect(`${ctx.getCurrentKey()}: ${this.count.value()}`);
 *   }
 * }
 * ```
 */
export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  /** A timer registered by this function for the current key fired. */
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<O>): void {}
}

/** Maps each input of connected streams: `map1` for the first, `map2` for the second. */
export interface CoMapFunction<I1, I2, O> extends RichMethods {
  map1(value: I1): O;
  map2(value: I2): O;
}

/** flatMap over connected streams. */
export interface CoFlatMapFunction<I1, I2, O> extends RichMethods {
  flatMap1(value: I1, out: Collector<O>): void;
  flatMap2(value: I2, out: Collector<O>): void;
}

/** process over connected streams: a {@link CoProcessFunction} or an object with both methods. */
export interface CoProcessFunctionLike<I1, I2, O> extends RichMethods {
  processElement1(value: I1, ctx: ProcessContext, out: Collector<O>): void;
  processElement2(value: I2, ctx: ProcessContext, out: Collector<O>): void;
  /** On keyed connected streams: a timer fired (see {@link KeyedCoProcessFunction}). */
  onTimer?(timestamp: number, ctx: OnTimerContext<any>, out: Collector<O>): void;
}

/** process over connected streams, with side outputs. */
export abstract class CoProcessFunction<I1, I2, O> extends AbstractRichFunction {
  abstract processElement1(value: I1, ctx: ProcessContext, out: Collector<O>): void;
  abstract processElement2(value: I2, ctx: ProcessContext, out: Collector<O>): void;
}

/**
 * A {@link CoProcessFunction} on keyed connected streams
 * (`a.connect(b).keyBy(k1, k2).process(…)`): both inputs share the keyed
 * state and timers of their key.
 */
export abstract class KeyedCoProcessFunction<K, I1, I2, O> extends AbstractRichFunction {
  abstract processElement1(value: I1, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  abstract processElement2(value: I2, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  /** A timer registered for the current key fired. */
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<O>): void {}
}

/** What a sink learns with each record. */
export interface SinkContext {
  /** The sink's parallel instance, 0-based. */
  readonly subtask: number;
  /** The record's event timestamp, or null if it has none. */
  timestamp(): number | null;
  /** The sink's current watermark. */
  currentWatermark(): number;
}

/**
 * A sink. `invoke` may return a promise: the next record waits for it, so a
 * slow sink backpressures the job instead of piling records up.
 */
export interface SinkFunction<T> {
  open?(context: RuntimeContext): void | Promise<void>;
  invoke(value: T, context: SinkContext): void | Promise<void>;
  /** Called once after the last record of a job that ends normally (flush here). */
  finish?(): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * @internal A function, or the named method of an object, as a callable.
 * Every operator instance gets a shallow copy of an object, with the same
 * prototype, so that instances, operators and runs do not share its fields
 * (ES private fields `#x` do not survive the copy; the error then says so).
 */
export function bindUserFunction<F extends (...args: any[]) => any>(fn: unknown, method: string, what: string): { call: F; instance: object | undefined } {
  if (typeof fn === 'function') return { call: fn as F, instance: undefined };
  if (fn !== null && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[method] === 'function') {
    const instance = Object.assign(Object.create(Object.getPrototypeOf(fn) as object) as object, fn);
    const m = (instance as Record<string, F>)[method]!;
    // A fixed arity (user functions take at most three arguments) keeps the call cheap.
    return { call: ((a: unknown, b: unknown, c: unknown) => m.call(instance, a, b, c)) as F, instance };
  }
  throw new ConfigurationError(`${what}: expected a function or an object with a ${method}() method, got ${fn === null ? 'null' : typeof fn}`);
}

