/**
 * Containers: LIST(t) (arrays of any length), MAP(k, v) (JS `Map`s),
 * NULLABLE(t) (t, or null / undefined), PRIMITIVE_ARRAY (typed arrays, as raw
 * little-endian bytes) and ENUM (one of a fixed list of values, written as its
 * index). LIST and MAP write a varint count first; NULLABLE a flag byte
 * (0 null, 1 present, 2 undefined). NULLABLE of a key type and ENUM are key
 * types: null sorts first, then undefined, then values; enum values sort by
 * their position in the list.
 */
import { TypeInformationError } from '../errors.js';
import { generateSerializer, literal, type InlineCode } from './codegen.js';
import { fieldCode } from './fieldCode.js';
import { TypeInformation, type KeyOps, type PrimitiveArrayName, type TypeDescriptor } from './TypeInformation.js';
import type { TypeSerializer } from './TypeSerializer.js';

function requireType(t: unknown, where: string): TypeInformation {
  if (!(t instanceof TypeInformation)) throw new TypeInformationError(`${where} takes a TypeInformation (e.g. Types.STRING), got ${String(t)}`);
  return t;
}

export class ListTypeInfo<E> extends TypeInformation<E[]> {
  readonly kind = 'LIST' as const;
  readonly elementType: TypeInformation<E>;

  /** @internal Use {@link Types.LIST}. */
  constructor(element: TypeInformation<E>) {
    super();
    this.elementType = requireType(element, 'Types.LIST') as TypeInformation<E>;
  }

  describe(): TypeDescriptor {
    return { kind: 'LIST', element: this.elementType.describe() };
  }

  protected buildSerializer(): TypeSerializer<E[]> {
    const deps: Record<string, unknown> = {};
    const e = fieldCode(this.elementType, 's0', deps);
    return generateSerializer<E[]>({
      serialize:
        `if (!Array.isArray(value)) throw mismatch('LIST (an array)', value);\n` +
        'const n = value.length;\nout.writeVarUint32(n);\n' +
        `for (let i = 0; i < n; i++) {\n const f = value[i];\n ${e.write('f', "'[' + i + ']'")}\n}`,
      deserialize: `const n = input.readVarUint32();\nconst a = new Array(n);\nfor (let i = 0; i < n; i++) a[i] = ${e.read()};\nreturn a;`,
      copy: `const n = value.length;\nconst a = new Array(n);\nfor (let i = 0; i < n; i++) { const f = value[i]; a[i] = ${e.copy('f')}; }\nreturn a;`,
      deps,
      defaultValue: () => [],
    });
  }
}

export class MapTypeInfo<K, V> extends TypeInformation<Map<K, V>> {
  readonly kind = 'MAP' as const;
  readonly keyType: TypeInformation<K>;
  readonly valueType: TypeInformation<V>;

  /** @internal Use {@link Types.MAP}. */
  constructor(key: TypeInformation<K>, value: TypeInformation<V>) {
    super();
    this.keyType = requireType(key, 'Types.MAP') as TypeInformation<K>;
    this.valueType = requireType(value, 'Types.MAP') as TypeInformation<V>;
  }

  describe(): TypeDescriptor {
    return { kind: 'MAP', key: this.keyType.describe(), value: this.valueType.describe() };
  }

  protected buildSerializer(): TypeSerializer<Map<K, V>> {
    const deps: Record<string, unknown> = {};
    const k = fieldCode(this.keyType, 'sk', deps);
    const v = fieldCode(this.valueType, 'sv', deps);
    return generateSerializer<Map<K, V>>({
      serialize:
        `if (!(value instanceof Map)) throw mismatch('MAP (a Map)', value);\n` +
        'out.writeVarUint32(value.size);\n' +
        `for (const [k, v] of value) {\n ${k.write('k', "'{key}'")}\n ${v.write('v', "'{' + describeValue(k) + '}'")}\n}`,
      deserialize: `const n = input.readVarUint32();\nconst m = new Map();\nfor (let i = 0; i < n; i++) { const k = ${k.read()}; m.set(k, ${v.read()}); }\nreturn m;`,
      copy: `const m = new Map();\nfor (const [k, v] of value) m.set(${k.copy('k')}, ${v.copy('v')});\nreturn m;`,
      deps,
      defaultValue: () => new Map(),
    });
  }
}

