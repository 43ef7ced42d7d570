/**
 * Key groups (Flink's `KeyGroupRangeAssignment`): every key hashes to one of
 * `maxParallelism` key groups (default 128), and each parallel instance of a
 * keyed operator owns a contiguous range of key groups. State is kept and
 * snapshotted per key group, so a job restored with another parallelism
 * moves whole key groups between instances.
 *
 *   keyGroup      = murmur3(serialized key) mod maxParallelism
 *   operatorIndex = floor(keyGroup × parallelism / maxParallelism)
 *
 * @example
 * ```ts
 * computeOperatorIndexForKeyGroup(128, 4, 37);        // 1
 * computeKeyGroupRangeForOperatorIndex(128, 4, 1);    // { start: 32, end: 63 }
 * ```
 * @module
 */
import { ConfigurationError } from '../errors.js';
import type { LinearMemory } from '../core/LinearMemory.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import { DataOutputSerializer } from './DataOutputSerializer.js';
import type { TypeInformation } from './TypeInformation.js';
import type { TypeSerializer } from './TypeSerializer.js';

export const DEFAULT_MAX_PARALLELISM = 128;
/** Bytes hashed per call when a key is not in linear memory (a multiple of 4). */
const CHUNK = 256;
/** Flink's upper bound for maxParallelism. */
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

function checkParallelism(maxParallelism: number, parallelism?: number): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
    throw new ConfigurationError(`maxParallelism must be an integer from 1 to ${UPPER_BOUND_MAX_PARALLELISM}, got ${String(maxParallelism)}`);
  }
  if (parallelism !== undefined && (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > maxParallelism)) {
    throw new ConfigurationError(`parallelism must be an integer from 1 to maxParallelism (${maxParallelism}), got ${String(parallelism)}`);
  }
}

/** The key group of a key hash (an unsigned or signed 32-bit value). */
export function computeKeyGroupForKeyHash(keyHash: number, maxParallelism: number): number {
  return (keyHash >>> 0) % maxParallelism;
}

/** The parallel instance that owns `keyGroup`. */
export function computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  checkParallelism(maxParallelism, parallelism);
  if (!Number.isInteger(keyGroup) || keyGroup < 0 || keyGroup >= maxParallelism) {
    throw new ConfigurationError(`key group must be an integer from 0 to ${maxParallelism - 1}, got ${String(keyGroup)}`);
  }
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The key groups `[start, end]` owned by parallel instance `operatorIndex`. */
export function computeKeyGroupRangeForOperatorIndex(maxParallelism: number, parallelism: number, operatorIndex: number): { start: number; end: number } {
  checkParallelism(maxParallelism, parallelism);
  if (!Number.isInteger(operatorIndex) || operatorIndex < 0 || operatorIndex >= parallelism) {
    throw new ConfigurationError(`operator index must be an integer from 0 to ${parallelism - 1}, got ${String(operatorIndex)}`);
  }
  return {
    start: Math.ceil((operatorIndex * maxParallelism) / parallelism),
    end: Math.ceil(((operatorIndex + 1) * maxParallelism) / parallelism) - 1,
  };
}

/** Bytes of scratch a key is serialized into for hashing. */
const HASH_AREA = 4096;
const hashAreas = new WeakMap<LinearMemory, { base: number; chunk: number }>();

/**
 * The scratch area where the key hashers of one budget serialize and hash
 * keys. A hash is computed synchronously, start to end, so one area serves
 * every hasher of the budget: a budget that runs job after job (each keyBy
 * makes hashers) does not use up its never-freed scratch area on them.
 */
function hashArea(memory: LinearMemory): { base: number; chunk: number } {
  let area = hashAreas.get(memory);
  if (area === undefined) {
    const base = memory.allocScratch(HASH_AREA, 16 * 1024);
    // Keys serialized in JS memory are hashed through a chunk of linear memory, CHUNK bytes at a time.
    area = { base, chunk: base < 0 ? memory.allocScratch(CHUNK) : base };
    hashAreas.set(memory, area);
  }
  return area;
}

/**
 * Hashes keys of one type in wasm: each key is serialized (into the budget's
 * scratch area, so wasm reads it in place) and its bytes hashed with
 * MurmurHash3. Equal keys have equal bytes, hence equal hashes.
 *
 * @example
 * ```ts
 * const hasher = new KeyHasher(Types.STRING, budget);
 * hasher.keyGroup('user-42', 128);          // 0..127
 * hasher.operatorIndex('user-42', 128, 4);  // 0..3
 * ```
 */
export class KeyHasher<K> {
  private readonly serializer: TypeSerializer<K>;
  /** The type keys are serialized as before hashing. */
  readonly keyType: TypeInformation<K>;
  private readonly out: DataOutputSerializer;
  private readonly memory: LinearMemory;
  private readonly seed: number;
  private readonly chunk: number;

  constructor(keyType: TypeInformation<K>, budget: MemoryBudget, seed = 0) {
    this.serializer = keyType.createSerializer();
    this.keyType = keyType;
    this.memory = budget.memory;
    this.seed = seed >>> 0;
    const { base, chunk } = hashArea(this.memory);
    this.out = base < 0 ? new DataOutputSerializer(HASH_AREA) : new DataOutputSerializer(HASH_AREA, { bytes: this.memory.bytes, base, capacity: HASH_AREA });
    this.chunk = chunk;
  }

  /** The 32-bit hash of `key` (signed, as Java's int). */
  hash(key: K): number {
    const out = this.out;
    out.clear();
    this.serializer.serialize(key, out);
    const n = out.position;
    if (out.inLinearMemory) return this.memory.core.murmur3(out.base, n, this.seed) | 0;
    return this.hashFromJs(out.view(), n);
  }

  private hashFromJs(bytes: Uint8Array, n: number): number {
    const core = this.memory.core;
    if (this.chunk < 0) throw new ConfigurationError('KeyHasher: no scratch memory left in the budget to hash keys in');
    let h = this.seed;
    let at = 0;
    while (n - at > CHUNK) {
      this.memory.bytes.set(bytes.subarray(at, at + CHUNK), this.chunk);
      h = core.murmurBlocks(h, this.chunk, CHUNK);
      at += CHUNK;
    }
    this.memory.bytes.set(bytes.subarray(at, n), this.chunk);
    h = core.murmurBlocks(h, this.chunk, n - at);
    return core.murmurFinish(h, this.chunk, n - at, n) | 0;
  }

  /** The key group of `key`. */
  keyGroup(key: K, maxParallelism = DEFAULT_MAX_PARALLELISM): number {
    checkParallelism(maxParallelism);
    return computeKeyGroupForKeyHash(this.hash(key), maxParallelism);
  }

  /** The parallel instance (of `parallelism`) that owns `key`. */
  operatorIndex(key: K, maxParallelism: number, parallelism: number): number {
    return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, this.keyGroup(key, maxParallelism));
  }
}
