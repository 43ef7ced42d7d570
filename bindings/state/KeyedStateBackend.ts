/**
 * KeyedStateBackend keeps the keyed state of one keyed operator instance as
 * serialized bytes in managed memory (Flink's heap keyed state backend, with
 * the heap replaced by pages of the memory budget): ValueState, ListState,
 * MapState, ReducingState and AggregatingState scoped to the current key (and,
 * for windows, a namespace), and timers (see {@link InternalTimerService}).
 *
 * It owns one {@link StateTable} (taken on first use): a hash table in wasm
 * whose entries are found by `[state tag][key][namespace][user key]` and
 * carry the key's key group — `murmur3(serialized key) mod maxParallelism`,
 * the same group the keyBy partitioner routes the key by — so that a snapshot
 * can be taken, and restored elsewhere, per key group.
 *
 * Per record: {@link setCurrentKey} serializes the key once into the table's
 * key page and hashes it; each state access then copies the namespace (if
 * any) after it and makes one wasm call. Values are deserialized on every read
 * (a new object each time) and serialized on every write.
 *
 * Limits: an entry — key, namespace and value (a list element, a map entry)
 * — must fit in one memory segment; a key in a segment less 65 bytes; a
 * namespace in 48 bytes; at most 127 states and timer queues (two per timer
 * service) per backend; the index holds at most (segmentSize / 4)² slots, 3/4
 * of them used (48k entries with 1 KiB segments, 50M with 32 KiB). Freed
 * entries are reused by entries of their size class; heap and index pages go
 * back to the memory manager when the table is empty again (all but one of
 * each) and on dispose, old index pages when the index grows, timer pages when
 * the queue shrinks. The index never shrinks while it holds entries.
 *
 * The key type must be the one the keyBy partitioner hashes with (for
 * numbers without a declared key type, `Types.DOUBLE`), or key groups differ.
 *
 * Invariants: the current key's bytes stay in the key page from
 * `setCurrentKey` until the next; a failed access (no memory, a value its
 * serializer refuses) changes nothing; {@link dispose} returns every page.
 *
 * @example
 * ```ts
 * const backend = new KeyedStateBackend({ keyType: Types.STRING, budget, operatorName: 'count words', maxParallelism: 128 });
 * const count = backend.getState(new ValueStateDescriptor('count', Types.LONG));
 * backend.setCurrentKey('hello');
 * count.update((count.value() ?? 0) + 1);
 * backend.dispose();
 * ```
 */
import { TimeWindow } from '../windowing/TimeWindow.js';
import { ConfigurationError, SerializationError, WeirError } from '../errors.js';
import type { LinearMemory } from '../core/LinearMemory.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import { DataInputDeserializer } from '../types/DataInputDeserializer.js';
import { DataOutputSerializer } from '../types/DataOutputSerializer.js';
import { computeKeyGroupForKeyHash, UPPER_BOUND_MAX_PARALLELISM } from '../types/KeyGroupRangeAssignment.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { describeValue, type TypeSerializer } from '../types/TypeSerializer.js';
import { AbstractKeyedState } from './AbstractKeyedState.js';
import { InternalTimerService } from './InternalTimerService.js';
import { ManagedAggregatingState } from './ManagedAggregatingState.js';
import { ManagedListState } from './ManagedListState.js';
import { ManagedMapState } from './ManagedMapState.js';
import { ManagedReducingState } from './ManagedReducingState.js';
import { ManagedValueState } from './ManagedValueState.js';
import type { AggregatingState, InternalKvState, ListState, MapState, ReducingState, ValueState } from './State.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueStateDescriptor,
} from './StateDescriptor.js';
import { VoidNamespaceType, type VoidNamespace } from './StateNamespaces.js';
import { KIND_LIST_HEAD, KIND_MAP_ENTRY, KIND_MAP_HEAD, KIND_TIMER, StateTable } from './StateTable.js';

