/**
 * OBJECT and TUPLE: records of named fields (Flink's POJO / Row) and fixed-
 * arity arrays (Flink's Tuple). Fields are written one after another in
 * declared order with no header; their serializer is generated once, with
 * each basic field's check and write inlined. Both are key types when every
 * field is: they order field by field, and their normalized key is the
 * fields' keys one after another.
 */
import { TypeInformationError } from '../errors.js';
import { generateSerializer, literal } from './codegen.js';
import { fieldCode } from './fieldCode.js';
import { TypeInformation, type KeyOps, type TypeDescriptor } from './TypeInformation.js';
import type { TypeSerializer } from './TypeSerializer.js';

/** Key behaviour of a record of key-type fields read by `get(record, i)`. */
function compositeKeyOps<T>(types: TypeInformation[], get: (record: T, i: number) => unknown): KeyOps<T> | undefined {
  const ops = types.map((t) => t.keyOps());
  if (ops.some((o) => o === undefined)) return undefined;
  const all = ops as KeyOps<unknown>[];
  // A key whose normalized key does not decide its order must be the last one in
  // the normalized key: bytes of later keys after it would outrank its tie-break.
  const cut = all.findIndex((o) => !o.normalizedKeyDecides);
  const used = cut < 0 ? all : all.slice(0, cut + 1);
  return {
    compare(a, b) {
      for (let i = 0; i < all.length; i++) {
        const c = all[i]!.compare(get(a, i), get(b, i));
        if (c !== 0) return c;
      }
      return 0;
    },
    normalizedKeyLength: used.reduce((n, o) => n + o.normalizedKeyLength, 0),
    normalizedKeyDecides: cut < 0,
    putNormalizedKey(value, bytes, offset, n) {
      for (let i = 0; i < used.length && n > 0; i++) {
        const w = Math.min(n, used[i]!.normalizedKeyLength);
        used[i]!.putNormalizedKey(get(value, i), bytes, offset, w);
        offset += w;
        n -= w;
      }
      bytes.fill(0, offset, offset + n);
    },
  };
}

export class ObjectTypeInfo<T extends object = Record<string, unknown>> extends TypeInformation<T> {
  readonly kind = 'OBJECT' as const;
  /** Field names in the order they are written. */
  readonly fieldNames: string[];
  /** Field types, in the same order. */
  readonly fieldTypes: TypeInformation[];

  /** @internal Use {@link Types.OBJECT}. */
  constructor(fields: Record<string, TypeInformation>) {
    super();
    if (fields === null || typeof fields !== 'object') {
      throw new TypeInformationError(`Types.OBJECT takes an object of field types, got ${String(fields)}`);
    }
    this.fieldNames = Object.keys(fields);
    this.fieldTypes = this.fieldNames.map((name) => {
      const t = fields[name];
      if (!(t instanceof TypeInformation)) {
        throw new TypeInformationError(`Types.OBJECT: field "${name}" must be a TypeInformation (e.g. Types.LONG), got ${String(t)}`);
      }
      return t;
    });
  }

  describe(): TypeDescriptor {
    return { kind: 'OBJECT', fields: this.fieldNames.map((n, i) => [n, this.fieldTypes[i]!.describe()]) };
  }

  override field(name: string | number): { index: number; type: TypeInformation } | undefined {
    const index = this.fieldNames.indexOf(String(name)); // a field named "0" is reached by 0 as well
    return index < 0 ? undefined : { index, type: this.fieldTypes[index]! };
  }

