/**
 * The built-in rolling aggregations of a keyed stream (`sum`, `min`, `max`,
 * `minBy`, `maxBy`), as reduce functions with Flink's semantics: `sum`, `min`
 * and `max` keep the other fields of the first record of the key and replace
 * the aggregated one; `minBy` and `maxBy` return the whole record that holds
 * the extreme (on a tie the earlier one, unless `first` is false).
 */
import { ConfigurationError } from '../errors.js';
import { renderRecord } from '../errors.js';

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
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object) as object, record) as Record<string | number, unknown>;
  copy[field] = value;
  return copy;
}

function less(a: Num, b: Num): boolean {
  return a < b;
}

/**
 * The reduce function of one aggregation, and the check of a key's first
 * record (which the reduce function never sees): a field that is not a
 * number is refused whether its key has one record or many.
 */
export function aggregation(kind: AggregationKind, field: FieldExpression, first = true): { reduce: (a: unknown, b: unknown) => unknown; check: (record: unknown) => void } {
  if (typeof field !== 'string' && !(Number.isInteger(field) && field >= 0)) {
    throw new ConfigurationError(`${kind}: the field must be a field name or a position (integer ≥ 0), got ${renderRecord(field)}`);
  }
  const what = `${kind}(${JSON.stringify(field)})`;
  return { reduce: reducer(kind, field, first, what), check: (record) => void fieldOf(record, field, what) };
}

function reducer(kind: AggregationKind, field: FieldExpression, first: boolean, what: string): (a: unknown, b: unknown) => unknown {
  switch (kind) {
    case 'sum':
      return (a, b) => {
        const x = fieldOf(a, field, what);
        const y = fieldOf(b, field, what);
        if (typeof x !== typeof y) throw new ConfigurationError(`${what}: cannot add ${typeof y} ${renderRecord(y)} to ${typeof x} ${renderRecord(x)}`);
        return withField(a, field, (x as number) + (y as number));
      };
    case 'min':
    case 'max':
      return (a, b) => {
        const x = fieldOf(a, field, what);
        const y = fieldOf(b, field, what);
        const takeY = kind === 'min' ? less(y, x) : less(x, y);
        return takeY ? withField(a, field, y) : withField(a, field, x);
      };
    case 'minBy':
    case 'maxBy':
      return (a, b) => {
        const x = fieldOf(a, field, what);
        const y = fieldOf(b, field, what);
        if (x === y) return first ? a : b;
        return (kind === 'minBy' ? less(y, x) : less(x, y)) ? b : a;
      };
  }
}