export class NullableTypeInfo<T> extends TypeInformation<T | null | undefined> {
  readonly kind = 'NULLABLE' as const;
  readonly elementType: TypeInformation<T>;

  /** @internal Use {@link Types.NULLABLE}. */
  constructor(element: TypeInformation<T>) {
    super();
    this.elementType = requireType(element, 'Types.NULLABLE') as TypeInformation<T>;
    if (element.kind === 'NULLABLE') throw new TypeInformationError('Types.NULLABLE of a NULLABLE type: one NULLABLE is enough');
  }

  describe(): TypeDescriptor {
    return { kind: 'NULLABLE', element: this.elementType.describe() };
  }

  override inlineCode(): InlineCode | undefined {
    const e = this.elementType.inlineCode();
    if (e === undefined) return undefined;
    return {
      invalid: `($ !== null && $ !== undefined && (${e.invalid}))`,
      expected: `${e.expected}, null or undefined`,
      write: `if ($ === null) out.writeUint8(0); else if ($ === undefined) out.writeUint8(2); else { out.writeUint8(1); ${e.write} }`,
      read: `((t) => t === 1 ? ${e.read} : t === 0 ? null : t === 2 ? undefined : badFlag(t))(input.readUint8())`,
      copy: `($ === null || $ === undefined ? $ : ${e.copy})`,
    };
  }

  protected buildSerializer(): TypeSerializer<T | null | undefined> {
    const deps: Record<string, unknown> = {};
    const e = fieldCode(this.elementType, 's0', deps);
    return generateSerializer<T | null | undefined>({
      serialize: `if (value === null) out.writeUint8(0);\nelse if (value === undefined) out.writeUint8(2);\nelse {\n out.writeUint8(1);\n const f = value;\n ${e.write('f', "''")}\n}`,
      deserialize: `const t = input.readUint8();\nif (t === 1) return ${e.read()};\nif (t === 0) return null;\nif (t === 2) return undefined;\nreturn badFlag(t);`,
      copy: `if (value === null || value === undefined) return value;\nconst f = value;\nreturn ${e.copy('f')};`,
      deps,
      defaultValue: () => null,
    });
  }

  override keyOps(): KeyOps<T | null | undefined> | undefined {
    const inner = this.elementType.keyOps();
    if (inner === undefined) return undefined;
    // null, then undefined, then values: keys that compare equal have equal bytes (and hashes).
    const rank = (v: unknown) => (v === null ? 0 : v === undefined ? 1 : 2);
    return {
      compare(a, b) {
        const ra = rank(a);
        const rb = rank(b);
        return ra !== rb || ra < 2 ? ra - rb : inner.compare(a as T, b as T);
      },
      normalizedKeyLength: 1 + inner.normalizedKeyLength,
      normalizedKeyDecides: inner.normalizedKeyDecides,
      putNormalizedKey(value, bytes, offset, n) {
        if (n <= 0) return;
        const r = rank(value);
        bytes[offset] = r;
        if (r < 2) bytes.fill(0, offset + 1, offset + n);
        else inner.putNormalizedKey(value as T, bytes, offset + 1, n - 1);
      },
    };
  }
}


