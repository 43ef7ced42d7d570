/**
 * The basic types: BOOLEAN, BYTE, SHORT, INT, LONG, BIGINT, FLOAT, DOUBLE,
 * STRING, BYTES, INSTANT. One table row per type says how a value is checked,
 * written, read and copied (as inline code, see codegen.ts), how two values
 * order, and how the normalized key is formed: big-endian bytes whose
 * unsigned order equals the value order — sign bit flipped for integers,
 * the IEEE transform for floats (negative: all bits flipped; positive: sign
 * flipped), UTF-16 code units for strings.
 *
 * Wire formats: BOOLEAN 1 byte; BYTE 1; SHORT 2; INT 4; LONG, BIGINT and
 * INSTANT (epoch milliseconds of a `Date`) 8; FLOAT 4; DOUBLE 8 — all
 * little-endian, NaN written as the one canonical NaN; STRING and BYTES a
 * varint length then the bytes.
 */
import { inlineSerializer, type InlineCode } from './codegen.js';
import { TypeInformation, type KeyOps, type TypeDescriptor } from './TypeInformation.js';
import type { TypeSerializer } from './TypeSerializer.js';

export type BasicKind = 'BOOLEAN' | 'BYTE' | 'SHORT' | 'INT' | 'LONG' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'INSTANT';

interface BasicSpec<T> {
  code: InlineCode;
  length: number;
  defaultValue: () => T;
  keyOps: KeyOps<T>;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Copies the first `n` (≤ 8) bytes of the scratch into `bytes` at `offset`. */
function putScratch(bytes: Uint8Array, offset: number, n: number, width: number): void {
  for (let i = 0; i < n; i++) bytes[offset + i] = i < width ? scratch.getUint8(i) : 0;
}

const numeric = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** Java's Double.compare: -0 < +0, NaN equals NaN and is greater than everything. */
function compareFloat(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a !== 0) return 0;
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  const an = a !== a;
  const bn = b !== b;
  return an === bn ? 0 : an ? 1 : -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return numeric(a.length, b.length);
}

function putIntKey(width: 1 | 2 | 4) {
  return (v: number, bytes: Uint8Array, offset: number, n: number) => {
    if (width === 1) scratch.setUint8(0, (v + 128) & 0xff);
    else if (width === 2) scratch.setUint16(0, (v + 32768) & 0xffff, false);
    else scratch.setUint32(0, (v ^ 0x80000000) >>> 0, false);
    putScratch(bytes, offset, n, width);
  };
}

function putLongKey(v: number, bytes: Uint8Array, offset: number, n: number): void {
  scratch.setUint32(0, (Math.floor(v / 4294967296) ^ 0x80000000) >>> 0, false);
  scratch.setUint32(4, v >>> 0, false);
  putScratch(bytes, offset, n, 8);
}

function putFloatKey(width: 4 | 8) {
  return (v: number, bytes: Uint8Array, offset: number, n: number) => {
    if (width === 4) {
      if (v !== v) scratch.setUint32(0, 0x7fc00000, false);
      else scratch.setFloat32(0, v, false);
    } else if (v !== v) {
      scratch.setUint32(0, 0x7ff80000, false);
      scratch.setUint32(4, 0, false);
    } else scratch.setFloat64(0, v, false);
    const negative = scratch.getUint8(0) >= 0x80;
    for (let i = 0; i < width; i++) scratch.setUint8(i, negative ? ~scratch.getUint8(i) & 0xff : scratch.getUint8(i));
    if (!negative) scratch.setUint8(0, scratch.getUint8(0) ^ 0x80);
    putScratch(bytes, offset, n, width);
  };
}

const intCode = (expected: string, invalid: string, write: string, read: string): InlineCode => ({ invalid, expected, write, read, copy: '$' });

/** A row for an integer type written with out.write<method> / input.read<method>, `width` bytes. */
function integer(expected: string, invalid: string, method: string, width: number, putNormalizedKey: KeyOps<number>['putNormalizedKey']): BasicSpec<number> {
  return {
    code: intCode(expected, invalid, `out.write${method}($);`, `input.read${method}()`),
    length: width,
    defaultValue: () => 0,
    keyOps: { compare: numeric, normalizedKeyLength: width, normalizedKeyDecides: true, putNormalizedKey },
  };
}

