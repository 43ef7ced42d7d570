/**
 * `Types`: the TypeInformation of every kind, and `Types.infer(sample)`.
 *
 * @example
 * ```ts
 * import { Types } from 'weir';
 * const Bid = Types.OBJECT({
 *   auction: Types.LONG, bidder: Types.LONG, price: Types.LONG,
 *   channel: Types.STRING, url: Types.STRING, dateTime: Types.LONG, extra: Types.STRING,
 * });
 * const Pair = Types.TUPLE([Types.STRING, Types.INT]);
 * const Tags = Types.NULLABLE(Types.LIST(Types.STRING));
 * Types.infer({ word: 'a', n: 1 }).toString(); // 'OBJECT<{ word: STRING, n: DOUBLE }>'
 * ```
 */
import { TypeInformationError } from '../errors.js';
import { BasicTypeInfo } from './BasicTypeInfo.js';
import { ObjectTypeInfo, TupleTypeInfo } from './CompositeTypeInfo.js';
import { EnumTypeInfo, ListTypeInfo, MapTypeInfo, NullableTypeInfo, PrimitiveArrayTypeInfo } from './ContainerTypeInfo.js';
import { GenericTypeInfo } from './GenericTypeInfo.js';
import type { PrimitiveArrayName, TypeDescriptor, TypeInformation } from './TypeInformation.js';

/** The JS value type a TypeInformation describes. */
export type TypeOf<I> = I extends TypeInformation<infer T> ? T : never;

const GENERIC = new GenericTypeInfo();
let genericWarned = false;

/**
 * Warns once per process that a stream fell back to GENERIC, naming where.
 * @internal
 */
export function warnGenericFallback(where: string): void {
  if (genericWarned) return;
  genericWarned = true;
  console.warn(
    `weir: ${where} has no TypeInformation and falls back to Types.GENERIC, a self-describing encoding that is several times ` +
      'slower and larger; give the type with .returns(...) or a type argument (this warning is shown once).',
  );
}