  protected buildSerializer(): TypeSerializer<T> {
    const deps: Record<string, unknown> = {};
    const fields = this.fieldNames.map((name, i) => ({ name, key: literal(name), code: fieldCode(this.fieldTypes[i]!, `s${i}`, deps) }));
    // A name that Object.prototype also has must not read the inherited value when the field is absent.
    const access = (name: string) => (name in Object.prototype ? `(Object.hasOwn(value, ${literal(name)}) ? value[${literal(name)}] : undefined)` : `value[${literal(name)}]`);
    // In an object literal "__proto__": v would set the prototype; a computed key makes a field.
    const key = (name: string) => (name === '__proto__' ? `[${literal(name)}]` : literal(name));
    const types = this.fieldTypes;
    return generateSerializer<T>({
      serialize:
        `if (typeof value !== 'object' || value === null) throw mismatch(${literal(`OBJECT with fields ${this.fieldNames.join(', ')}`)}, value);\n` +
        'let f;\n' +
        fields.map((f) => `f = ${access(f.name)};\n${f.code.write('f', f.key)}`).join('\n'),
      deserialize: `return {\n${fields.map((f) => `  ${key(f.name)}: ${f.code.read()},`).join('\n')}\n};`,
      copy: `let f;\nreturn {\n${fields.map((f) => `  ${key(f.name)}: (f = ${access(f.name)}, ${f.code.copy('f')}),`).join('\n')}\n};`,
      deps,
      length: types.every((t) => t.createSerializer().getLength() >= 0)
        ? types.reduce((n, t) => n + t.createSerializer().getLength(), 0)
        : -1,
      defaultValue: () => Object.fromEntries(this.fieldNames.map((n, i) => [n, types[i]!.createSerializer().defaultValue()])) as T, // fromEntries defines own fields, __proto__ too
    });
  }

  override keyOps(): KeyOps<T> | undefined {
    const names = this.fieldNames;
    return compositeKeyOps<T>(this.fieldTypes, (r, i) => (r as Record<string, unknown>)[names[i]!]);
  }
}

export class TupleTypeInfo<T extends unknown[] = unknown[]> extends TypeInformation<T> {
  readonly kind = 'TUPLE' as const;
  readonly itemTypes: TypeInformation[];

  /** @internal Use {@link Types.TUPLE}. */
  constructor(items: TypeInformation[]) {
    super();
    if (!Array.isArray(items) || items.some((t) => !(t instanceof TypeInformation))) {
      throw new TypeInformationError('Types.TUPLE takes an array of TypeInformation, e.g. Types.TUPLE([Types.STRING, Types.LONG])');
    }
    this.itemTypes = items;
  }

  describe(): TypeDescriptor {
    return { kind: 'TUPLE', items: this.itemTypes.map((t) => t.describe()) };
  }

  override field(name: string | number): { index: number; type: TypeInformation } | undefined {
    const index = typeof name === 'number' ? name : /^\d+$/.test(name) ? Number(name) : -1;
    return index >= 0 && index < this.itemTypes.length ? { index, type: this.itemTypes[index]! } : undefined;
  }

  protected buildSerializer(): TypeSerializer<T> {
    const deps: Record<string, unknown> = {};
    const n = this.itemTypes.length;
    const items = this.itemTypes.map((t, i) => fieldCode(t, `s${i}`, deps));
    const types = this.itemTypes;
    return generateSerializer<T>({
      serialize:
        `if (!Array.isArray(value) || value.length !== ${n}) throw mismatch(${literal(`TUPLE of ${n} items (an array)`)}, value);\n` +
        'let f;\n' +
        items.map((c, i) => `f = value[${i}];\n${c.write('f', literal(`[${i}]`))}`).join('\n'),
      deserialize: `return [${items.map((c) => c.read()).join(', ')}];`,
      copy: `let f;\nconst c = new Array(${n});\n${items.map((c, i) => `f = value[${i}];\nc[${i}] = ${c.copy('f')};`).join('\n')}\nreturn c;`,
      deps,
      length: types.every((t) => t.createSerializer().getLength() >= 0) ? types.reduce((s, t) => s + t.createSerializer().getLength(), 0) : -1,
      defaultValue: () => types.map((t) => t.createSerializer().defaultValue()) as T,
    });
  }

  override keyOps(): KeyOps<T> | undefined {
    return compositeKeyOps<T>(this.itemTypes, (r, i) => r[i]);
  }
}
