/**
 * Accumulators (Flink's): values that each parallel instance of a function
 * adds to through its runtime context, merged by name over all instances when
 * the job ends (`result.getAccumulatorResult(name)`) or while it runs
 * (`jobClient.getAccumulators()`).
 *
 * @example
 * ```ts
 * class CountBad extends RichFilterFunction<string> {
 *   private bad!: IntCounter;
 *   override open() { this.bad = new IntCounter(); this.getRuntimeContext().addAccumulator('bad lines', this.bad); }
 *   filter(line: string) { const ok = line !== ''; if (!ok) this.bad.add(1); return ok; }
 * }
 * // … (await env.execute()).getAccumulatorResult('bad lines')
 * ```
 */
import { ConfigurationError } from '../errors.js';

export interface Accumulator<V, R> {
  add(value: V): void;
  getLocalValue(): R;
  resetLocal(): void;
  /** Adds `other`'s value into this one (same class). */
  merge(other: Accumulator<V, R>): void;
  clone(): Accumulator<V, R>;
}

abstract class SumAccumulator implements Accumulator<number, number> {
  protected value = 0;
  add(value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new ConfigurationError(`${this.constructor.name}.add: expected a number, got ${String(value)}`);
    this.value += value;
  }
  getLocalValue(): number {
    return this.value;
  }
  resetLocal(): void {
    this.value = 0;
  }
  merge(other: Accumulator<number, number>): void {
    this.value += other.getLocalValue();
  }
  clone(): Accumulator<number, number> {
    const copy = new (this.constructor as new () => SumAccumulator)();
    copy.value = this.value;
    return copy;
  }
}

/** A sum of 32-bit integers. */
export class IntCounter extends SumAccumulator {
  override add(value: number): void {
    if (!Number.isInteger(value)) throw new ConfigurationError(`IntCounter.add: expected an integer, got ${String(value)}`);
    this.value = (this.value + value) | 0;
  }
  override merge(other: Accumulator<number, number>): void {
    this.value = (this.value + other.getLocalValue()) | 0;
  }
}

/** A sum of integers (safe-integer range). */
export class LongCounter extends SumAccumulator {
  override add(value: number): void {
    if (!Number.isSafeInteger(value)) throw new ConfigurationError(`LongCounter.add: expected a safe integer, got ${String(value)}`);
    this.value += value;
  }
}

/** A sum of numbers. */
export class DoubleCounter extends SumAccumulator {}

/** The average of the numbers added. */
export class AverageAccumulator implements Accumulator<number, number> {
  private sum = 0;
  private count = 0;
  add(value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new ConfigurationError(`AverageAccumulator.add: expected a number, got ${String(value)}`);
    this.sum += value;
    this.count++;
  }
  getLocalValue(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
  resetLocal(): void {
    this.sum = this.count = 0;
  }
  merge(other: Accumulator<number, number>): void {
    const o = other as AverageAccumulator;
    this.sum += o.sum;
    this.count += o.count;
  }
  clone(): AverageAccumulator {
    const copy = new AverageAccumulator();
    copy.sum = this.sum;
    copy.count = this.count;
    return copy;
  }
}

/** Every value added, in a list (keep it small: it lives on the heap). */
export class ListAccumulator<T> implements Accumulator<T, T[]> {
  private values: T[] = [];
  add(value: T): void {
    this.values.push(value);
  }
  getLocalValue(): T[] {
    return this.values;
  }
  resetLocal(): void {
    this.values = [];
  }
  merge(other: Accumulator<T, T[]>): void {
    this.values.push(...other.getLocalValue());
  }
  clone(): ListAccumulator<T> {
    const copy = new ListAccumulator<T>();
    copy.values = [...this.values];
    return copy;
  }
}

/** How often each integer value was added. */
export class Histogram implements Accumulator<number, Map<number, number>> {
  private counts = new Map<number, number>();
  add(value: number): void {
    if (!Number.isInteger(value)) throw new ConfigurationError(`Histogram.add: expected an integer, got ${String(value)}`);
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
  getLocalValue(): Map<number, number> {
    return this.counts;
  }
  resetLocal(): void {
    this.counts = new Map();
  }
  merge(other: Accumulator<number, Map<number, number>>): void {
    for (const [k, n] of other.getLocalValue()) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }
  clone(): Histogram {
    const copy = new Histogram();
    copy.counts = new Map(this.counts);
    return copy;
  }
}

/** Merges the accumulators of all instances by name. */
export function mergeAccumulators(all: Iterable<Map<string, Accumulator<unknown, unknown>>>): Record<string, unknown> {
  const merged = new Map<string, Accumulator<unknown, unknown>>();
  // Instances share an accumulator object made before the copy per instance: count it once per name.
  const seen = new Map<string, Set<Accumulator<unknown, unknown>>>();
  for (const local of all) {
    for (const [name, acc] of local) {
      const names = seen.get(name) ?? seen.set(name, new Set()).get(name)!;
      if (names.has(acc)) continue;
      names.add(acc);
      const into = merged.get(name);
      if (into === undefined) merged.set(name, acc.clone());
      else if (into.constructor !== acc.constructor) {
        throw new ConfigurationError(`accumulator "${name}" is a ${into.constructor.name} in one instance and a ${acc.constructor.name} in another`);
      } else into.merge(acc);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, acc] of merged) out[name] = acc.getLocalValue();
  return out;
}
