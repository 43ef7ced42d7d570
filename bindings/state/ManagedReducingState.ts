/**
 * ReducingState in managed memory: one value per (key, namespace), combined
 * with each added value by the descriptor's reduce function (read,
 * reduce, write back). Namespaces merge by reducing their values.
 * @module
 * @internal
 */
import type { ReduceFunction } from '../datastream/functions.js';
import type { ReducingState } from './State.js';
import type { ReducingStateDescriptor } from './StateDescriptor.js';
import { MergingValueState } from './AbstractKeyedState.js';

export class ManagedReducingState<K, N, T> extends MergingValueState<K, N, T> implements ReducingState<T> {
  get(): T | null {
    return this.readEntry();
  }

  /** Reduces `value` into the state; `null` (or undefined) clears it, as in Flink. */
  add(value: T): void {
    if (value === null || value === undefined) return this.clear();
    const current = this.readEntry();
    this.writeEntry(current === null ? value : this.combine(current, value));
  }

  clear(): void {
    this.removeEntry();
  }

  protected combine(a: T, b: T): T {
    const f = (this.descriptor as ReducingStateDescriptor<T>).reduceFunction as ReduceFunction<T>;
    return typeof f === 'function' ? f(a, b) : f.reduce(a, b);
  }
}
