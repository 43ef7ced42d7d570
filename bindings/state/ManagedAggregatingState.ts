/**
 * AggregatingState in managed memory: one accumulator per (key, namespace),
 * fed by the descriptor's AggregateFunction; reads return its result.
 * Namespaces merge with the function's `merge`.
 * @module
 * @internal
 */
import type { AggregateFunction, AggregatingState } from './State.js';
import type { AggregatingStateDescriptor } from './StateDescriptor.js';
import { MergingValueState } from './AbstractKeyedState.js';

export class ManagedAggregatingState<K, N, IN, ACC, OUT> extends MergingValueState<K, N, ACC> implements AggregatingState<IN, OUT> {
  private get fn(): AggregateFunction<IN, ACC, OUT> {
    return (this.descriptor as AggregatingStateDescriptor<IN, ACC, OUT>).aggregateFunction;
  }

  get(): OUT | null {
    const acc = this.readEntry();
    return acc === null ? null : this.fn.getResult(acc);
  }

  /** Adds `value` to the accumulator; `null` (or undefined) clears it, as in Flink. */
  add(value: IN): void {
    if (value === null || value === undefined) return this.clear();
    const f = this.fn;
    const acc = this.readEntry() ?? f.createAccumulator();
    this.writeEntry(f.add(value, acc));
  }

  clear(): void {
    this.removeEntry();
  }

  protected combine(a: ACC, b: ACC): ACC {
    return this.fn.merge(a, b);
  }
}
