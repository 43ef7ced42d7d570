/**
 * TypeInformation describes the type of the records in a stream (Flink's
 * `TypeInformation`): it creates the type's {@link TypeSerializer}, knows
 * whether values of the type can be keys and how they order, and describes
 * itself as a plain {@link TypeDescriptor} — what snapshots store, what the
 * wasm comparator reads fields by, and what two types are compared by.
 *
 * Instances come from {@link Types}: `Types.INT`, `Types.OBJECT({ … })`, ….
 *
 * @example
 * ```ts
 * const Point = Types.TUPLE([Types.DOUBLE, Types.DOUBLE]);
 * Point.toString();                    // 'TUPLE<[DOUBLE, DOUBLE]>'
 * Point.isKeyType;                     // true
 * const serializer = Point.createSerializer();
 * const byX = Point.createComparator([0]);
 * ```
 */
import { TypeInformationError } from '../errors.js';
import { TypeComparator, type KeyField, type TypeComparatorOptions } from './TypeComparator.js';
import type { TypeSerializer } from './TypeSerializer.js';

/** The kinds of TypeInformation. */
export type TypeKind =
  | 'BOOLEAN' | 'BYTE' | 'SHORT' | 'INT' | 'LONG' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'INSTANT'
  | 'PRIMITIVE_ARRAY' | 'LIST' | 'MAP' | 'TUPLE' | 'OBJECT' | 'NULLABLE' | 'ENUM' | 'GENERIC';

/** The typed-array classes PRIMITIVE_ARRAY takes. */
export type PrimitiveArrayName =
  | 'Int8Array' | 'Uint8Array' | 'Int16Array' | 'Uint16Array' | 'Int32Array' | 'Uint32Array'
  | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array';

/** A type as plain data: what a snapshot stores. */
export type TypeDescriptor =
  | { kind: 'BOOLEAN' | 'BYTE' | 'SHORT' | 'INT' | 'LONG' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'INSTANT' | 'GENERIC' }
  | { kind: 'PRIMITIVE_ARRAY'; element: PrimitiveArrayName }
  | { kind: 'LIST'; element: TypeDescriptor }
  | { kind: 'MAP'; key: TypeDescriptor; value: TypeDescriptor }
  | { kind: 'TUPLE'; items: TypeDescriptor[] }
  | { kind: 'OBJECT'; fields: [string, TypeDescriptor][] }
  | { kind: 'NULLABLE'; element: TypeDescriptor }
  | { kind: 'ENUM'; values: (string | number)[] };

/**
 * What a key type contributes to comparators: a JS-level order (the
 * reference the byte order must equal) and normalized keys.
 * @internal
 */
export interface KeyOps<T> {
  /** Order of two values: negative, 0, positive. */
  compare(a: T, b: T): number;
  /** Bytes of the natural normalized key (may be more than a comparator uses). */
  readonly normalizedKeyLength: number;
  /** True if the natural normalized key decides the order completely (fixed-size types). */
  readonly normalizedKeyDecides: boolean;
  /** Writes the first `n` bytes of `value`'s normalized key at `bytes[offset]`. */
  putNormalizedKey(value: T, bytes: Uint8Array, offset: number, n: number): void;
}

export abstract class TypeInformation<T = unknown> {
  /** The kind of type. */
  abstract readonly kind: TypeKind;
  private cachedSerializer: TypeSerializer<T> | undefined;

  /** The type as plain data. */
  abstract describe(): TypeDescriptor;

  /** @internal Builds the serializer; use {@link createSerializer}. */
  protected abstract buildSerializer(): TypeSerializer<T>;

  /** The type's serializer (serializers hold no per-call state, so one is shared). */
  createSerializer(): TypeSerializer<T> {
    return (this.cachedSerializer ??= this.buildSerializer());
  }

  /**
   * A comparator of records of this type by `keys` (default: the whole value,
   * which must then be a key type); same as `new TypeComparator(this, keys)`.
   */
  createComparator(keys?: KeyField[], options?: TypeComparatorOptions): TypeComparator<T> {
    return new TypeComparator(this, keys, options);
  }

  /** True if values of this type can be keys: they have an order and a byte comparator. */
  get isKeyType(): boolean {
    return this.keyOps() !== undefined;
  }

  /** @internal The key behaviour, or undefined for types that cannot be keys. */
  keyOps(): KeyOps<T> | undefined {
    return undefined;
  }

  /** @internal How values are checked, written, read and copied inline in generated code, if they can be. */
  inlineCode(): import('./codegen.js').InlineCode | undefined {
    return undefined;
  }

  /** @internal For OBJECT and TUPLE: the position and type of a field. */
  field(name: string | number): { index: number; type: TypeInformation } | undefined {
    void name;
    return undefined;
  }

  /** True if `other` describes the same type. */
  equals(other: TypeInformation): boolean {
    return JSON.stringify(this.describe()) === JSON.stringify(other.describe());
  }

  toString(): string {
    return formatDescriptor(this.describe());
  }
}

/** `OBJECT<{ id: LONG, name: STRING }>`-style text of a descriptor. */
export function formatDescriptor(d: TypeDescriptor): string {
  switch (d.kind) {
    case 'PRIMITIVE_ARRAY':
      return `PRIMITIVE_ARRAY<${d.element}>`;
    case 'LIST':
    case 'NULLABLE':
      return `${d.kind}<${formatDescriptor(d.element)}>`;
    case 'MAP':
      return `MAP<${formatDescriptor(d.key)}, ${formatDescriptor(d.value)}>`;
    case 'TUPLE':
      return `TUPLE<[${d.items.map(formatDescriptor).join(', ')}]>`;
    case 'OBJECT':
      return `OBJECT<{ ${d.fields.map(([n, f]) => `${n}: ${formatDescriptor(f)}`).join(', ')} }>`;
    case 'ENUM':
      return `ENUM<${d.values.map((v) => JSON.stringify(v)).join(' | ')}>`;
    default:
      return d.kind;
  }
}

/** Refuses a non-key type where a key is needed. */
export function requireKeyOps<T>(type: TypeInformation<T>, where: string): KeyOps<T> {
  const ops = type.keyOps();
  if (ops === undefined) {
    throw new TypeInformationError(`${where}: ${type.toString()} cannot be a key: it has no order (key types are basic types, ENUM, NULLABLE of a key type, and TUPLE/OBJECT of key types)`);
  }
  return ops;
}