const SPECS: { [K in BasicKind]: BasicSpec<any> } = {
  BOOLEAN: {
    code: intCode('BOOLEAN (true or false)', "typeof $ !== 'boolean'", 'out.writeBoolean($);', 'input.readBoolean()'),
    length: 1,
    defaultValue: () => false,
    keyOps: {
      compare: (a: boolean, b: boolean) => numeric(+a, +b),
      normalizedKeyLength: 1,
      normalizedKeyDecides: true,
      putNormalizedKey: (v: boolean, bytes, offset, n) => {
        if (n > 0) bytes[offset] = v ? 1 : 0;
      },
    },
  },
  BYTE: integer('BYTE (an integer from -128 to 127)', '(($ << 24) >> 24) !== $', 'Int8', 1, putIntKey(1)),
  SHORT: integer('SHORT (an integer from -32768 to 32767)', '(($ << 16) >> 16) !== $', 'Int16', 2, putIntKey(2)),
  INT: integer('INT (a 32-bit integer)', '($ | 0) !== $', 'Int32', 4, putIntKey(4)),
  LONG: integer('LONG (a safe integer; use BIGINT for full 64-bit values)', '!Number.isSafeInteger($)', 'Int64', 8, putLongKey),
  BIGINT: {
    code: intCode(
      'BIGINT (a bigint from -2^63 to 2^63-1)',
      "typeof $ !== 'bigint' || BigInt.asIntN(64, $) !== $",
      'out.writeBigInt64($);',
      'input.readBigInt64()',
    ),
    length: 8,
    defaultValue: () => 0n,
    keyOps: {
      compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
      normalizedKeyLength: 8,
      normalizedKeyDecides: true,
      putNormalizedKey: (v: bigint, bytes, offset, n) => {
        scratch.setBigUint64(0, BigInt.asUintN(64, v) ^ 0x8000000000000000n, false);
        putScratch(bytes, offset, n, 8);
      },
    },
  },
  FLOAT: {
    code: intCode('FLOAT (a number)', "typeof $ !== 'number'", 'out.writeFloat32($);', 'input.readFloat32()'),
    length: 4,
    defaultValue: () => 0,
    // Values are compared as the float32 they are stored as, so value order, byte order and hashes agree.
    keyOps: { compare: (a: number, b: number) => compareFloat(Math.fround(a), Math.fround(b)), normalizedKeyLength: 4, normalizedKeyDecides: true, putNormalizedKey: putFloatKey(4) },
  },
  DOUBLE: {
    code: intCode('DOUBLE (a number)', "typeof $ !== 'number'", 'out.writeFloat64($);', 'input.readFloat64()'),
    length: 8,
    defaultValue: () => 0,
    keyOps: { compare: compareFloat, normalizedKeyLength: 8, normalizedKeyDecides: true, putNormalizedKey: putFloatKey(8) },
  },
  STRING: {
    code: intCode('STRING (a string)', "typeof $ !== 'string'", 'out.writeString($);', 'input.readString()'),
    length: -1,
    defaultValue: () => '',
    keyOps: {
      compare: (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0),
      normalizedKeyLength: 16,
      normalizedKeyDecides: false,
      putNormalizedKey: (v: string, bytes, offset, n) => {
        for (let i = 0; i < n; i += 2) {
          const unit = i / 2 < v.length ? v.charCodeAt(i / 2) : 0;
          bytes[offset + i] = unit >> 8;
          if (i + 1 < n) bytes[offset + i + 1] = unit & 0xff;
        }
      },
    },
  },
  BYTES: {
    code: {
      invalid: '!($ instanceof Uint8Array)',
      expected: 'BYTES (a Uint8Array)',
      write: 'out.writeBytes($);',
      read: 'input.readBytes()',
      copy: 'Uint8Array.prototype.slice.call($)', // Buffer#slice would share memory
    },
    length: -1,
    defaultValue: () => new Uint8Array(0),
    keyOps: {
      compare: compareBytes,
      normalizedKeyLength: 16,
      normalizedKeyDecides: false,
      putNormalizedKey: (v: Uint8Array, bytes, offset, n) => {
        for (let i = 0; i < n; i++) bytes[offset + i] = i < v.length ? v[i]! : 0;
      },
    },
  },
  INSTANT: {
    code: {
      invalid: '!($ instanceof Date) || !Number.isSafeInteger($.getTime())',
      expected: 'INSTANT (a valid Date)',
      write: 'out.writeInt64($.getTime());',
      read: 'new Date(input.readInt64())',
      copy: 'new Date($.getTime())',
    },
    length: 8,
    defaultValue: () => new Date(0),
    keyOps: {
      compare: (a: Date, b: Date) => numeric(a.getTime(), b.getTime()),
      normalizedKeyLength: 8,
      normalizedKeyDecides: true,
      putNormalizedKey: (v: Date, bytes, offset, n) => putLongKey(v.getTime(), bytes, offset, n),
    },
  },
};

export class BasicTypeInfo<T> extends TypeInformation<T> {
  readonly kind: BasicKind;
  /** @internal */
  readonly spec: BasicSpec<T>;

  /** @internal Use the constants of {@link Types}. */
  constructor(kind: BasicKind) {
    super();
    this.kind = kind;
    this.spec = SPECS[kind];
  }

  describe(): TypeDescriptor {
    return { kind: this.kind };
  }

  /** @internal */
  override inlineCode(): InlineCode {
    return this.spec.code;
  }

  protected buildSerializer(): TypeSerializer<T> {
    return inlineSerializer(this.spec.code, this.spec.length, this.spec.defaultValue);
  }

  override keyOps(): KeyOps<T> {
    return this.spec.keyOps;
  }
}
