/**
 * A TypeSerializer writes values of one type to a {@link DataOutputSerializer}
 * and reads them back from a {@link DataInputDeserializer} (Flink's
 * `TypeSerializer`). Serializers are composed once per type — an OBJECT's
 * serializer holds its fields' serializers — so the hot path makes no
 * decisions about types, only calls.
 *
 * Contract (checked for every type by test/contracts): `deserialize(serialize(v))`
 * equals `v`; `copy(v)` is deep and equal; `getLength()` is the exact size for
 * fixed-size types and -1 otherwise; a value that does not match the type is
 * refused with a {@link SerializationError} naming the field path and value.
 *
 * @example
 * ```ts
 * const s = Types.OBJECT({ id: Types.LONG, tags: Types.LIST(Types.STRING) }).createSerializer();
 * const out = new DataOutputSerializer();
 * s.serialize({ id: 1, tags: ['a'] }, out);
 * s.deserialize(new DataInputDeserializer(out.toUint8Array())); // { id: 1, tags: ['a'] }
 * s.serialize({ id: 1, tags: [2] }, out); // SerializationError: tags[0]: expected STRING (a string), got 2 (number)
 * ```
 */
import { SerializationError } from '../errors.js';
import type { DataInputDeserializer } from './DataInputDeserializer.js';
import type { DataOutputSerializer } from './DataOutputSerializer.js';

export abstract class TypeSerializer<T> {
  /** Writes `value`; throws {@link SerializationError} if it does not match the type. */
  abstract serialize(value: T, out: DataOutputSerializer): void;
  /** Reads one value. */
  abstract deserialize(input: DataInputDeserializer): T;
  /** A deep copy of `value`. */
  abstract copy(value: T): T;
  /** The serialized size in bytes if it is the same for every value, else -1. */
  getLength(): number {
    return -1;
  }
  /** The value a field of this type gets when a schema migration adds it. */
  abstract defaultValue(): T;
}

/** Describes a value for an error message: its JSON-ish text and its type. */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) text = String(value);
  else if (value instanceof Date) text = `Date(${value.getTime()})`;
  else if (Array.isArray(value)) text = `an array of ${value.length}`;
  else if (ArrayBuffer.isView(value)) text = `a ${value.constructor.name}`;
  else if (typeof value === 'object') text = `an object (${value.constructor?.name ?? 'no prototype'})`;
  else text = `a ${typeof value}`;
  return typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol' ? text : `${text} (${typeof value})`;
}

/** The error for a value that does not match `expected`. */
export function mismatch(expected: string, value: unknown): SerializationError {
  if (value === undefined) return new SerializationError(`missing value: expected ${expected}, got undefined`, '', value);
  return new SerializationError(`expected ${expected}, got ${describeValue(value)}`, '', value);
}

/** Rethrows `error` with `segment` prepended to its field path (other errors pass through). */
export function rethrowWithin(error: unknown, segment: string): never {
  if (error instanceof SerializationError) throw error.within(segment);
  throw error;
}
