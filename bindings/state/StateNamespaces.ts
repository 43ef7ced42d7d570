/**
 * Namespace types for partitioned state (Flink's `VoidNamespaceSerializer`
 * and `TimeWindow.Serializer`): what the window operator scopes its state and
 * timers by. A namespace's serialized bytes are part of every state entry's
 * composite key, so they are kept short: the void namespace and the global
 * window write nothing, a TimeWindow writes its start and end as two doubles.
 *
 * @example
 * ```ts
 * const contents = backend.getPartitionedState(new ListStateDescriptor('contents', Types.DOUBLE), TimeWindowNamespace);
 * contents.setCurrentNamespace(new TimeWindow(0, 5000));
 * contents.add(1.5);
 * ```
 * @module
 */
import { TimeWindow, GlobalWindow } from '../windowing/TimeWindow.js';
import { TypeInformation, type TypeDescriptor, type TypeKind } from '../types/TypeInformation.js';
import { mismatch, TypeSerializer } from '../types/TypeSerializer.js';
import type { DataInputDeserializer } from '../types/DataInputDeserializer.js';
import type { DataOutputSerializer } from '../types/DataOutputSerializer.js';

/** The namespace of state that has none (what `getState` uses). */
export const VoidNamespace: unique symbol = Symbol('VoidNamespace');
export type VoidNamespace = typeof VoidNamespace;

class EmptySerializer<T> extends TypeSerializer<T> {
  constructor(private readonly instance: T) {
    super();
  }
  serialize(): void {}
  deserialize(): T {
    return this.instance;
  }
  copy(value: T): T {
    return value;
  }
  override getLength(): number {
    return 0;
  }
  defaultValue(): T {
    return this.instance;
  }
}

/** A type with one value, written as no bytes. */
class SingletonTypeInfo<T> extends TypeInformation<T> {
  readonly kind: TypeKind = 'TUPLE';
  constructor(private readonly instance: T, private readonly label: string) {
    super();
  }
  describe(): TypeDescriptor {
    return { kind: 'TUPLE', items: [] };
  }
  protected buildSerializer(): TypeSerializer<T> {
    return new EmptySerializer(this.instance);
  }
  override toString(): string {
    return this.label;
  }
}

class TimeWindowSerializer extends TypeSerializer<TimeWindow> {
  serialize(value: TimeWindow, out: DataOutputSerializer): void {
    if (!(value instanceof TimeWindow)) throw mismatch('a TimeWindow', value);
    out.writeFloat64(value.start);
    out.writeFloat64(value.end);
  }
  deserialize(input: DataInputDeserializer): TimeWindow {
    const start = input.readFloat64();
    return new TimeWindow(start, input.readFloat64());
  }
  copy(value: TimeWindow): TimeWindow {
    return value;
  }
  override getLength(): number {
    return 16;
  }
  defaultValue(): TimeWindow {
    return new TimeWindow(0, 0);
  }
}

class TimeWindowTypeInfo extends TypeInformation<TimeWindow> {
  readonly kind: TypeKind = 'TUPLE';
  describe(): TypeDescriptor {
    return { kind: 'TUPLE', items: [{ kind: 'DOUBLE' }, { kind: 'DOUBLE' }] };
  }
  protected buildSerializer(): TypeSerializer<TimeWindow> {
    return new TimeWindowSerializer();
  }
  override toString(): string {
    return 'TimeWindow';
  }
}

/** The type of {@link VoidNamespace}: no bytes. */
export const VoidNamespaceType: TypeInformation<VoidNamespace> = new SingletonTypeInfo<VoidNamespace>(VoidNamespace, 'VoidNamespace');
/** TimeWindow namespaces: start and end as two doubles. */
export const TimeWindowNamespaceType: TypeInformation<TimeWindow> = new TimeWindowTypeInfo();
/** The global window's namespace: no bytes. */
export const GlobalWindowNamespaceType: TypeInformation<GlobalWindow> = new SingletonTypeInfo<GlobalWindow>(GlobalWindow.get(), 'GlobalWindow');