/** Options of a {@link KeyedStateBackend}. */
export interface KeyedStateBackendOptions<K> {
  /** The type of the operator's keys (as the keyBy). */
  keyType: TypeInformation<K>;
  /** The budget whose managed memory holds the state. */
  budget: MemoryBudget;
  /** The operator's name, for error messages. */
  operatorName: string;
  /** The job's maxParallelism (number of key groups), as the keyBy partitioner uses. */
  maxParallelism: number;
  /** Processing time for TTL, in ms (default `Date.now`). */
  clock?: () => number;
}

/** A state together with its namespace controls. */
export type PartitionedState<S, N> = S & InternalKvState<N>;

/** One entry of the backend as bytes (views into managed memory, valid until the next state access). */
export interface SerializedStateEntry {
  /** The state's name (a timer service's for timers). */
  state: string;
  /** 'value' (value, reducing, aggregating), 'list', 'map-entry' or 'timer'. */
  kind: 'value' | 'list' | 'map-entry' | 'timer';
  keyGroup: number;
  /** `[tag][key][namespace][user key or time]`. */
  composite: Uint8Array;
  /** The value bytes (for lists, a copy of the elements back to back; for map entries, the user value; for timers, empty). */
  value: Uint8Array;
}

const MAX_TAGS = 127;
const KEY_ROOM = 64; // bytes of the key page kept for namespace and user key at least

export class KeyedStateBackend<K> {
  readonly keyType: TypeInformation<K>;
  readonly operatorName: string;
  readonly maxParallelism: number;
  /** @internal */
  readonly clock: () => number;
  /** @internal */
  readonly memory: LinearMemory;
  /** @internal Created on first use. */
  table: StateTable | undefined;
  /** @internal */
  valueOut: DataOutputSerializer | undefined;
  /** @internal */
  userKeyOut: DataOutputSerializer | undefined;
  /** @internal */
  readonly input = new DataInputDeserializer();
  /** @internal The current key's group. */
  currentKeyGroup = 0;
  /** @internal Counts state accesses and key changes (see AbstractKeyedState's in-place writes). */
  generation = 0;
  private readonly budget: MemoryBudget;
  private readonly keySerializer: TypeSerializer<K>;
  private keyOut: DataOutputSerializer | undefined;
  private readonly nsOut = new DataOutputSerializer(64);
  private currentKey: K | undefined = undefined;
  private hasKey = false;
  private keyLength = 0;
  private readonly states = new Map<string, AbstractKeyedState<K, any, any>>();
  private readonly timerServices = new Map<string, InternalTimerService<K, any>>();
  /** Name of what each tag (index = tag >> 1) belongs to. */
  private readonly tags: string[] = [];
  private disposed = false;

