/**
 * Evictor: removes elements from a window's contents when it fires, before
 * the window function sees them (`evictBefore`) or after it has run
 * (`evictAfter`), as Flink's `Evictor`. An evictor changes the array it is
 * given in place; what remains is what the window keeps. Each built-in evictor
 * acts at one of the two points: before by default, after with
 * `doEvictAfter = true`.
 *
 * A window with an evictor keeps every element (no incremental
 * aggregation), each with its timestamp: {@link TimestampedValue}.
 *
 * - {@link CountEvictor}: keeps the last `maxCount` elements (in arrival order).
 * - {@link TimeEvictor}: keeps the elements within `windowSize` ms of the
 *   newest timestamp in the window.
 * - {@link DeltaEvictor}: removes each element whose delta to the last
 *   element is at least `threshold`.
 *
 * @example
 * ```ts
 * keyed.window(GlobalWindows.create())
 *   .trigger(CountTrigger.of(10))
 *   .evictor(CountEvictor.of(100)); // every 10 elements, the last 100
 * ```
 */
import { ConfigurationError } from '../errors.js';

/** An element of a window with its event timestamp (`-Infinity` when it has none). */
export interface TimestampedValue<T> {
  value: T;
  timestamp: number;
}

/** What an evictor may ask of the window operator. */
export interface EvictorContext {
  /** The current processing time (ms). */
  getCurrentProcessingTime(): number;
  /** The current event-time watermark (ms). */
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a firing window, in place. `size` is the number of
 * elements in `elements`.
 *
 * @example
 * ```ts
 * // Drops negative readings before the window function runs.
 * const dropNegative: Evictor<number, TimeWindow> = {
 *   evictBefore(elements) { for (let i = elements.length - 1; i >= 0; i--) if (elements[i]!.value < 0) elements.splice(i, 1); },
 *   evictAfter() {},
 * };
 * ```
 */
export interface Evictor<T, W> {
  /** Called before the window function, with the window's contents. */
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
  /** Called after the window function, with the contents it saw. */
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
}

/** Removes, in place and keeping the order, the elements for which `evict` is true. */
function removeWhere<T>(elements: T[], evict: (element: T) => boolean): void {
  let kept = 0;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (!evict(e)) elements[kept++] = e;
  }
  elements.length = kept;
}

/** The evictors of this file act at one point, chosen by `doEvictAfter`. */
abstract class OnePointEvictor<T, W> implements Evictor<T, W> {
  constructor(protected readonly doEvictAfter: boolean) {}

  evictBefore(elements: TimestampedValue<T>[], size: number, _window: W, _ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }

  evictAfter(elements: TimestampedValue<T>[], size: number, _window: W, _ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }

  protected abstract evict(elements: TimestampedValue<T>[], size: number): void;
}

function flag(value: unknown, who: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigurationError(`${who}: doEvictAfter must be true or false, got ${String(value)}`);
  return value;
}

/**
 * Keeps at most `maxCount` elements: when a window with more fires, the
 * oldest (first added) are removed.
 *
 * @example
 * ```ts
 * CountEvictor.of(100);       // the function sees at most the last 100 elements
 * CountEvictor.of(100, true); // it sees all; afterwards the window keeps the last 100
 * ```
 */
export class CountEvictor<W = unknown> extends OnePointEvictor<unknown, W> {
  private constructor(
    private readonly maxCount: number,
    doEvictAfter: boolean,
  ) {
    super(doEvictAfter);
  }

  /** Keeps `maxCount` (≥ 1) elements, evicting before the window function (or after, with `doEvictAfter`). */
  static of<W = unknown>(maxCount: number, doEvictAfter = false): CountEvictor<W> {
    if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 1) {
      throw new ConfigurationError(`CountEvictor.of: maxCount must be a whole number of elements ≥ 1, got ${String(maxCount)} (to empty a window after it fires, use PurgingTrigger)`);
    }
    return new CountEvictor<W>(maxCount, flag(doEvictAfter, 'CountEvictor.of'));
  }

  getMaxCount(): number {
    return this.maxCount;
  }

  protected evict(elements: TimestampedValue<unknown>[], size: number): void {
    if (size <= this.maxCount) return;
    elements.splice(0, size - this.maxCount);
  }

  override toString(): string {
    return `CountEvictor(${this.maxCount})`;
  }
}

