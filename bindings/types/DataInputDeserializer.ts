/**
 * DataInputDeserializer is the read side of serialization (Flink's
 * `DataInputDeserializer`, a `DataInputView`): it reads values from one
 * record's bytes — a range of a MemorySegment, of linear memory, or of any
 * `Uint8Array` — in the encoding {@link DataOutputSerializer} writes. A record
 * that spans segments is first gathered into one range by a
 * {@link RecordDeserializer}.
 *
 * Reading past the end of the range raises a {@link SerializationError}
 * ("truncated record") instead of returning garbage.
 *
 * @example
 * ```ts
 * const out = new DataOutputSerializer();
 * out.writeInt32(7);
 * out.writeString('héllo');
 * const input = new DataInputDeserializer(out.toUint8Array());
 * input.readInt32();  // 7
 * input.readString(); // 'héllo'
 * ```
 */
import { SerializationError } from '../errors.js';
import { decodeUtf8, nativeView, type NativeView } from './utf8.js';

const TWO_32 = 4294967296;

export class DataInputDeserializer {
  /** @internal */
  bytes: Uint8Array = new Uint8Array(0);
  /** @internal */
  dv: DataView = new DataView(this.bytes.buffer);
  /** @internal A Node Buffer over `bytes`, for its native UTF-8 decoder. */
  native: NativeView | undefined = undefined;
  /** Read position, relative to the start of `bytes`. */
  position = 0;
  /** End of the readable range, relative to the start of `bytes`. */
  end = 0;

  constructor(bytes?: Uint8Array, offset = 0, length = bytes ? bytes.length - offset : 0) {
    if (bytes !== undefined) this.setBuffer(bytes, offset, length);
  }

  /** Reads `length` bytes of `bytes` from `offset`, without copying. */
  setBuffer(bytes: Uint8Array, offset = 0, length = bytes.length - offset): void {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.native = nativeView(bytes);
    }
    this.position = offset;
    this.end = offset + length;
  }

  /** Bytes left to read. */
  get available(): number {
    return this.end - this.position;
  }

  private truncated(n: number): never {
    throw new SerializationError(
      `truncated record: reading ${n} byte(s) at ${this.position} passes its end at ${this.end}`,
      '',
      undefined,
    );
  }

  readBoolean(): boolean {
    if (this.position + 1 > this.end) this.truncated(1);
    const b = this.bytes[this.position++]!;
    if (b > 1) throw new SerializationError(`corrupt record: boolean byte ${b} at ${this.position - 1}`, '', undefined);
    return b === 1;
  }

  readInt8(): number {
    if (this.position + 1 > this.end) this.truncated(1);
    return this.dv.getInt8(this.position++);
  }

  readUint8(): number {
    if (this.position + 1 > this.end) this.truncated(1);
    return this.bytes[this.position++]!;
  }

  readInt16(): number {
    if (this.position + 2 > this.end) this.truncated(2);
    const v = this.dv.getInt16(this.position, true);
    this.position += 2;
    return v;
  }

  readInt32(): number {
    if (this.position + 4 > this.end) this.truncated(4);
    const v = this.dv.getInt32(this.position, true);
    this.position += 4;
    return v;
  }

  readUint32(): number {
    if (this.position + 4 > this.end) this.truncated(4);
    const v = this.dv.getUint32(this.position, true);
    this.position += 4;
    return v;
  }

  /** A signed 64-bit integer as a number; a value outside the safe range is a corrupt record. */
  readInt64(): number {
    if (this.position + 8 > this.end) this.truncated(8);
    const v = this.dv.getInt32(this.position + 4, true) * TWO_32 + this.dv.getUint32(this.position, true);
    if (!Number.isSafeInteger(v)) {
      throw new SerializationError(`corrupt record: 64-bit integer at ${this.position} is outside the safe-integer range`, '', undefined);
    }
    this.position += 8;
    return v;
  }

  readBigInt64(): bigint {
    if (this.position + 8 > this.end) this.truncated(8);
    const v = this.dv.getBigInt64(this.position, true);
    this.position += 8;
    return v;
  }

  readFloat32(): number {
    if (this.position + 4 > this.end) this.truncated(4);
    const v = this.dv.getFloat32(this.position, true);
    this.position += 4;
    return v;
  }

  readFloat64(): number {
    if (this.position + 8 > this.end) this.truncated(8);
    const v = this.dv.getFloat64(this.position, true);
    this.position += 8;
    return v;
  }

  readVarUint32(): number {
    const b = this.bytes;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.position >= this.end) this.truncated(1);
      const byte = b[this.position++]!;
      if (shift === 28) {
        if (byte > 0x0f) throw new SerializationError(`corrupt record: varint at ${this.position - 5} exceeds 32 bits`, '', undefined);
        return (result + byte * 0x10000000) >>> 0;
      }
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
    }
  }

  /** `n` raw bytes, copied. */
  readRaw(n: number): Uint8Array {
    if (this.position + n > this.end) this.truncated(n);
    const out = this.bytes.slice(this.position, this.position + n);
    this.position += n;
    return out;
  }

  /** A varint length, then that many bytes, copied. */
  readBytes(): Uint8Array {
    return this.readRaw(this.readVarUint32());
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    if (this.position + n > this.end) this.truncated(n);
    this.position += n;
  }

  readString(): string {
    const header = this.readVarUint32();
    const n = Math.floor(header / 2);
    if (this.position + n > this.end) this.truncated(n);
    const b = this.bytes;
    const start = this.position;
    this.position += n;
    if (header & 1) return decodeWtf8(b, start, start + n);
    if (this.native !== undefined) return this.native.utf8Slice(start, start + n);
    return decodeUtf8(b, start, start + n);
  }
}

/** Decodes WTF-8 (UTF-8 that may encode unpaired surrogates) from `b[from, to)`. */
function decodeWtf8(b: Uint8Array, from: number, to: number): string {
  const units: number[] = [];
  let i = from;
  while (i < to) {
    const c = b[i]!;
    let cp: number;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xe0) {
      cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
      i += 2;
    } else if (c < 0xf0) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      i += 3;
    } else {
      cp = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      i += 4;
    }
    if (i > to) throw new SerializationError(`corrupt record: string bytes end inside a character`, '', undefined);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
  }
  let s = '';
  for (let k = 0; k < units.length; k += 4096) s += String.fromCharCode(...units.slice(k, k + 4096));
  return s;
}
