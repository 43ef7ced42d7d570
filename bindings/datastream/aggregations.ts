/**
 * The built-in rolling aggregations of a keyed stream (`sum`, `min`, `max`,
 * `minBy`, `maxBy`), as reduce functions with Flink's semantics: `sum`, `min`
 * and `max` keep the other fields of the first record of the key and replace
 * the aggregated one; `minBy` and `maxBy` return the whole record that holds
 * the extreme (on a tie the earlier one, unless `first` is false).
 */
import { ConfigurationError } from '../errors.js';
import { renderRecord } from '../errors.js';
import { ObjectTypeInfo } from '../types/CompositeTypeInfo.js';
import type { TypeInformation } from '../types/TypeInformation.js';

export type AggregationKind = 'sum' | 'min' | 'max' | 'minBy' | 'maxBy';
/** A field name of an object record, or a position of a tuple (array) record; 0 for records that are numbers. */
export type FieldExpression = string | number;

type Num = number | bigint;

function fieldOf(record: unknown, field: FieldExpression, what: string): Num {
  const v = typeof record === 'number' || typeof record === 'bigint' ? (field === 0 ? record : undefined) : (record as Record<string | number, unknown> | null)?.[field];
  if (typeof v !== 'number' && typeof v !== 'bigint') {
    throw new ConfigurationError(`${what}: field ${JSON.stringify(field)} of record ${renderRecord(record)} is ${renderRecord(v)}, not a number`);
  }
  return v;
}

function withField(record: unknown, field: FieldExpression, value: Num): unknown {
  if (typeof record === 'number' || typeof record === 'bigint') return value;
  if (Array.isArray(record)) {
    const copy = record.slice();
    copy[field as number] = value;
    return copy;
  }
  const proto = Object.getPrototypeOf(record) as object | null;
  // A spread is the fast copy of a plain object; instances of classes keep their prototype.
  if (proto === Object.prototype) {
    const copy = { ...(record as Record<string | number, unknown>) };
    copy[field] = value;
    return copy;
  }
  const copy = Object.assign(Object.create(proto) as object, record) as Record<string | number, unknown>;
  copy[field] = value;
  return copy;
}

function less(a: Num, b: Num): boolean {
  return a < b;
}

interface FieldAccess {
  get(record: unknown): Num;
  with(record: unknown, value: Num): unknown;
}

const NUMERIC = new Set(['BYTE', 'SHORT', 'INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIGINT']);

/**
 * Field access for records of a known OBJECT type: they come out of the
 * type's deserializer (an aggregation follows a keyBy), so the field exists
 * and holds a number, and a copy is one object literal of the type's fields.
 */
function typedAccess(type: ObjectTypeInfo, field: FieldExpression, what: string): FieldAccess {
  const found = type.field(field);
  if (found === undefined) {
    throw new ConfigurationError(`${what}: ${type.toString()} has no field ${JSON.stringify(field)} (fields: ${type.fieldNames.join(', ')})`);
  }
  if (!NUMERIC.has(found.type.kind)) {
    throw new ConfigurationError(`${what}: field ${JSON.stringify(field)} of ${type.toString()} is ${found.type.toString()}, not a number type`);
  }
  const name = type.fieldNames[found.index]!;
  const body = type.fieldNames.map((n) => `${JSON.stringify(n)}: ${n === name ? 'v' : `r[${JSON.stringify(n)}]`}`).join(', ');
  const copy = new Function('r', 'v', `return { ${body} };`) as (r: unknown, v: Num) => unknown;
  return { get: (r) => (r as Record<string, Num>)[name]!, with: copy };
}

/**
 * The reduce function of one aggregation, and the check of a key's first
 * record (which the reduce function never sees): a field that is not a
 * number is refused whether its key has one record or many. With the
 * records' OBJECT type known, the field is checked once, when the job is
 * built, instead of per record.
 */
export function aggregation(
  kind: AggregationKind,
  field: FieldExpression,
  first = true,
  type?: TypeInformation<any>,
): { reduce: (a: unknown, b: unknown) => unknown; check: (record: unknown) => void } {
  if (typeof field !== 'string' && !(Number.isInteger(field) && field >= 0)) {
    throw new ConfigurationError(`${kind}: the field must be a field name or a position (integer ≥ 0), got ${renderRecord(field)}`);
  }
  const what = `${kind}(${JSON.stringify(field)})`;
  if (type instanceof ObjectTypeInfo) return { reduce: reducer(kind, first, what, typedAccess(type, field, what)), check: () => undefined };
  const access: FieldAccess = { get: (r) => fieldOf(r, field, what), with: (r, v) => withField(r, field, v) };
  return { reduce: reducer(kind, first, what, access), check: (record) => void fieldOf(record, field, what) };
}

function reducer(kind: AggregationKind, first: boolean, what: string, field: FieldAccess): (a: unknown, b: unknown) => unknown {
  switch (kind) {
    case 'sum':
      return (a, b) => {
        const x = field.get(a);
        const y = field.get(b);
        if (typeof x !== typeof y) throw new ConfigurationError(`${what}: cannot add ${typeof y} ${renderRecord(y)} to ${typeof x} ${renderRecord(x)}`);
        return field.with(a, (x as number) + (y as number));
      };
    case 'min':
    case 'max':
      return (a, b) => {
        const x = field.get(a);
        const y = field.get(b);
        const takeY = kind === 'min' ? less(y, x) : less(x, y);
        return field.with(a, takeY ? y : x);
      };
    case 'minBy':
    case 'maxBy':
      return (a, b) => {
        const x = field.get(a);
        const y = field.get(b);
        if (x === y) return first ? a : b;
        return (kind === 'minBy' ? less(y, x) : less(x, y)) ? b : a;
      };
  }
}
