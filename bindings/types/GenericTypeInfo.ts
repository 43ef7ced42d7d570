/**
 * GENERIC: the fallback for values no TypeInformation describes (Flink's Kryo
 * fallback). Each value is written self-describing — a tag byte per value —
 * after a padded 5-byte varint of its total length, so that the comparator
 * can skip it. It round-trips null, undefined, booleans, numbers (including
 * NaN and -0), bigints, strings, arrays, plain objects, Dates, Maps, Sets and
 * typed arrays. It is several times slower and larger than a described type,
 * cannot be a key, and refuses class instances, functions and symbols (their
 * prototype could not be restored) and cycles.
 *
 * The DataStream API warns once when a stream falls back to it.
 */
import { SerializationError } from '../errors.js';
import { TypeInformation, type TypeDescriptor } from './TypeInformation.js';
import { describeValue, TypeSerializer } from './TypeSerializer.js';
import type { DataInputDeserializer } from './DataInputDeserializer.js';
import type { DataOutputSerializer } from './DataOutputSerializer.js';

const enum Tag {
  Null = 0, Undefined, False, True, Int32, Float64, String, BigInt, Array, Object, Date, Map, Set, TypedArray,
}

const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
const MAX_DEPTH = 512;

class GenericSerializer extends TypeSerializer<unknown> {
  serialize(value: unknown, out: DataOutputSerializer): void {
    out.ensure(5);
    const lengthAt = out.position;
    out.position += 5;
    this.write(value, out, 0);
    let n = out.position - lengthAt - 5;
    for (let k = 0; k < 5; k++) {
      out.bytes[out.base + lengthAt + k] = k < 4 ? (n & 0x7f) | 0x80 : n & 0x7f;
      n >>>= 7;
    }
  }

  private write(v: unknown, out: DataOutputSerializer, depth: number): void {
    if (depth > MAX_DEPTH) throw new SerializationError(`GENERIC: nesting deeper than ${MAX_DEPTH} (a cycle?)`, '', v);
    switch (typeof v) {
      case 'undefined':
        return out.writeUint8(Tag.Undefined);
      case 'boolean':
        return out.writeUint8(v ? Tag.True : Tag.False);
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          out.writeUint8(Tag.Int32);
          return out.writeInt32(v);
        }
        out.writeUint8(Tag.Float64);
        // NaN payloads are not kept: every NaN reads back as NaN.
        return out.writeFloat64(v);
      case 'string':
        out.writeUint8(Tag.String);
        return out.writeString(v);
      case 'bigint':
        out.writeUint8(Tag.BigInt);
        return out.writeString(v.toString(16));
      case 'object':
        return this.writeObject(v, out, depth);
      default:
        throw new SerializationError(`GENERIC cannot serialize ${describeValue(v)}`, '', v);
    }
  }

  private writeObject(v: object | null, out: DataOutputSerializer, depth: number): void {
    if (v === null) return out.writeUint8(Tag.Null);
    if (Array.isArray(v)) {
      out.writeUint8(Tag.Array);
      out.writeVarUint32(v.length);
      for (let i = 0; i < v.length; i++) this.within(v[i], out, depth, `[${i}]`);
      return;
    }
    if (v instanceof Date) {
      out.writeUint8(Tag.Date);
      return out.writeFloat64(v.getTime());
    }
    if (v instanceof Map) {
      out.writeUint8(Tag.Map);
      out.writeVarUint32(v.size);
      for (const [k, x] of v) {
        this.within(k, out, depth, '{key}');
        this.within(x, out, depth, `{${describeValue(k)}}`);
      }
      return;
    }
    if (v instanceof Set) {
      out.writeUint8(Tag.Set);
      out.writeVarUint32(v.size);
      let i = 0;
      for (const x of v) this.within(x, out, depth, `[${i++}]`);
      return;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const kind = TYPED.findIndex((C) => v instanceof C && v.constructor === C);
      if (kind >= 0) {
        out.writeUint8(Tag.TypedArray);
        out.writeUint8(kind);
        out.writeBytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        return;
      }
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new SerializationError(`GENERIC cannot serialize ${describeValue(v)}: only plain objects, arrays, Dates, Maps, Sets and typed arrays`, '', v);
    }
    const keys = Object.keys(v);
    out.writeUint8(Tag.Object);
    out.writeVarUint32(keys.length);
    for (const k of keys) {
      out.writeString(k);
      this.within((v as Record<string, unknown>)[k], out, depth, k);
    }
  }

  private within(v: unknown, out: DataOutputSerializer, depth: number, segment: string): void {
    try {
      this.write(v, out, depth + 1);
    } catch (e) {
      if (e instanceof SerializationError) throw e.within(segment);
      throw e;
    }
  }

  deserialize(input: DataInputDeserializer): unknown {
    const n = input.readVarUint32();
    const end = input.position + n;
    const v = this.read(input);
    if (input.position !== end) throw new SerializationError(`corrupt record: GENERIC value read ${input.position - end + n} of ${n} bytes`, '', undefined);
    return v;
  }

  private read(input: DataInputDeserializer): unknown {
    const tag = input.readUint8();
    switch (tag) {
      case Tag.Null: return null;
      case Tag.Undefined: return undefined;
      case Tag.False: return false;
      case Tag.True: return true;
      case Tag.Int32: return input.readInt32();
      case Tag.Float64: return input.readFloat64();
      case Tag.String: return input.readString();
      case Tag.BigInt: {
        const hex = input.readString();
        return hex.startsWith('-') ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
      }
      case Tag.Array: {
        const n = input.readVarUint32();
        const a = new Array(n);
        for (let i = 0; i < n; i++) a[i] = this.read(input);
        return a;
      }
      case Tag.Object: {
        const n = input.readVarUint32();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = input.readString();
          const x = this.read(input);
          if (k === '__proto__') Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
          else o[k] = x;
        }
        return o;
      }
      case Tag.Date: return new Date(input.readFloat64());
      case Tag.Map: {
        const n = input.readVarUint32();
        const m = new Map();
        for (let i = 0; i < n; i++) {
          const k = this.read(input);
          m.set(k, this.read(input));
        }
        return m;
      }
      case Tag.Set: {
        const n = input.readVarUint32();
        const s = new Set();
        for (let i = 0; i < n; i++) s.add(this.read(input));
        return s;
      }
      case Tag.TypedArray: {
        const C = TYPED[input.readUint8()];
        if (C === undefined) break;
        return new C(input.readBytes().buffer as ArrayBuffer);
      }
    }
    throw new SerializationError(`corrupt record: GENERIC tag ${tag}`, '', undefined);
  }

  copy(value: unknown): unknown {
    return value === null || typeof value !== 'object' ? value : structuredClone(value);
  }

  defaultValue(): unknown {
    return null;
  }
}

export class GenericTypeInfo extends TypeInformation<unknown> {
  readonly kind = 'GENERIC' as const;

  describe(): TypeDescriptor {
    return { kind: 'GENERIC' };
  }

  protected buildSerializer(): TypeSerializer<unknown> {
    return new GenericSerializer();
  }
}