/**
 * Keeps the elements of the last `windowSize` ms: with `max` the largest
 * timestamp in the window, elements with a timestamp `<= max - windowSize` are
 * removed. Does nothing when the elements have no timestamps (Flink looks at
 * the first element only; a window holds elements of one stream, which either
 * all have timestamps or none).
 *
 * @example
 * ```ts
 * TimeEvictor.of(Time.seconds(10)); // timestamps 0, 5000, 12000 → 5000 and 12000 stay (cutoff 2000)
 * ```
 */
export class TimeEvictor<W = unknown> extends OnePointEvictor<unknown, W> {
  private constructor(
    private readonly windowSize: number,
    doEvictAfter: boolean,
  ) {
    super(doEvictAfter);
  }

  /** Keeps `windowSize` (> 0) ms of elements, evicting before the window function (or after, with `doEvictAfter`). */
  static of<W = unknown>(windowSize: number, doEvictAfter = false): TimeEvictor<W> {
    if (typeof windowSize !== 'number' || !Number.isSafeInteger(windowSize) || windowSize <= 0) {
      throw new ConfigurationError(`TimeEvictor.of: windowSize must be a whole number of milliseconds greater than 0, got ${String(windowSize)}`);
    }
    return new TimeEvictor<W>(windowSize, flag(doEvictAfter, 'TimeEvictor.of'));
  }

  getWindowSize(): number {
    return this.windowSize;
  }

  protected evict(elements: TimestampedValue<unknown>[]): void {
    if (elements.length === 0 || elements[0]!.timestamp === -Infinity) return;
    let max = -Infinity;
    for (const e of elements) if (e.timestamp > max) max = e.timestamp;
    const cutoff = max - this.windowSize;
    removeWhere(elements, (e) => e.timestamp <= cutoff);
  }

  override toString(): string {
    return `TimeEvictor(${this.windowSize})`;
  }
}

/** Flink's DeltaFunction: a distance between two elements, `(older, newer) => number`. */
export type DeltaFunction<T> = ((oldDataPoint: T, newDataPoint: T) => number) | { getDelta(oldDataPoint: T, newDataPoint: T): number };

/**
 * Removes every element whose delta to the last element of the window
 * (`deltaFunction(element, last)`) is at least `threshold`. The last element
 * is compared with itself too: with a threshold ≤ its self-delta (0 for a
 * distance), it goes as well.
 *
 * @example
 * ```ts
 * // Keeps the readings within 5 degrees of the latest one.
 * DeltaEvictor.of(5, (a: Reading, b: Reading) => Math.abs(a.celsius - b.celsius));
 * ```
 */
export class DeltaEvictor<T, W = unknown> extends OnePointEvictor<T, W> {
  private constructor(
    private readonly threshold: number,
    private readonly delta: (oldDataPoint: T, newDataPoint: T) => number,
    doEvictAfter: boolean,
  ) {
    super(doEvictAfter);
  }

  /** Evicts the elements at `threshold` or more from the last one, before the window function (or after, with `doEvictAfter`). */
  static of<T, W = unknown>(threshold: number, deltaFunction: DeltaFunction<T>, doEvictAfter = false): DeltaEvictor<T, W> {
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw new ConfigurationError(`DeltaEvictor.of: threshold must be a number, got ${String(threshold)}`);
    }
    let delta: (a: T, b: T) => number;
    if (typeof deltaFunction === 'function') delta = deltaFunction;
    else if (deltaFunction !== null && typeof deltaFunction === 'object' && typeof deltaFunction.getDelta === 'function') delta = (a, b) => deltaFunction.getDelta(a, b);
    else {
      throw new ConfigurationError(`DeltaEvictor.of: deltaFunction must be a function (older, newer) => number or an object with getDelta(), got ${deltaFunction === null ? 'null' : typeof deltaFunction}`);
    }
    return new DeltaEvictor<T, W>(threshold, delta, flag(doEvictAfter, 'DeltaEvictor.of'));
  }

  getThreshold(): number {
    return this.threshold;
  }

  protected evict(elements: TimestampedValue<T>[]): void {
    if (elements.length === 0) return;
    const last = elements[elements.length - 1]!.value;
    removeWhere(elements, (e) => this.delta(e.value, last) >= this.threshold);
  }

  override toString(): string {
    return `DeltaEvictor(${this.threshold})`;
  }
}
