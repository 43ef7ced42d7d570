/**
 * The base of the managed-memory states: what every state kind does the same
 * way — scoping to the backend's current key and its own current namespace,
 * assembling the composite `[tag][key][namespace]` in the key page, writing
 * values (with their TTL stamp) into the value page, reading them back with a
 * DataInputDeserializer over linear memory, and naming the state in errors.
 *
 * TTL: with a time-to-live, each stored value — each ValueState, Reducing or
 * Aggregating value, each MapState entry and each ListState element — begins
 * with the f64 processing time at which it was last written (or, with
 * `OnReadAndWrite`, read). A value that is expired when touched is removed;
 * with `NeverReturnExpired` it is never returned, with
 * `ReturnExpiredIfNotCleanedUp` it is returned and kept (nothing else cleans up).
 * @module
 * @internal
 */
import { SerializationError, WeirError } from '../errors.js';
import type { DataInputDeserializer } from '../types/DataInputDeserializer.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { describeValue, type TypeSerializer } from '../types/TypeSerializer.js';
import type { KeyedStateBackend } from './KeyedStateBackend.js';
import type { InternalKvState } from './State.js';
import type { StateDescriptor } from './StateDescriptor.js';
import { StateVisibility, UpdateType } from './StateTtlConfig.js';
import { isCode, KIND_VALUE, type StateTable } from './StateTable.js';

const EMPTY = new Uint8Array(0);

export abstract class AbstractKeyedState<K, N, V> implements InternalKvState<N> {
  readonly name: string;
  readonly descriptor: StateDescriptor<any>;
  readonly namespaceType: TypeInformation<N>;
  /** @internal The tag byte of this state's entries (even; map entries use tag | 1). */
  readonly tag: number;
  protected readonly backend: KeyedStateBackend<K>;
  protected readonly serializer: TypeSerializer<V>;
  protected readonly nsSerializer: TypeSerializer<N>;
  /** @internal The serialized current namespace. */
  nsBytes: Uint8Array = EMPTY;
  protected currentNamespace: N | undefined = undefined;
  /** Time-to-live in ms, 0 without TTL. */
  protected readonly ttl: number;
  protected readonly refreshOnRead: boolean;
  protected readonly neverReturnExpired: boolean;
  /**
   * Where this state last read or wrote a value-kind entry, and the backend's
   * access generation then: while no other access happened since, a value of
   * the same length is written over it in place, without a wasm call.
   */
  private lastAt = 0;
  private lastLength = 0;
  private lastGeneration = -1;

  constructor(backend: KeyedStateBackend<K>, descriptor: StateDescriptor<any>, namespaceType: TypeInformation<N>, tag: number) {
    this.backend = backend;
    this.descriptor = descriptor;
    this.name = descriptor.name;
    this.namespaceType = namespaceType;
    this.tag = tag;
    this.serializer = descriptor.type.createSerializer() as TypeSerializer<V>;
    this.nsSerializer = namespaceType.createSerializer();
    const ttl = descriptor.ttlConfig;
    this.ttl = ttl === undefined ? 0 : ttl.ttl;
    this.refreshOnRead = ttl?.updateType === UpdateType.OnReadAndWrite;
    this.neverReturnExpired = ttl === undefined || ttl.stateVisibility === StateVisibility.NeverReturnExpired;
    if (namespaceType.createSerializer().getLength() === 0) this.currentNamespace = namespaceType.createSerializer().defaultValue();
  }

  /** Scopes later calls to `namespace` (for the current key). */
  setCurrentNamespace(namespace: N): void {
    if (namespace === this.currentNamespace) return;
    this.backend.generation++;
    // Windows come as new objects per record, mostly equal to the last: keep the bytes then.
    this.nsBytes = this.backend.serializeNamespace(this.nsSerializer, namespace, this.name, this.nsBytes);
    this.currentNamespace = namespace;
  }

  /** @internal The namespace's bytes. */
  serializeNamespace(namespace: N): Uint8Array {
    return this.backend.serializeNamespace(this.nsSerializer, namespace, this.name);
  }

  abstract clear(): void;

  protected get table(): StateTable {
    const t = this.backend.table;
    if (t === undefined) throw new WeirError(`Operator "${this.backend.operatorName}": state "${this.name}" used after its backend was disposed`);
    return t;
  }

  /** Writes `[tag][key][namespace]` into the key page; returns its length. Throws "No key set…" without a key. */
  protected composite(tag = this.tag): number {
    return this.backend.composite(tag, this.nsBytes, this.name);
  }

  protected now(): number {
    return this.backend.clock();
  }

  protected isExpired(stamp: number): boolean {
    return stamp + this.ttl <= this.backend.clock();
  }

  /** Serializes `value` (after its TTL stamp) into the value page; returns its length. */
  protected serializeValue(value: V, serializer: TypeSerializer<V> = this.serializer, stamp?: number): number {
    const out = this.backend.valueOut!;
    out.clear();
    if (this.ttl > 0) out.writeFloat64(stamp ?? this.now());
    try {
      serializer.serialize(value, out);
    } catch (error) {
      throw this.serializationFailed(error, value, 'value');
    }
    if (!out.inLinearMemory) throw this.table.tooLarge(this.name, out.position);
    return out.position;
  }