export type TypedArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const TYPED_ARRAYS: Record<PrimitiveArrayName, { new (buffer: ArrayBuffer): TypedArray; BYTES_PER_ELEMENT: number }> = {
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

export class PrimitiveArrayTypeInfo<A extends TypedArray = TypedArray> extends TypeInformation<A> {
  readonly kind = 'PRIMITIVE_ARRAY' as const;
  readonly elementName: PrimitiveArrayName;

  /** @internal Use {@link Types.PRIMITIVE_ARRAY}. */
  constructor(element: PrimitiveArrayName | { name: string }) {
    super();
    const name = (typeof element === 'function' || typeof element === 'object' ? element.name : element) as PrimitiveArrayName;
    if (!(name in TYPED_ARRAYS)) {
      throw new TypeInformationError(`Types.PRIMITIVE_ARRAY takes a typed-array class or name (${Object.keys(TYPED_ARRAYS).join(', ')}), got ${String(name)}`);
    }
    this.elementName = name;
  }

  describe(): TypeDescriptor {
    return { kind: 'PRIMITIVE_ARRAY', element: this.elementName };
  }

  /** Bytes per element. */
  get elementWidth(): number {
    return TYPED_ARRAYS[this.elementName].BYTES_PER_ELEMENT;
  }

  protected buildSerializer(): TypeSerializer<A> {
    const Ctor = TYPED_ARRAYS[this.elementName];
    const width = Ctor.BYTES_PER_ELEMENT;
    return generateSerializer<A>({
      serialize:
        `if (!(value instanceof Ctor)) throw mismatch(${literal(`PRIMITIVE_ARRAY of ${this.elementName}`)}, value);\n` +
        'out.writeVarUint32(value.length);\nout.writeRaw(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));',
      deserialize: `const n = input.readVarUint32();\nreturn new Ctor(input.readRaw(n * ${width}).buffer);`,
      copy: 'return Ctor.prototype.slice.call(value);',
      deps: { Ctor },
      defaultValue: () => new Ctor(new ArrayBuffer(0)) as A,
    });
  }
}

export class EnumTypeInfo<V extends string | number> extends TypeInformation<V> {
  readonly kind = 'ENUM' as const;
  readonly values: readonly V[];
  private readonly index: Map<V, number>;

  /** @internal Use {@link Types.ENUM}. */
  constructor(values: readonly V[]) {
    super();
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))) {
      throw new TypeInformationError('Types.ENUM takes a non-empty array of strings or finite numbers');
    }
    this.index = new Map(values.map((v, i) => [v, i]));
    if (this.index.size !== values.length) throw new TypeInformationError(`Types.ENUM: duplicate values in ${JSON.stringify(values)}`);
    this.values = [...values];
  }

  describe(): TypeDescriptor {
    return { kind: 'ENUM', values: [...this.values] };
  }

  private expected(): string {
    const shown = this.values.slice(0, 8).map((v) => JSON.stringify(v)).join(', ');
    return `ENUM (one of ${shown}${this.values.length > 8 ? ', …' : ''})`;
  }

  protected buildSerializer(): TypeSerializer<V> {
    const n = this.values.length;
    return generateSerializer<V>({
      serialize: `const i = index.get(value);\nif (i === undefined) throw mismatch(${literal(this.expected())}, value);\nout.writeVarUint32(i);`,
      deserialize: `const i = input.readVarUint32();\nif (i >= ${n}) throw new SerializationError('corrupt record: ENUM index ' + i + ' of ${n} values', '', undefined);\nreturn values[i];`,
      copy: 'return value;',
      deps: { index: this.index, values: this.values },
      defaultValue: () => this.values[0]!,
    });
  }

  override keyOps(): KeyOps<V> {
    const index = this.index;
    const width = this.values.length <= 256 ? 1 : this.values.length <= 65536 ? 2 : 4;
    return {
      compare: (a, b) => index.get(a)! - index.get(b)!,
      normalizedKeyLength: width,
      normalizedKeyDecides: true,
      putNormalizedKey(value, bytes, offset, n) {
        const i = index.get(value)!;
        for (let k = 0; k < n; k++) bytes[offset + k] = k < width ? (i >>> (8 * (width - 1 - k))) & 0xff : 0;
      },
    };
  }
}

