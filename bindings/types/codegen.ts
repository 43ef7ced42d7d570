/**
 * Serializers are generated once per type as JavaScript source and compiled
 * with `new Function`: an OBJECT's serializer reads and writes each field by
 * name with the field's own check and write inlined, so the hot path has no
 * loop over fields and no dispatch on types (as avsc does for Avro). Types
 * that are not inlined are called through their own serializer objects,
 * passed in as `deps`.
 *
 * Pages whose Content-Security-Policy forbids `unsafe-eval` cannot use
 * weir's serializers.
 * @internal
 */
import { SerializationError } from '../errors.js';
import { describeValue, mismatch, rethrowWithin, TypeSerializer } from './TypeSerializer.js';

/** How a type is written inline: `$` stands for the value expression (a plain identifier). */
export interface InlineCode {
  /** A condition that is true when `$` is NOT a valid value. */
  invalid: string;
  /** Text of "expected …" in the error. */
  expected: string;
  /** Statement(s) writing `$` to `out`. */
  write: string;
  /** Expression reading a value from `input`. */
  read: string;
  /** Expression copying `$` deeply. */
  copy: string;
}

/** Raised by generated code for a NULLABLE flag byte that is not 0, 1 or 2. */
function badFlag(flag: number): never {
  throw new SerializationError(`corrupt record: NULLABLE flag ${flag}`, '', undefined);
}

/** Helpers every generated function can use. */
const runtime = { SerializationError, describeValue, mismatch, rethrowWithin, badFlag };

/** Compiles `body` into a function of `names` with the runtime helpers and `deps` in scope. */
export function compile<F>(names: string[], body: string, deps: Record<string, unknown> = {}): F {
  const scope = { ...runtime, ...deps };
  const keys = Object.keys(scope);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...keys, `'use strict';\nreturn function (${names.join(', ')}) {\n${body}\n};`);
  return factory(...keys.map((k) => scope[k as keyof typeof scope])) as F;
}

/** Substitutes the value expression for `$` in a template. */
export function fill(template: string, value: string): string {
  return template.split('$').join(value);
}

/** A string literal for generated source. */
export function literal(text: string): string {
  return JSON.stringify(text);
}

/** Bodies of a generated serializer's functions (`value`, `out`, `input` in scope) and what they need. */
export interface SerializerSource<T> {
  serialize: string;
  deserialize: string;
  copy: string;
  deps?: Record<string, unknown>;
  length?: number;
  defaultValue: () => T;
}

/** A TypeSerializer whose methods are compiled from source. */
export function generateSerializer<T>(source: SerializerSource<T>): TypeSerializer<T> {
  const deps = source.deps ?? {};
  const length = source.length ?? -1;
  return new (class GeneratedSerializer extends TypeSerializer<T> {
    override serialize = compile<(value: T, out: unknown) => void>(['value', 'out'], source.serialize, deps);
    override deserialize = compile<(input: unknown) => T>(['input'], source.deserialize, deps);
    override copy = compile<(value: T) => T>(['value'], source.copy, deps);
    override getLength(): number {
      return length;
    }
    defaultValue(): T {
      return source.defaultValue();
    }
  })();
}

/** A serializer for a type with inline code. */
export function inlineSerializer<T>(code: InlineCode, length: number, defaultValue: () => T): TypeSerializer<T> {
  return generateSerializer({
    serialize: `if (${fill(code.invalid, 'value')}) throw mismatch(${literal(code.expected)}, value);\n${fill(code.write, 'value')}`,
    deserialize: `return ${code.read};`,
    copy: `return ${fill(code.copy, 'value')};`,
    length,
    defaultValue,
  });
}
