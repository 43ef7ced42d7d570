/**
 * A TypeComparator orders records of one type by one or more key fields,
 * each ascending or descending (Flink's `TypeComparator`). It orders values
 * (JS objects), writes normalized keys, and — bound to a memory budget with
 * {@link forMemory} — compares serialized records in wasm, reading the key
 * fields by offset without deserializing anything.
 *
 * **Normalized keys.** A fixed-length byte prefix whose unsigned byte order
 * equals the comparator's order: integers big-endian with the sign bit
 * flipped, floats by the IEEE transform, strings as UTF-16 code units, each
 * key's bytes inverted when it is descending, keys one after another. When
 * every key is of a fixed-size type and all of them fit in the prefix, the
 * prefix decides the order by itself ({@link isNormalizedKeyPrefixOnly} is
 * false); otherwise equal prefixes need a full comparison.
 *
 * **Order.** Numbers by value; FLOAT/DOUBLE as Java's `Double.compare`
 * (-0 < +0, NaN after everything, NaN equal to NaN); strings as JavaScript's
 * `<` (UTF-16 code units — not UTF-8 byte order, which differs for characters
 * beyond U+FFFF); BYTES unsigned lexicographically; null and undefined before
 * any value; ENUM values by position.
 *
 * @example
 * ```ts
 * const Bid = Types.OBJECT({ auction: Types.LONG, price: Types.LONG, channel: Types.STRING });
 * const byPriceDesc = new TypeComparator(Bid, [{ field: 'price', order: 'desc' }, 'auction']);
 * byPriceDesc.compare(a, b);
 * ```
 */
import { TypeInformationError } from '../errors.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import type { LinearMemory } from '../core/LinearMemory.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import { requireKeyOps, TypeInformation, type KeyOps, type TypeDescriptor } from './TypeInformation.js';

/** A key field: a name, an index (TUPLE), a path into nested fields, or one of those with an order. */
export type KeyField =
  | string
  | number
  | (string | number)[]
  | { field: string | number | (string | number)[]; order?: 'asc' | 'desc' };

/** Options of a comparator. */
export interface TypeComparatorOptions {
  /** Bytes of the normalized key (default: what the keys need, at most 16; never more than they need). */
  normalizedKeyBytes?: number;
}

interface ResolvedKey {
  path: (string | number)[];
  indexes: number[];
  type: TypeInformation;
  ops: KeyOps<unknown>;
  descending: boolean;
  get(record: unknown): unknown;
}

const DEFAULT_NORMALIZED_KEY_BYTES = 16;

