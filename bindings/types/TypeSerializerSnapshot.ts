/**
 * Snapshots of types, and whether a new version of a type can read bytes an
 * old version wrote (Flink's `TypeSerializerSnapshot` and
 * `TypeSerializerSchemaCompatibility`). A snapshot is the type's descriptor,
 * versioned, as bytes; savepoints store one per piece of state, so that a
 * restored job knows how its old bytes were written.
 *
 * Compatibility, checked field by field:
 * - the same type: **compatible as is**;
 * - an OBJECT with fields added, removed or reordered, a type made NULLABLE,
 *   an ENUM with values added or reordered: **compatible after migration** —
 *   old bytes are read with the old serializer and converted (added fields
 *   get their type's default: 0, '', false, null, [] …);
 * - anything else, such as a field whose type changed: **incompatible**,
 *   with an error that names the field.
 *
 * @example
 * ```ts
 * const v1 = Types.OBJECT({ id: Types.LONG, name: Types.STRING });
 * const saved = writeTypeSnapshot(v1);
 * const v2 = Types.OBJECT({ id: Types.LONG, name: Types.STRING, email: Types.NULLABLE(Types.STRING) });
 * const c = resolveSchemaCompatibility(v2, saved);
 * c.kind; // 'COMPATIBLE_AFTER_MIGRATION'
 * c.migrate(oldValue); // { id, name, email: null }
 * ```
 */
import { TypeInformationError } from '../errors.js';
import { formatDescriptor, type TypeDescriptor, type TypeInformation } from './TypeInformation.js';
import { Types } from './Types.js';

const MAGIC = [0x57, 0x45, 0x49, 0x52]; // "WEIR"
const VERSION = 1;

/** The snapshot of a type: `WEIR`, a version byte, then the descriptor as UTF-8 JSON. */
export function writeTypeSnapshot(type: TypeInformation): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(type.describe()));
  const bytes = new Uint8Array(5 + json.length);
  bytes.set(MAGIC);
  bytes[4] = VERSION;
  bytes.set(json, 5);
  return bytes;
}

/** The type a snapshot describes; a snapshot weir did not write is refused. */
export function readTypeSnapshot(bytes: Uint8Array): TypeInformation {
  if (bytes.length < 5 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new TypeInformationError('not a weir type snapshot (missing the WEIR header)');
  }
  if (bytes[4] !== VERSION) throw new TypeInformationError(`type snapshot version ${bytes[4]} is not supported (this weir reads version ${VERSION})`);
  let descriptor: TypeDescriptor;
  try {
    descriptor = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(5))) as TypeDescriptor;
  } catch (cause) {
    throw new TypeInformationError('corrupt type snapshot: the descriptor is not valid JSON', { cause });
  }
  return Types.fromDescriptor(descriptor);
}

/** The outcome of {@link resolveSchemaCompatibility}. */
export type SchemaCompatibility<T> =
  | { kind: 'COMPATIBLE_AS_IS'; oldType: TypeInformation; migrate(old: unknown): T }
  | { kind: 'COMPATIBLE_AFTER_MIGRATION'; oldType: TypeInformation; migrate(old: unknown): T }
  | { kind: 'INCOMPATIBLE'; oldType: TypeInformation; reason: string; migrate(old: unknown): never };

type Migration = ((v: unknown) => unknown) | null; // null: the value is the same

class Incompatible extends Error {}