const TYPED_ARRAY_NAMES = new Set([
  'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);

function infer(sample: unknown, path: string, fallbacks: string[]): TypeInformation {
  switch (typeof sample) {
    case 'boolean':
      return Types.BOOLEAN;
    case 'number':
      return Types.DOUBLE;
    case 'bigint':
      return Types.BIGINT;
    case 'string':
      return Types.STRING;
  }
  if (sample instanceof Date) return Types.INSTANT;
  if (sample instanceof Uint8Array) return Types.BYTES; // Node Buffers too (they read back as Uint8Array)
  if (ArrayBuffer.isView(sample) && TYPED_ARRAY_NAMES.has(sample.constructor.name)) {
    return Types.PRIMITIVE_ARRAY(sample.constructor.name as PrimitiveArrayName);
  }
  if (Array.isArray(sample)) {
    if (sample.length === 0) {
      fallbacks.push(`${path}[] (empty array)`);
      return Types.LIST(GENERIC);
    }
    const items = sample.map((x, i) => infer(x, `${path}[${i}]`, fallbacks));
    const first = items[0]!;
    return items.every((t) => t.equals(first)) ? Types.LIST(first) : Types.TUPLE(items);
  }
  if (sample instanceof Map) {
    const first = sample.entries().next();
    if (first.done) {
      fallbacks.push(`${path} (empty Map)`);
      return Types.MAP(GENERIC, GENERIC);
    }
    return Types.MAP(infer(first.value[0], `${path}{key}`, fallbacks), infer(first.value[1], `${path}{value}`, fallbacks));
  }
  if (sample !== null && typeof sample === 'object') {
    const proto = Object.getPrototypeOf(sample);
    if (proto === Object.prototype || proto === null) {
      const fields: [string, TypeInformation][] = [];
      for (const [k, v] of Object.entries(sample)) {
        fields.push([k, v === null || v === undefined ? Types.NULLABLE(GENERIC) : infer(v, path === '' ? k : `${path}.${k}`, fallbacks)]);
        if (v === null || v === undefined) fallbacks.push(`${path === '' ? k : `${path}.${k}`} (${v})`);
      }
      return Types.OBJECT(Object.fromEntries(fields)); // fromEntries keeps a field named __proto__
    }
  }
  fallbacks.push(path === '' ? 'the value' : path);
  return GENERIC;
}

function fromDescriptor(d: TypeDescriptor): TypeInformation {
  switch (d.kind) {
    case 'PRIMITIVE_ARRAY':
      return Types.PRIMITIVE_ARRAY(d.element);
    case 'LIST':
      return Types.LIST(fromDescriptor(d.element));
    case 'NULLABLE':
      return Types.NULLABLE(fromDescriptor(d.element));
    case 'MAP':
      return Types.MAP(fromDescriptor(d.key), fromDescriptor(d.value));
    case 'TUPLE':
      return Types.TUPLE(d.items.map(fromDescriptor));
    case 'OBJECT':
      return Types.OBJECT(Object.fromEntries(d.fields.map(([n, f]) => [n, fromDescriptor(f)])));
    case 'ENUM':
      return Types.ENUM(d.values);
    case 'GENERIC':
      return GENERIC;
    default: {
      const basic = (Types as unknown as Record<string, unknown>)[d.kind];
      if (basic instanceof BasicTypeInfo) return basic;
      throw new TypeInformationError(`unknown type kind ${JSON.stringify((d as { kind: unknown }).kind)} in a type descriptor`);
    }
  }
}

export const Types = {
  BOOLEAN: new BasicTypeInfo<boolean>('BOOLEAN'),
  /** 8-bit signed integer. */
  BYTE: new BasicTypeInfo<number>('BYTE'),
  /** 16-bit signed integer. */
  SHORT: new BasicTypeInfo<number>('SHORT'),
  /** 32-bit signed integer. */
  INT: new BasicTypeInfo<number>('INT'),
  /** 64-bit signed integer as a JS number: values outside the safe-integer range are refused (use BIGINT). */
  LONG: new BasicTypeInfo<number>('LONG'),
  /** 64-bit signed integer as a bigint. */
  BIGINT: new BasicTypeInfo<bigint>('BIGINT'),
  /** 32-bit float: values are rounded to float32. */
  FLOAT: new BasicTypeInfo<number>('FLOAT'),
  DOUBLE: new BasicTypeInfo<number>('DOUBLE'),
  /** A string, UTF-8 on the wire (unpaired surrogates kept as WTF-8). */
  STRING: new BasicTypeInfo<string>('STRING'),
  /** A Uint8Array. */
  BYTES: new BasicTypeInfo<Uint8Array>('BYTES'),
  /** A Date, as epoch milliseconds on the wire. */
  INSTANT: new BasicTypeInfo<Date>('INSTANT'),
  /** The self-describing fallback for values no type describes (slower, not a key). */
  GENERIC: GENERIC as TypeInformation<unknown>,

  /** A typed array, by class or name: `Types.PRIMITIVE_ARRAY(Float64Array)`. */
  PRIMITIVE_ARRAY<A extends ArrayBufferView = ArrayBufferView>(element: PrimitiveArrayName | { name: string }): TypeInformation<A> {
    return new PrimitiveArrayTypeInfo(element) as unknown as TypeInformation<A>;
  },
  /** An array of any length with elements of one type. */
  LIST<E>(element: TypeInformation<E>): TypeInformation<E[]> {
    return new ListTypeInfo(element);
  },
  /** A JS Map. */
  MAP<K, V>(key: TypeInformation<K>, value: TypeInformation<V>): TypeInformation<Map<K, V>> {
    return new MapTypeInfo(key, value);
  },
  /** A fixed-arity array: `Types.TUPLE([Types.STRING, Types.LONG])` for `['a', 1]`. */
  TUPLE<T extends unknown[]>(items: { [K in keyof T]: TypeInformation<T[K]> }): TypeInformation<T> {
    return new TupleTypeInfo<T>(items as TypeInformation[]);
  },
  /** A plain object with these fields (Flink's POJO / Row). */
  OBJECT<T extends object>(fields: { [K in keyof T]: TypeInformation<T[K]> }): TypeInformation<T> {
    return new ObjectTypeInfo<T>(fields as Record<string, TypeInformation>);
  },
  /** The type, or null or undefined. */
  NULLABLE<T>(element: TypeInformation<T>): TypeInformation<T | null | undefined> {
    return new NullableTypeInfo(element);
  },
  /** One of a fixed list of strings or numbers; ordered by position in the list. */
  ENUM<V extends string | number>(values: readonly V[]): TypeInformation<V> {
    return new EnumTypeInfo(values);
  },

  /**
   * A TypeInformation for values like `sample`: numbers become DOUBLE, plain
   * objects OBJECT, arrays LIST (or TUPLE when the items differ), Dates
   * INSTANT, … Whatever cannot be described (class instances, null fields,
   * empty arrays) becomes GENERIC; `onFallback` hears where — without it,
   * weir warns once per process (console.warn) that a type fell back.
   */
  infer<T>(sample: T, onFallback?: (paths: string[]) => void): TypeInformation<T> {
    const fallbacks: string[] = [];
    const type = infer(sample, '', fallbacks);
    if (fallbacks.length > 0) {
      if (onFallback !== undefined) onFallback(fallbacks);
      else warnGenericFallback(`Types.infer (at ${fallbacks.join(', ')})`);
    }
    return type as TypeInformation<T>;
  },

  /** The TypeInformation a descriptor describes. */
  fromDescriptor(descriptor: TypeDescriptor): TypeInformation {
    return fromDescriptor(descriptor);
  },
};
