/**
 * Generated code for one field (or element) of a composite type: inline for
 * types that have inline code, a call to the field's serializer otherwise;
 * either way an error gets the field's path segment.
 * @internal
 */
import { literal, fill } from './codegen.js';
import type { TypeInformation } from './TypeInformation.js';

/** Source for a field: `value` is a plain identifier holding it; deps collects serializers by name. */
export interface FieldCode {
  write(value: string, segmentExpr: string): string;
  read(): string;
  copy(value: string): string;
}

export function fieldCode(type: TypeInformation, depName: string, deps: Record<string, unknown>): FieldCode {
  const inline = type.inlineCode();
  if (inline !== undefined) {
    return {
      write: (v, seg) =>
        `if (${fill(inline.invalid, v)}) throw mismatch(${literal(inline.expected)}, ${v}).within(${seg});\n${fill(inline.write, v)}`,
      read: () => inline.read,
      copy: (v) => fill(inline.copy, v),
    };
  }
  deps[depName] = type.createSerializer();
  return {
    write: (v, seg) => `try { ${depName}.serialize(${v}, out); } catch (e) { rethrowWithin(e, ${seg}); }`,
    read: () => `${depName}.deserialize(input)`,
    copy: (v) => `${depName}.copy(${v})`,
  };
}