function normalizePath(field: string | number | (string | number)[]): (string | number)[] {
  if (Array.isArray(field)) return field;
  if (typeof field === 'number') return [field];
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export class TypeComparator<T> {
  readonly type: TypeInformation<T>;
  /** @internal */
  readonly keys: ResolvedKey[];
  private readonly normalizedKeys: ResolvedKey[];
  /** Bytes of the normalized key this comparator writes. */
  readonly normalizedKeyLength: number;
  /** True if equal normalized keys do not mean equal keys (a full comparison is needed on a tie). */
  readonly isNormalizedKeyPrefixOnly: boolean;

  /** Keys default to the whole value (which must then be a key type). */
  constructor(type: TypeInformation<T>, keys?: KeyField[], options: TypeComparatorOptions = {}) {
    if (!(type instanceof TypeInformation)) throw new TypeInformationError(`TypeComparator takes a TypeInformation, got ${String(type)}`);
    this.type = type;
    this.keys = keys === undefined || keys.length === 0 ? [this.resolve([], false)] : keys.map((k) => this.resolveSpec(k));
    // Keys up to and including the first whose normalized key does not decide its order:
    // bytes of later keys after a tie-breaking one would outrank the tie-break.
    const cut = this.keys.findIndex((k) => !k.ops.normalizedKeyDecides);
    this.normalizedKeys = cut < 0 ? this.keys : this.keys.slice(0, cut + 1);
    const natural = this.normalizedKeys.reduce((n, k) => n + k.ops.normalizedKeyLength, 0);
    const wanted = options.normalizedKeyBytes ?? Math.min(natural, DEFAULT_NORMALIZED_KEY_BYTES);
    if (!Number.isInteger(wanted) || wanted < 0 || wanted > 256) {
      throw new TypeInformationError(`TypeComparator: normalizedKeyBytes must be an integer from 0 to 256, got ${String(wanted)}`);
    }
    this.normalizedKeyLength = Math.min(wanted, natural); // bytes past what the keys fill would always be 0
    this.isNormalizedKeyPrefixOnly = !(wanted >= natural && cut < 0);
  }

  private resolveSpec(spec: KeyField): ResolvedKey {
    if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
      if (spec.order !== undefined && spec.order !== 'asc' && spec.order !== 'desc') {
        throw new TypeInformationError(`key ${JSON.stringify(spec.field)}: order must be 'asc' or 'desc', got ${JSON.stringify(spec.order)}`);
      }
      return this.resolve(normalizePath(spec.field), spec.order === 'desc');
    }
    return this.resolve(normalizePath(spec), false);
  }

  private resolve(path: (string | number)[], descending: boolean): ResolvedKey {
    let type: TypeInformation = this.type;
    const indexes: number[] = [];
    for (let i = 0; i < path.length; i++) {
      const f = type.field(path[i]!);
      if (f === undefined) {
        throw new TypeInformationError(
          `key ${JSON.stringify(path.join('.'))}: ${type.toString()} has no field ${JSON.stringify(path[i])}` +
            (type.kind === 'OBJECT' || type.kind === 'TUPLE' ? '' : ' (keys reach into OBJECT and TUPLE fields only)'),
        );
      }
      indexes.push(f.index);
      type = f.type;
    }
    const where = path.length === 0 ? 'key' : `key ${JSON.stringify(path.join('.'))}`;
    const ops = requireKeyOps(type, where) as KeyOps<unknown>;
    const get = (record: unknown) => {
      let v = record;
      for (const p of path) v = (v as Record<string | number, unknown>)[p];
      return v;
    };
    return { path, indexes, type, ops, descending, get };
  }

  /** Orders two records by the keys: negative, 0 or positive. */
  compare(a: T, b: T): number {
    for (const k of this.keys) {
      const c = k.ops.compare(k.get(a), k.get(b));
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  }

  /** The key values of a record, in key order. */
  getKeys(record: T): unknown[] {
    return this.keys.map((k) => k.get(record));
  }

  /** Writes the record's normalized key ({@link normalizedKeyLength} bytes) at `bytes[offset]`. */
  putNormalizedKey(record: T, bytes: Uint8Array, offset: number): void {
    let left = this.normalizedKeyLength;
    let at = offset;
    for (const k of this.normalizedKeys) {
      if (left === 0) break;
      const n = Math.min(left, k.ops.normalizedKeyLength);
      k.ops.putNormalizedKey(k.get(record), bytes, at, n);
      if (k.descending) for (let i = at; i < at + n; i++) bytes[i] = ~bytes[i]! & 0xff;
      at += n;
      left -= n;
    }
    if (left > 0) bytes.fill(0, at, at + left);
  }

  /** This comparator over serialized records in `budget`'s linear memory (compiled once per budget). */
  forMemory(budget: MemoryBudget): SerializedComparator<T> {
    const memory = budget.memory;
    let bound = this.bound.get(memory);
    if (bound === undefined) {
      bound = new SerializedComparator(this, memory);
      this.bound.set(memory, bound);
    }
    return bound;
  }

  private readonly bound = new WeakMap<LinearMemory, SerializedComparator<T>>();
}

// Type codes of assembly/keys.ts.
const CODES: Record<string, number> = {
  BOOLEAN: 1, BYTE: 2, SHORT: 3, INT: 4, LONG: 5, BIGINT: 6, FLOAT: 7, DOUBLE: 8, INSTANT: 9, STRING: 10, BYTES: 11,
  ENUM: 12, NULLABLE: 13, OBJECT: 14, TUPLE: 14, LIST: 15, MAP: 16, PRIMITIVE_ARRAY: 17, GENERIC: 18,
};

const WIDTHS: Record<string, number> = {
  Int8Array: 1, Uint8Array: 1, Int16Array: 2, Uint16Array: 2, Int32Array: 4, Uint32Array: 4, Float32Array: 4, Float64Array: 8, BigInt64Array: 8, BigUint64Array: 8,
};

/** A descriptor node in wasm words: its offset in `words` and its children's nodes. */
interface Node {
  offset: number;
  children: Node[];
}

/** Encodes a descriptor as wasm words [code, size, ...payload, ...children]; returns the root node. */
function encode(d: TypeDescriptor, words: number[]): Node {
  const offset = words.length;
  words.push(CODES[d.kind]!, 0);
  const children: Node[] = [];
  switch (d.kind) {
    case 'OBJECT':
    case 'TUPLE': {
      const items = d.kind === 'OBJECT' ? d.fields.map(([, f]) => f) : d.items;
      words.push(items.length);
      for (const item of items) children.push(encode(item, words));
      break;
    }
    case 'LIST':
    case 'NULLABLE':
      children.push(encode(d.element, words));
      break;
    case 'MAP':
      children.push(encode(d.key, words), encode(d.value, words));
      break;
    case 'PRIMITIVE_ARRAY':
      words.push(WIDTHS[d.element]!);
      break;
  }
  words[offset + 1] = words.length - offset;
  return { offset, children };
}

/** Compiled comparator programs per budget, by type and keys. */
const programs = new WeakMap<LinearMemory, Map<string, number>>();

/**
 * A {@link TypeComparator} compiled for one memory budget: the record type's
 * descriptor and the key program live in the budget's scratch area, and
 * comparisons run in wasm on records in its segments.
 */
export class SerializedComparator<T> {
  private readonly memory: LinearMemory;
  /** @internal Address of the comparator program. */
  readonly program: number;

  /** @internal Use {@link TypeComparator.forMemory}. */
  constructor(comparator: TypeComparator<T>, memory: LinearMemory) {
    this.memory = memory;
    // Programs are compiled once per budget for each type and keys: the scratch area they live in is never freed.
    const id = JSON.stringify([comparator.type.describe(), comparator.keys.map((k) => [k.indexes, k.descending])]);
    let compiled = programs.get(memory);
    if (compiled === undefined) programs.set(memory, (compiled = new Map()));
    const known = compiled.get(id);
    if (known !== undefined) {
      this.program = known;
      return;
    }
    const words: number[] = [];
    const root = encode(comparator.type.describe(), words);
    // The program follows the descriptor: node offsets become addresses once the block is placed.
    const program: number[] = [comparator.keys.length];
    const nodeRefs: number[] = []; // positions in `program` holding node offsets
    for (const key of comparator.keys) {
      const skips: Node[] = [];
      let node = root;
      for (const index of key.indexes) {
        skips.push(...node.children.slice(0, index));
        node = node.children[index]!;
      }
      program.push(key.descending ? 1 : 0, skips.length);
      for (const s of [...skips, node]) {
        nodeRefs.push(program.length);
        program.push(s.offset);
      }
    }
    const bytes = (words.length + program.length) * 4;
    const base = memory.allocScratch(bytes);
    if (base < 0) {
      throw new TypeInformationError(`TypeComparator for ${comparator.type.toString()}: no room left in the budget's scratch area for its ${bytes}-byte program`);
    }
    const programAt = base + words.length * 4;
    for (const at of nodeRefs) program[at] = base + program[at]! * 4;
    const view = memory.view;
    words.forEach((w, i) => view.setInt32(base + i * 4, w, true));
    program.forEach((w, i) => view.setInt32(programAt + i * 4, w, true));
    this.program = programAt;
    compiled.set(id, programAt);
  }

  /** Compares the serialized records at `offsetA` of `a` and `offsetB` of `b` (each wholly inside its segment). */
  compare(a: MemorySegment, offsetA: number, b: MemorySegment, offsetB: number): number {
    if (a.memory !== this.memory || b.memory !== this.memory) {
      throw new TypeInformationError('SerializedComparator: segments of another memory budget');
    }
    // Zero-length views check the offsets and raise the use-after-release error.
    a.view(offsetA, 0);
    b.view(offsetB, 0);
    return this.memory.core.compareRecords(this.program, a.address + offsetA, b.address + offsetB);
  }
}