  /** The error for a value its serializer refused, naming this state. */
  protected serializationFailed(error: unknown, value: unknown, what: string): unknown {
    if (!(error instanceof SerializationError)) return error;
    const at = error.path === '' ? '' : ` (at ${error.path})`;
    return new SerializationError(
      `Operator "${this.backend.operatorName}": state "${this.name}" cannot store the ${what} ${describeValue(value)}${at}: ${error.detail}`,
      '',
      error.value,
      { cause: error },
    );
  }

  protected noNull(value: unknown, what: string): void {
    if (value === null || value === undefined) {
      throw new WeirError(`Operator "${this.backend.operatorName}": state "${this.name}": ${what} cannot be ${String(value)}`);
    }
  }

  /** Deserializes `length` bytes at `address` of linear memory. */
  protected read<T>(serializer: TypeSerializer<T>, address: number, length: number): T {
    const input: DataInputDeserializer = this.backend.input;
    input.setBuffer(this.backend.memory.bytes, address, length);
    return serializer.deserialize(input);
  }

  /** Stores the `length` bytes of the value page as this entry's value (a value-kind entry). */
  protected store(compLen: number, length: number): void {
    const t = this.table;
    const core = t.memory.core;
    for (;;) {
      const r = core.stPut(t.ctl, t.comp, compLen, this.backend.currentKeyGroup, KIND_VALUE, t.value, length);
      if (!isCode(r)) break;
      t.handle(r, this.name);
    }
    this.remember(t.resultAddress, length);
  }

  /** The current (key, namespace)'s value, or null; an expired value is removed (see the header). */
  protected readEntry(): V | null {
    const t = this.table;
    const compLen = this.composite();
    const core = t.memory.core;
    if (core.stGet(t.ctl, t.comp, compLen) === 0) return null;
    let at = t.resultAddress;
    let n = t.resultLength;
    this.remember(at, n);
    if (this.ttl > 0) {
      const view = t.memory.view;
      if (this.isExpired(view.getFloat64(at, true))) {
        if (this.neverReturnExpired) {
          this.lastGeneration = -1;
          core.stRemove(t.ctl, t.comp, compLen);
          return null;
        }
      } else if (this.refreshOnRead) view.setFloat64(at, this.now(), true);
      at += 8;
      n -= 8;
    }
    return this.read(this.serializer, at, n);
  }

  /** Sets the current (key, namespace)'s value. */
  protected writeEntry(value: V): void {
    const n = this.serializeValue(value);
    if (this.lastGeneration === this.backend.generation && n === this.lastLength) {
      const t = this.table;
      t.memory.bytes.copyWithin(this.lastAt, t.value, t.value + n);
      return;
    }
    this.store(this.composite(), n);
  }

  private remember(at: number, length: number): void {
    this.lastAt = at;
    this.lastLength = length;
    this.lastGeneration = this.backend.generation;
  }

  /** Removes the entry of the current (key, namespace) (and what hangs off it). */
  protected removeEntry(tag = this.tag): void {
    const t = this.table;
    const compLen = this.composite(tag);
    if (t.memory.core.stRemove(t.ctl, t.comp, compLen) !== 0) t.shrinkIfEmpty();
  }

  /** Runs `fn` with the namespace bytes set to `bytes`, then restores the current namespace. */
  protected withNamespace<R>(bytes: Uint8Array, fn: () => R): R {
    const saved = this.nsBytes;
    this.nsBytes = bytes;
    this.backend.generation++;
    try {
      return fn();
    } finally {
      this.nsBytes = saved;
      this.backend.generation++;
    }
  }
}

/** True if two byte arrays are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reducing and aggregating state: one value per (key, namespace) that
 * namespaces merge by combining. `combine` is the reduce function or the
 * AggregateFunction's merge.
 */
export abstract class MergingValueState<K, N, V> extends AbstractKeyedState<K, N, V> {
  protected abstract combine(a: V, b: V): V;

  /** Combines the values of `sources` into `target`, then clears the sources. Nothing changes if the write fails. */
  mergeNamespaces(target: N, sources: N[]): void {
    const targetBytes = this.serializeNamespace(target);
    let merged: V | null = null;
    const merging: Uint8Array[] = [];
    for (const source of sources) {
      const bytes = this.serializeNamespace(source);
      // A namespace given twice is merged once.
      if (sameBytes(bytes, targetBytes) || merging.some((m) => sameBytes(m, bytes))) continue;
      const v = this.withNamespace(bytes, () => this.readEntry());
      if (v === null) continue;
      merged = merged === null ? v : this.combine(merged, v);
      merging.push(bytes);
    }
    if (merged === null) return;
    const m: V = merged;
    this.withNamespace(targetBytes, () => {
      const current = this.readEntry();
      this.writeEntry(current === null ? m : this.combine(current, m));
    });
    for (const bytes of merging) this.withNamespace(bytes, () => this.removeEntry());
  }
}
