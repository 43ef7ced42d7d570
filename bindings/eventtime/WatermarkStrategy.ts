/**
 * Watermark strategies and generators, as Flink's. A strategy says how to
 * read an element's timestamp (`withTimestampAssigner`) and makes one
 * {@link WatermarkGenerator} per source instance; the generator sees every
 * event (`onEvent`) and is asked periodically (`onPeriodicEmit`, every
 * `autoWatermarkInterval` of processing time) to emit a watermark: the claim
 * that no element with a smaller or equal timestamp will follow. Time is
 * milliseconds; "no watermark yet" is `-Infinity`, the end of bounded input
 * `+Infinity`.
 *
 * These are the pieces `assignTimestampsAndWatermarks(strategy)` runs; the
 * runtime that carries watermarks through channels comes with them.
 *
 * @example
 * ```ts
 * const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Bid>(Time.seconds(5))
 *   .withTimestampAssigner((bid) => bid.dateTime)
 *   .withIdleness(Time.minutes(1));
 * ```
 */
import { ConfigurationError } from '../errors.js';

/** Where a generator emits watermarks and marks its input idle or active. */
export interface WatermarkOutput {
  emitWatermark(timestamp: number): void;
  /** No events for a while: this input should not hold the watermark back. */
  markIdle(): void;
  markActive(): void;
}

/** Makes watermarks from the events it sees (Flink's WatermarkGenerator). */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Reads an element's timestamp; `recordTimestamp` is the one it already has (or -Infinity). */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;

/** What a generator may ask of the runtime that created it. */
export interface WatermarkGeneratorContext {
  /** The processing-time clock (replaceable in tests). */
  currentProcessingTime(): number;
}

/** Watermarks that trail the largest timestamp seen by `maxOutOfOrderness` (Flink's BoundedOutOfOrdernessWatermarks). */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp = Number.NEGATIVE_INFINITY;
  private readonly delay: number;

  constructor(maxOutOfOrderness: number) {
    if (!Number.isSafeInteger(maxOutOfOrderness) || maxOutOfOrderness < 0) {
      throw new ConfigurationError(`forBoundedOutOfOrderness: the bound must be a whole number of milliseconds ≥ 0, got ${String(maxOutOfOrderness)}`);
    }
    this.delay = maxOutOfOrderness;
  }

  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    // As Flink: the watermark is the largest timestamp seen, minus the bound, minus 1.
    output.emitWatermark(this.maxTimestamp - this.delay - 1);
  }
}

class NoWatermarks<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/** Marks its input idle when no event came for `idleTimeout` ms of processing time (Flink's WatermarksWithIdleness). */
class WithIdleness<T> implements WatermarkGenerator<T> {
  private lastEventAt: number;
  private idle = false;

  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeout: number,
    private readonly clock: WatermarkGeneratorContext,
  ) {
    this.lastEventAt = clock.currentProcessingTime();
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.lastEventAt = this.clock.currentProcessingTime();
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
    this.inner.onEvent(event, eventTimestamp, output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.idle) return;
    if (this.clock.currentProcessingTime() - this.lastEventAt >= this.idleTimeout) {
      this.idle = true;
      output.markIdle();
      return;
    }
    this.inner.onPeriodicEmit(output);
  }
}

export class WatermarkStrategy<T> {
  /** @internal */
  readonly assigner: TimestampAssigner<T> | undefined;
  private readonly make: (context: WatermarkGeneratorContext) => WatermarkGenerator<T>;

  private constructor(make: (context: WatermarkGeneratorContext) => WatermarkGenerator<T>, assigner?: TimestampAssigner<T>) {
    this.make = make;
    this.assigner = assigner;
  }

  /** Watermarks that allow elements up to `maxOutOfOrderness` ms late relative to the largest timestamp seen. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: number): WatermarkStrategy<T> {
    new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness); // checks the bound now
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness));
  }

  /** For timestamps that never decrease: a bound of 0. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }

  /** No watermarks (for processing time, or to add timestamps only). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarks<T>());
  }

  /** A custom generator, made once per source instance. */
  static forGenerator<T>(make: (context: WatermarkGeneratorContext) => WatermarkGenerator<T>): WatermarkStrategy<T> {
    if (typeof make !== 'function') throw new ConfigurationError(`WatermarkStrategy.forGenerator: expected a function that makes a WatermarkGenerator, got ${typeof make}`);
    return new WatermarkStrategy<T>(make);
  }

  /** Reads each element's timestamp with `assigner(element, recordTimestamp)`. */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (typeof assigner !== 'function') throw new ConfigurationError(`withTimestampAssigner: expected a function (element, recordTimestamp) => ms, got ${typeof assigner}`);
    return new WatermarkStrategy<T>(this.make, assigner);
  }

  /** Marks an input idle after `idleTimeout` ms without events, so that it does not hold the watermark back. */
  withIdleness(idleTimeout: number): WatermarkStrategy<T> {
    if (!Number.isSafeInteger(idleTimeout) || idleTimeout <= 0) {
      throw new ConfigurationError(`withIdleness: the timeout must be a whole number of milliseconds > 0, got ${String(idleTimeout)}`);
    }
    const make = this.make;
    return new WatermarkStrategy<T>((context) => new WithIdleness<T>(make(context), idleTimeout, context), this.assigner);
  }

  /** A new generator (one per source instance). */
  createWatermarkGenerator(context: WatermarkGeneratorContext): WatermarkGenerator<T> {
    return this.make(context);
  }
}
