/**
 * MapState in managed memory. Each user entry is an entry of the backend's
 * hash table, found by `[tag | 1][key][namespace][user key]`, so `get`,
 * `put`, `remove` and `contains` are one lookup each. The entries of one map
 * form a doubly linked list from a head entry `[tag][key][namespace]` (first
 * entry, count) for iteration and `clear`; the head goes with the last entry.
 *
 * Iteration (`entries`, `keys`, `values`) reads the whole map when called, so
 * changing the map while iterating is safe; the order is unspecified (newest
 * first). With a time-to-live each entry carries its own stamp.
 * @module
 * @internal
 */
import type { TypeSerializer } from '../types/TypeSerializer.js';
import type { KeyedStateBackend } from './KeyedStateBackend.js';
import type { MapState } from './State.js';
import type { MapStateDescriptor } from './StateDescriptor.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { AbstractKeyedState } from './AbstractKeyedState.js';
import { isCode } from './StateTable.js';

let varEnd = 0;
function readVar(bytes: Uint8Array, at: number): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++]!;
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
  }
  varEnd = at;
  return result;
}

export class ManagedMapState<K, N, UK, UV> extends AbstractKeyedState<K, N, UV> implements MapState<UK, UV> {
  private readonly keySerializer: TypeSerializer<UK>;
  private prefixLen = 0;

  constructor(backend: KeyedStateBackend<K>, descriptor: MapStateDescriptor<UK, UV>, namespaceType: TypeInformation<N>, tag: number) {
    super(backend, descriptor, namespaceType, tag);
    this.keySerializer = descriptor.keyType.createSerializer();
  }

  /** Writes `[tag | 1][key][namespace][user key]`; returns its length (the prefix length is kept). */
  private entryComposite(userKey: UK): number {
    const prefixLen = this.composite(this.tag | 1);
    this.prefixLen = prefixLen;
    const t = this.table;
    const out = this.backend.userKeyOut!;
    out.retarget(t.memory.bytes, t.comp + prefixLen, t.pageSize - prefixLen);
    try {
      this.keySerializer.serialize(userKey, out);
    } catch (error) {
      throw this.serializationFailed(error, userKey, 'map key');
    }
    if (!out.inLinearMemory) throw t.tooLarge(this.name, prefixLen + out.position);
    return prefixLen + out.position;
  }

  /** Looks the entry up; returns the address of its user value (0 if absent or expired and removed). */
  private lookup(userKey: UK): number {
    const t = this.table;
    const core = t.memory.core;
    const compLen = this.entryComposite(userKey);
    if (core.stGet(t.ctl, t.comp, compLen) === 0) return 0;
    const at = t.resultAddress + 8;
    if (this.ttl > 0) {
      const view = t.memory.view;
      if (this.isExpired(view.getFloat64(at, true))) {
        if (this.neverReturnExpired) {
          core.stMapRemove(t.ctl, t.comp, this.prefixLen, compLen);
          return 0;
        }
      } else if (this.refreshOnRead) view.setFloat64(at, this.now(), true);
    }
    return at;
  }

  get(userKey: UK): UV | null {
    const at = this.lookup(userKey);
    if (at === 0) return null;
    const skip = this.ttl > 0 ? 8 : 0;
    return this.read(this.serializer, at + skip, this.table.resultLength - 8 - skip);
  }

  contains(userKey: UK): boolean {
    return this.lookup(userKey) !== 0;
  }

  put(userKey: UK, value: UV): void {
    const t = this.table;
    const core = t.memory.core;
    const compLen = this.entryComposite(userKey);
    const n = this.serializeValue(value);
    for (;;) {
      const r = core.stMapPut(t.ctl, t.comp, this.prefixLen, compLen, this.backend.currentKeyGroup, t.value, n);
      if (!isCode(r)) return;
      t.handle(r, this.name);
    }
  }

  /** Puts each entry; each put is whole, but a failure part-way leaves the entries before it put. */
  putAll(entries: Iterable<readonly [UK, UV]> | Map<UK, UV>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(userKey: UK): void {
    const t = this.table;
    const compLen = this.entryComposite(userKey);
    if (t.memory.core.stMapRemove(t.ctl, t.comp, this.prefixLen, compLen) !== 0) t.shrinkIfEmpty();
  }

  clear(): void {
    this.removeEntry();
  }

  isEmpty(): boolean {
    if (this.ttl > 0) return this.collect().length === 0;
    const t = this.table;
    return t.memory.core.stGet(t.ctl, t.comp, this.composite()) === 0;
  }

  entries(): IterableIterator<[UK, UV]> {
    return this.collect()[Symbol.iterator]();
  }

  keys(): IterableIterator<UK> {
    return this.collect()
      .map((e) => e[0])
      [Symbol.iterator]();
  }

  values(): IterableIterator<UV> {
    return this.collect()
      .map((e) => e[1])
      [Symbol.iterator]();
  }

  /** Reads every entry of the current (key, namespace)'s map, removing expired ones. */
  private collect(): Array<[UK, UV]> {
    const t = this.table;
    const core = t.memory.core;
    const prefixLen = this.composite();
    if (core.stGet(t.ctl, t.comp, prefixLen) === 0) return [];
    const view = t.memory.view;
    const bytes = t.memory.bytes;
    const skip = this.ttl > 0 ? 8 : 0;
    const now = skip > 0 ? this.now() : 0;
    const result: Array<[UK, UV]> = [];
    const expired: UK[] = [];
    let e = view.getUint32(t.resultAddress, true);
    while (e !== 0) {
      const compLen = readVar(bytes, e + 4);
      const comp = varEnd;
      const valLen = readVar(bytes, comp + compLen);
      const val = varEnd;
      const next = view.getUint32(val + 4, true);
      const userKey = this.read(this.keySerializer, comp + prefixLen, compLen - prefixLen);
      if (skip > 0) {
        const stamp = view.getFloat64(val + 8, true);
        if (stamp + this.ttl <= now && this.neverReturnExpired) {
          expired.push(userKey);
          e = next;
          continue;
        }
        if (this.refreshOnRead) view.setFloat64(val + 8, now, true);
      }
      result.push([userKey, this.read(this.serializer, val + 8 + skip, valLen - 8 - skip)]);
      e = next;
    }
    for (const k of expired) this.remove(k);
    return result;
  }
}
