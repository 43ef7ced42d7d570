/**
 * Window functions, named and shaped as Flink's: what runs when a window
 * fires, given the window's elements (or the single pre-aggregated value when
 * combined with `reduce`/`aggregate`).
 *
 * - {@link ProcessWindowFunction} (keyed) / {@link ProcessAllWindowFunction}
 *   (non-keyed): the elements plus a context with the window, the clocks,
 *   per-window and per-key state and side outputs; `clear` is called when the
 *   window is cleaned up, to drop per-window state.
 * - {@link WindowFunction} / {@link AllWindowFunction}: Flink's older form,
 *   `apply(key, window, input, out)`.
 *
 * As with the other user functions, each accepts a plain function or an
 * object with the method (the `…Like` unions); the abstract classes add
 * `open`/`close` and the runtime context.
 *
 * @example
 * ```ts
 * class CountPerWindow extends ProcessWindowFunction<Click, string, string, TimeWindow> {
 *   process(user: string, ctx: ProcessWindowContext<TimeWindow>, clicks: Iterable<Click>, out: Collector<string>) {
 *     let n = 0;
 *     for (const _ of clicks) n++;
 *     out.collect(`${user}: ${n} clicks in [${ctx.window.start}, ${ctx.window.end})`);
 *   }
 * }
 * clicks.keyBy((c) => c.user).window(TumblingEventTimeWindows.of(Time.minutes(1))).process(new CountPerWindow());
 * ```
 */
import { AbstractRichFunction, type Collector, type RichMethods } from '../datastream/functions.js';
import type { OutputTag } from '../datastream/OutputTag.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/State.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/StateDescriptor.js';

/**
 * Access to keyed state from a window function: per window
 * ({@link ProcessWindowContext.windowState}) or per key across windows
 * ({@link ProcessWindowContext.globalState}).
 */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** What a {@link ProcessAllWindowFunction} learns besides the elements. */
export interface ProcessAllWindowContext<W> {
  /** The window that fired. */
  readonly window: W;
  /** State of the current window (for the current key, on a keyed stream); clear it in `clear(context)`. */
  windowState(): KeyedStateStore;
  /** State of the current key across all its windows. */
  globalState(): KeyedStateStore;
  /** Emits `value` to the side output `tag`. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** What a {@link ProcessWindowFunction} learns besides the key and the elements. */
export interface ProcessWindowContext<W> extends ProcessAllWindowContext<W> {
  /** The current processing time (ms). */
  currentProcessingTime(): number;
  /** The current event-time watermark (ms). */
  currentWatermark(): number;
}

/**
 * Processes the elements of one key's window when it fires, with access to
 * the window, the clocks, per-window and per-key state and side outputs.
 * `clear` runs when the window is cleaned up (its end plus the allowed
 * lateness): drop per-window state there.
 *
 * @example
 * ```ts
 * class Average extends ProcessWindowFunction<number, number, string, TimeWindow> {
 *   process(_key: string, _ctx: ProcessWindowContext<TimeWindow>, xs: Iterable<number>, out: Collector<number>) {
 *     let sum = 0, n = 0;
 *     for (const x of xs) { sum += x; n++; }
 *     out.collect(sum / n);
 *   }
 * }
 * ```
 */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W> extends AbstractRichFunction {
  /** Evaluates the window: called on each FIRE with its contents. */
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;

  /** Called when the window is cleaned up; drops what the function kept in `context.windowState()`. */
  clear(_context: ProcessWindowContext<W>): void {}
}

/**
 * A {@link ProcessWindowFunction} on a non-keyed stream (`windowAll`).
 *
 * @example
 * ```ts
 * class Max extends ProcessAllWindowFunction<number, number, TimeWindow> {
 *   process(_ctx: ProcessAllWindowContext<TimeWindow>, xs: Iterable<number>, out: Collector<number>) { out.collect(Math.max(...xs)); }
 * }
 * ```
 */
export abstract class ProcessAllWindowFunction<IN, OUT, W> extends AbstractRichFunction {
  abstract process(context: ProcessAllWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;

  /** Called when the window is cleaned up. */
  clear(_context: ProcessAllWindowContext<W>): void {}
}

/** A process window function: a {@link ProcessWindowFunction}, a function, or an object with `process` (and optionally `clear`). */
export type ProcessWindowFunctionLike<IN, OUT, KEY, W> =
  | ((key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void)
  | ({ process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void; clear?(context: ProcessWindowContext<W>): void } & RichMethods);

/** A process all-window function: a {@link ProcessAllWindowFunction}, a function, or an object with `process`. */
export type ProcessAllWindowFunctionLike<IN, OUT, W> =
  | ((context: ProcessAllWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void)
  | ({ process(context: ProcessAllWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void; clear?(context: ProcessAllWindowContext<W>): void } & RichMethods);

/**
 * Flink's older window function: `apply(key, window, input, out)`, a function
 * or an object with `apply`. Prefer {@link ProcessWindowFunction}, which also
 * has state and side outputs.
 *
 * @example
 * ```ts
 * const sizes: WindowFunction<number, string, string, TimeWindow> = (key, window, xs, out) =>
 *   out.collect(`${key} ${window.start}: ${[...xs].length}`);
 * ```
 */
export type WindowFunction<IN, OUT, KEY, W> =
  | ((key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void)
  | ({ apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void } & RichMethods);

/** {@link WindowFunction} on a non-keyed stream: `apply(window, input, out)`. */
export type AllWindowFunction<IN, OUT, W> =
  | ((window: W, input: Iterable<IN>, out: Collector<OUT>) => void)
  | ({ apply(window: W, input: Iterable<IN>, out: Collector<OUT>): void } & RichMethods);