  constructor(options: KeyedStateBackendOptions<K>) {
    const { keyType, budget, operatorName, maxParallelism, clock } = options;
    if (keyType === null || typeof (keyType as { createSerializer?: unknown })?.createSerializer !== 'function') {
      throw new ConfigurationError(`KeyedStateBackend of "${String(operatorName)}": keyType must be a TypeInformation (Types.…), got ${String(keyType)}`);
    }
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
      throw new ConfigurationError(`KeyedStateBackend of "${operatorName}": maxParallelism must be an integer from 1 to ${UPPER_BOUND_MAX_PARALLELISM}, got ${String(maxParallelism)}`);
    }
    if (clock !== undefined && typeof clock !== 'function') throw new ConfigurationError(`KeyedStateBackend of "${operatorName}": clock must be a function`);
    this.keyType = keyType;
    this.budget = budget;
    this.memory = budget.memory;
    this.operatorName = operatorName;
    this.maxParallelism = maxParallelism;
    this.clock = clock ?? Date.now;
    this.keySerializer = keyType.createSerializer();
  }

  /** A name for the memory manager's messages. */
  get name(): string {
    return `keyed state of operator "${this.operatorName}"`;
  }

  /** @internal The table, taken on first use. */
  ensureTable(): StateTable {
    if (this.table !== undefined) return this.table;
    if (this.disposed) throw new WeirError(`${this.name}: used after dispose`);
    const t = new StateTable(this.budget, this);
    const bytes = this.memory.bytes;
    this.keyOut = new DataOutputSerializer(16, { bytes, base: t.comp + 1, capacity: t.pageSize - 1 - KEY_ROOM });
    this.valueOut = new DataOutputSerializer(16, { bytes, base: t.value, capacity: t.pageSize });
    this.userKeyOut = new DataOutputSerializer(16, { bytes, base: t.comp, capacity: t.pageSize });
    this.table = t;
    return t;
  }

  /** Sets the key that state accesses are scoped to. */
  setCurrentKey(key: K): void {
    // -0 and 0 are one key, as for the keyBy partitioner.
    if ((key as unknown) === 0) key = 0 as K;
    if (this.hasKey && key === this.currentKey && (typeof key !== 'object' || key === null)) return;
    const t = this.ensureTable();
    const out = this.keyOut!;
    this.hasKey = false;
    this.generation++;
    out.clear();
    try {
      this.keySerializer.serialize(key, out);
    } catch (error) {
      if (!(error instanceof SerializationError)) throw error;
      throw new SerializationError(
        `Operator "${this.operatorName}": cannot use ${describeValue(key)} as a key of type ${this.keyType.toString()}: ${error.message}`,
        '',
        key,
        { cause: error },
      );
    }
    if (!out.inLinearMemory) throw t.tooLarge('(key)', out.position);
    this.keyLength = out.position;
    this.currentKeyGroup = computeKeyGroupForKeyHash(this.memory.core.murmur3(t.comp + 1, out.position, 0), this.maxParallelism);
    this.currentKey = key;
    this.hasKey = true;
  }

  /** The current key (undefined before the first {@link setCurrentKey}). */
  getCurrentKey(): K {
    return this.currentKey as K;
  }

  /** The current key's key group. */
  getCurrentKeyGroup(): number {
    return this.currentKeyGroup;
  }

  /**
   * @internal Writes `[tag][key][namespace]` into the key page and returns its
   * length; refuses to run without a current key.
   */
  composite(tag: number, ns: Uint8Array, state: string): number {
    if (!this.hasKey) {
      if (this.disposed) throw new WeirError(`${this.name}: state "${state}" used after dispose`);
      throw new WeirError(
        `No key set: state "${state}" of operator "${this.operatorName}" was used without a current key; keyed state can only be used on a keyed stream (after keyBy), while a record or timer of a key is processed`,
      );
    }
    const t = this.table!;
    const bytes = this.memory.bytes;
    this.generation++;
    bytes[t.comp] = tag;
    if (ns.length > 0) bytes.set(ns, t.comp + 1 + this.keyLength);
    return 1 + this.keyLength + ns.length;
  }

  /** @internal The bytes of a namespace: `current` if they are equal to it, else a new array. */
  serializeNamespace<N>(serializer: TypeSerializer<N>, namespace: N, state: string, current?: Uint8Array): Uint8Array {
    // A window keeps its bytes: the window operator asks for the same windows over and over.
    const window = namespace instanceof TimeWindow ? namespace : undefined;
    if (window?.nsBytes !== undefined) return window.nsBytes;
    const bytes = this.serializeNamespaceBytes(serializer, namespace, state, current);
    if (window !== undefined) window.nsBytes = bytes;
    return bytes;
  }

  private serializeNamespaceBytes<N>(serializer: TypeSerializer<N>, namespace: N, state: string, current?: Uint8Array): Uint8Array {
    const out = this.nsOut;
    out.clear();
    try {
      serializer.serialize(namespace, out);
    } catch (error) {
      if (!(error instanceof SerializationError)) throw error;
      throw new SerializationError(`Operator "${this.operatorName}": state "${state}": bad namespace ${describeValue(namespace)}: ${error.message}`, '', namespace, { cause: error });
    }
    if (out.position > KEY_ROOM - 16) {
      throw new ConfigurationError(`Operator "${this.operatorName}": state "${state}": a namespace of ${out.position} bytes is too large (at most ${KEY_ROOM - 16})`);
    }
    const n = out.position;
    if (current !== undefined && current.length === n) {
      const bytes = out.bytes;
      const base = out.base;
      let i = 0;
      while (i < n && bytes[base + i] === current[i]) i++;
      if (i === n) return current;
    }
    return out.toUint8Array();
  }

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.checked(descriptor, 'value', VoidNamespaceType) as ManagedValueState<K, VoidNamespace, T>;
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.checked(descriptor, 'list', VoidNamespaceType) as ManagedListState<K, VoidNamespace, T>;
  }

  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    return this.checked(descriptor, 'map', VoidNamespaceType) as ManagedMapState<K, VoidNamespace, UK, UV>;
  }

  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.checked(descriptor, 'reducing', VoidNamespaceType) as ManagedReducingState<K, VoidNamespace, T>;
  }

  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.checked(descriptor, 'aggregating', VoidNamespaceType) as unknown as AggregatingState<IN, OUT>;
  }

  /**
   * The state of `descriptor` scoped to the current key and to a namespace
   * of `namespaceType` (set with `setCurrentNamespace`), as windows use it.
   */
  getPartitionedState<N, T>(descriptor: ValueStateDescriptor<T>, namespaceType: TypeInformation<N>): PartitionedState<ValueState<T>, N>;
  getPartitionedState<N, T>(descriptor: ListStateDescriptor<T>, namespaceType: TypeInformation<N>): PartitionedState<ListState<T>, N> & { mergeNamespaces(target: N, sources: N[]): void };
  getPartitionedState<N, UK, UV>(descriptor: MapStateDescriptor<UK, UV>, namespaceType: TypeInformation<N>): PartitionedState<MapState<UK, UV>, N>;
  getPartitionedState<N, T>(descriptor: ReducingStateDescriptor<T>, namespaceType: TypeInformation<N>): PartitionedState<ReducingState<T>, N> & { mergeNamespaces(target: N, sources: N[]): void };
  getPartitionedState<N, IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
    namespaceType: TypeInformation<N>,
  ): PartitionedState<AggregatingState<IN, OUT>, N> & { mergeNamespaces(target: N, sources: N[]): void };
  getPartitionedState<N>(descriptor: StateDescriptor<any>, namespaceType: TypeInformation<N>): unknown {
    return this.checked(descriptor, undefined, namespaceType);
  }

  private checked<N>(descriptor: StateDescriptor<any>, kind: string | undefined, namespaceType: TypeInformation<N>): AbstractKeyedState<K, N, any> {
    if (!(descriptor instanceof StateDescriptor)) {
      throw new ConfigurationError(`Operator "${this.operatorName}": expected a state descriptor (new ValueStateDescriptor(…) and the like), got ${describeValue(descriptor)}`);
    }
    if (kind !== undefined && descriptor.kind !== kind) {
      throw new ConfigurationError(`Operator "${this.operatorName}": state "${descriptor.name}": a ${descriptor.kind} state descriptor cannot give a ${kind} state`);
    }
    if (this.disposed) throw new WeirError(`${this.name}: getState("${descriptor.name}") after dispose`);
    const existing = this.states.get(descriptor.name);
    if (existing !== undefined) {
      const d = existing.descriptor;
      if (d.kind !== descriptor.kind) {
        throw new ConfigurationError(
          `Operator "${this.operatorName}": state "${descriptor.name}" is already registered as ${d.kind} state and cannot also be ${descriptor.kind} state; give each state its own name`,
        );
      }
      if (!d.type.equals(descriptor.type)) {
        throw new ConfigurationError(`Operator "${this.operatorName}": state "${descriptor.name}" is registered with values of ${d.type.toString()}, not ${descriptor.type.toString()}`);
      }
      if (existing.namespaceType !== namespaceType && !existing.namespaceType.equals(namespaceType)) {
        throw new ConfigurationError(
          `Operator "${this.operatorName}": state "${descriptor.name}" is registered with namespaces of ${existing.namespaceType.toString()}, not ${namespaceType.toString()}`,
        );
      }
      return existing as AbstractKeyedState<K, N, any>;
    }
    this.ensureTable();
    const tag = this.newTag(`state "${descriptor.name}"`, descriptor.name);
    let state: AbstractKeyedState<K, N, any>;
    if (descriptor instanceof ValueStateDescriptor) state = new ManagedValueState(this, descriptor, namespaceType, tag);
    else if (descriptor instanceof ListStateDescriptor) state = new ManagedListState(this, descriptor, namespaceType, tag);
    else if (descriptor instanceof MapStateDescriptor) state = new ManagedMapState(this, descriptor, namespaceType, tag);
    else if (descriptor instanceof ReducingStateDescriptor) state = new ManagedReducingState(this, descriptor, namespaceType, tag);
    else if (descriptor instanceof AggregatingStateDescriptor) state = new ManagedAggregatingState(this, descriptor, namespaceType, tag);
    else throw new ConfigurationError(`Operator "${this.operatorName}": unknown state descriptor kind ${String(descriptor.kind)}`);
    this.states.set(descriptor.name, state);
    return state;
  }

  private newTag(what: string, name: string): number {
    if (this.tags.length >= MAX_TAGS) {
      throw new ConfigurationError(`Operator "${this.operatorName}": cannot register ${what}: an operator can have at most ${MAX_TAGS} states and timer queues`);
    }
    this.tags.push(name);
    return (this.tags.length - 1) << 1;
  }

  /**
   * The timer service `name` (created on first call) whose timers are scoped
   * to the current key and a namespace of `namespaceType`.
   */
  createTimerService<N>(name: string, namespaceType: TypeInformation<N>): InternalTimerService<K, N> {
    const existing = this.timerServices.get(name);
    if (existing !== undefined) {
      if (existing.namespaceType !== namespaceType && !existing.namespaceType.equals(namespaceType)) {
        throw new ConfigurationError(
          `Operator "${this.operatorName}": timer service "${name}" has namespaces of ${existing.namespaceType.toString()}, not ${namespaceType.toString()}`,
        );
      }
      return existing as InternalTimerService<K, N>;
    }
    if (this.disposed) throw new WeirError(`${this.name}: createTimerService("${name}") after dispose`);
    const t = this.ensureTable();
    const eventTag = this.newTag(`timer service "${name}"`, `timer service "${name}"`);
    const processingTag = this.newTag(`timer service "${name}"`, `timer service "${name}"`);
    const service = new InternalTimerService<K, N>(this, t, name, namespaceType, eventTag, processingTag, this.keySerializer);
    this.timerServices.set(name, service);
    return service;
  }

  /** Entries in the table: values, list heads, map heads and map entries, timers. */
  get numEntries(): number {
    return this.table?.count ?? 0;
  }

  /** Bytes in use: entries and list blocks (by size class), index slots, timer heap nodes. */
  get bytesUsed(): number {
    const t = this.table;
    if (t === undefined) return 0;
    let timers = 0;
    for (const s of this.timerServices.values()) timers += s.numEventTimeTimers() + s.numProcessingTimeTimers();
    return t.chunkBytes + t.capacity * 4 + timers * 16;
  }

  /** Managed pages held. */
  get pagesHeld(): number {
    return this.table?.pagesHeld ?? 0;
  }

  /** Bytes of one page. */
  get pageSize(): number {
    return this.budget.memoryManager.pageSize;
  }

  /**
   * The keys that have a value in state `stateName` (in `namespace`, if given,
   * which must be of the state's namespace type), as Flink's `getKeys`.
   */
  getKeys(stateName: string, namespace?: unknown): K[] {
    const state = this.states.get(stateName);
    if (state === undefined) throw new ConfigurationError(`Operator "${this.operatorName}": no state named "${stateName}"`);
    const ns = namespace === undefined ? undefined : state.serializeNamespace(namespace);
    const keys: K[] = [];
    const bytes = this.memory.bytes;
    this.forEachEntry(-1, (tag, kind, _kg, comp, compLen) => {
      if (tag !== state.tag || kind === KIND_MAP_ENTRY) return;
      const input = this.input;
      input.setBuffer(bytes, comp + 1, compLen - 1);
      const key = this.keySerializer.deserialize(input);
      if (ns !== undefined) {
        const at = input.position;
        if (compLen - 1 - (at - comp - 1) !== ns.length) return;
        for (let i = 0; i < ns.length; i++) if (bytes[at + i] !== ns[i]) return;
      }
      keys.push(key);
    });
    return keys;
  }

  /**
   * Every entry (of key group `keyGroup`, or all), as bytes: what a snapshot
   * of the key group writes. The views are valid until the next state access.
   */
  *serializedEntries(keyGroup = -1): IterableIterator<SerializedStateEntry> {
    const list: SerializedStateEntry[] = [];
    const bytes = this.memory.bytes;
    const view = this.memory.view;
    this.forEachEntry(keyGroup, (tag, kind, kg, comp, compLen, val, valLen) => {
      if (kind === KIND_MAP_HEAD) return;
      const state = this.tags[tag >> 1]!;
      const composite = bytes.subarray(comp, comp + compLen);
      if (kind === KIND_LIST_HEAD) {
        const parts: Uint8Array[] = [];
        for (let b = view.getUint32(val, true); b !== 0; b = view.getUint32(b, true)) {
          parts.push(bytes.subarray(b + 8, b + 8 + (view.getUint32(b + 4, true) & 0xffffff)));
        }
        const value = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          value.set(p, at);
          at += p.length;
        }
        list.push({ state, kind: 'list', keyGroup: kg, composite, value });
      } else if (kind === KIND_MAP_ENTRY) {
        list.push({ state, kind: 'map-entry', keyGroup: kg, composite, value: bytes.subarray(val + 8, val + valLen) });
      } else if (kind === KIND_TIMER) {
        list.push({ state, kind: 'timer', keyGroup: kg, composite, value: new Uint8Array(0) });
      } else {
        list.push({ state, kind: 'value', keyGroup: kg, composite, value: bytes.subarray(val, val + valLen) });
      }
    });
    yield* list;
  }

  private forEachEntry(keyGroup: number, fn: (tag: number, kind: number, keyGroup: number, comp: number, compLen: number, val: number, valLen: number) => void): void {
    const t = this.table;
    if (t === undefined) return;
    const core = this.memory.core;
    const view = this.memory.view;
    const bytes = this.memory.bytes;
    for (let slot = core.stNext(t.ctl, 0, keyGroup); slot >= 0; slot = core.stNext(t.ctl, slot + 1, keyGroup)) {
      const e = t.resultAddress;
      let at = e + 4;
      let compLen = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[at++]!;
        compLen += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
      }
      const comp = at;
      at = comp + compLen;
      let valLen = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[at++]!;
        valLen += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
      }
      fn(bytes[comp]! & 0xfe, view.getUint8(e + 3), view.getUint16(e, true), comp, compLen, at, valLen);
    }
  }

  /** Returns every page of managed memory; the backend cannot be used afterwards. Idempotent. */
  /** True once {@link dispose} ran: nothing of this backend may be used. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.hasKey = false;
    this.table?.dispose();
    this.table = undefined;
  }
}