function plan(next: TypeDescriptor, prev: TypeDescriptor, path: string): Migration {
  const here = path === '' ? 'the type' : `field "${path}"`;
  if (JSON.stringify(next) === JSON.stringify(prev)) return null;
  if (next.kind === 'NULLABLE' && prev.kind !== 'NULLABLE') {
    return plan(next.element, prev, path) ?? ((v) => v);
  }
  if (next.kind !== prev.kind) {
    throw new Incompatible(`${here} changed from ${formatDescriptor(prev)} to ${formatDescriptor(next)}`);
  }
  const join = (name: string) => (path === '' ? name : `${path}.${name}`);
  switch (next.kind) {
    case 'OBJECT': {
      const old = new Map((prev as typeof next).fields);
      const steps = next.fields.map(([name, d]) => {
        const o = old.get(name);
        if (o === undefined) {
          const type = Types.fromDescriptor(d);
          return { name, added: true, migrate: (() => type.createSerializer().defaultValue()) as (v: unknown) => unknown };
        }
        return { name, added: false, migrate: plan(d, o, join(name)) };
      });
      const same =
        steps.every((s) => !s.added && s.migrate === null) &&
        next.fields.length === old.size &&
        next.fields.every(([n], i) => (prev as typeof next).fields[i]![0] === n);
      if (same) return null;
      return (v) => {
        const r: Record<string, unknown> = {};
        for (const s of steps) {
          const x = Object.hasOwn(v as object, s.name) ? (v as Record<string, unknown>)[s.name] : undefined;
          const value = s.added ? s.migrate!(undefined) : s.migrate === null ? x : s.migrate(x);
          Object.defineProperty(r, s.name, { value, enumerable: true, writable: true, configurable: true });
        }
        return r;
      };
    }
    case 'TUPLE': {
      const p = prev as typeof next;
      if (p.items.length !== next.items.length) {
        throw new Incompatible(`${here} changed from a TUPLE of ${p.items.length} to one of ${next.items.length} items`);
      }
      const steps = next.items.map((d, i) => plan(d, p.items[i]!, `${path}[${i}]`));
      if (steps.every((s) => s === null)) return null;
      return (v) => (v as unknown[]).map((x, i) => (steps[i] === null ? x : steps[i]!(x)));
    }
    case 'LIST': {
      const step = plan(next.element, (prev as typeof next).element, `${path}[]`);
      return step === null ? null : (v) => (v as unknown[]).map(step);
    }
    case 'NULLABLE': {
      const step = plan(next.element, (prev as typeof next).element, path);
      return step === null ? null : (v) => (v === null || v === undefined ? v : step(v));
    }
    case 'MAP': {
      const p = prev as typeof next;
      const k = plan(next.key, p.key, `${path}{key}`);
      const val = plan(next.value, p.value, `${path}{value}`);
      if (k === null && val === null) return null;
      return (v) => new Map([...(v as Map<unknown, unknown>)].map(([a, b]) => [k === null ? a : k(a), val === null ? b : val(b)]));
    }
    case 'ENUM': {
      const known = new Set(next.values);
      const lost = (prev as typeof next).values.filter((x) => !known.has(x));
      if (lost.length > 0) throw new Incompatible(`${here}: ENUM values ${lost.map((x) => JSON.stringify(x)).join(', ')} were removed`);
      return (v) => v; // values are the same JS values; only their indexes moved
    }
    default:
      throw new Incompatible(`${here} changed from ${formatDescriptor(prev)} to ${formatDescriptor(next)}`);
  }
}

/**
 * Whether `type` can take over state written with the type in `oldSnapshot`,
 * and how to convert an old value (read with `oldType`'s serializer).
 */
export function resolveSchemaCompatibility<T>(type: TypeInformation<T>, oldSnapshot: Uint8Array): SchemaCompatibility<T> {
  const oldType = readTypeSnapshot(oldSnapshot);
  let migration: Migration;
  try {
    migration = plan(type.describe(), oldType.describe(), '');
  } catch (e) {
    if (!(e instanceof Incompatible)) throw e;
    const reason = e.message;
    return {
      kind: 'INCOMPATIBLE',
      oldType,
      reason,
      migrate(): never {
        throw new TypeInformationError(`cannot migrate state of ${oldType.toString()} to ${type.toString()}: ${reason}`);
      },
    };
  }
  if (migration === null) return { kind: 'COMPATIBLE_AS_IS', oldType, migrate: (v) => v as T };
  const m = migration;
  return { kind: 'COMPATIBLE_AFTER_MIGRATION', oldType, migrate: (v) => m(v) as T };
}
