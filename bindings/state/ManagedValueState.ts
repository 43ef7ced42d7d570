/**
 * ValueState in managed memory: one entry per (key, namespace) whose value is
 * the serialized value (after its TTL stamp, with a time-to-live). A read
 * deserializes a new object; `update` serializes and overwrites in place when
 * the new bytes fit the entry's chunk.
 * @module
 * @internal
 */
import type { ValueState } from './State.js';
import type { ValueStateDescriptor } from './StateDescriptor.js';
import { AbstractKeyedState } from './AbstractKeyedState.js';

export class ManagedValueState<K, N, T> extends AbstractKeyedState<K, N, T> implements ValueState<T> {
  value(): T | null {
    const v = this.readEntry();
    if (v !== null) return v;
    const d = (this.descriptor as ValueStateDescriptor<T>).defaultValue;
    return d === null || d === undefined ? null : this.serializer.copy(d);
  }

  /** Sets the value; `null` (or undefined) clears it, as in Flink. */
  update(value: T): void {
    if (value === null || value === undefined) return this.clear();
    this.writeEntry(value);
  }

  clear(): void {
    this.removeEntry();
  }
}
