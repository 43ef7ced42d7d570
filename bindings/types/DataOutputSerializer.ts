/**
 * DataOutputSerializer is the write side of serialization (Flink's
 * `DataOutputSerializer`, a `DataOutputView`): a growable byte buffer that
 * serializers write one record into, before the record's bytes are copied
 * into MemorySegments — across segment boundaries if need be — by a
 * {@link RecordSerializer}, a sort buffer or a state backend. Serializing into
 * a separate buffer first is what lets a record be written whole even when
 * the next network buffer is not yet available, and what keeps a record that
 * fails half-way out of every segment.
 *
 * Encoding: numbers little-endian (WebAssembly's order); unsigned LEB128
 * varints for lengths and counts; strings as a varint header
 * `(byteLength << 1) | wtf8` followed by UTF-8 bytes. Strings with unpaired
 * surrogates — valid in JavaScript, not in UTF-8 — are written as WTF-8
 * (surrogates encoded like other code points) with the flag set, so every JS
 * string round-trips exactly.
 *
 * When created over a budget's scratch area, the bytes live in linear memory
 * (so wasm can hash or copy them without a copy into it); a record larger
 * than that area moves the buffer to JS memory.
 *
 * @example
 * ```ts
 * const out = new DataOutputSerializer();
 * out.writeInt32(7);
 * out.writeString('héllo');
 * const bytes = out.toUint8Array(); // a copy of what was written
 * ```
 */
import { SerializationError } from '../errors.js';
import { encodeUtf8Into } from './utf8.js';

const TWO_32 = 4294967296;

export class DataOutputSerializer {
  /** @internal The bytes the buffer lives in (all of linear memory, or a JS array). */
  bytes: Uint8Array;
  /** @internal */
  dv: DataView;
  /** @internal Address of position 0 within `bytes`. */
  base: number;
  /** @internal Bytes available from `base`. */
  capacity: number;
  /** Bytes written so far. */
  position = 0;
  private readonly home: { bytes: Uint8Array; base: number; capacity: number } | undefined;

  /**
   * A buffer in JS memory with `initialSize` bytes, or — given a region
   * `(bytes, base, capacity)` of linear memory — one that starts there.
   */
  constructor(initialSize = 256, region?: { bytes: Uint8Array; base: number; capacity: number }) {
    this.home = region;
    if (region !== undefined) {
      this.bytes = region.bytes;
      this.base = region.base;
      this.capacity = region.capacity;
    } else {
      this.bytes = new Uint8Array(Math.max(16, initialSize));
      this.base = 0;
      this.capacity = this.bytes.length;
    }
    this.dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /**
   * @internal Writes from now on into `capacity` bytes of `bytes` at `base`
   * (position 0), e.g. straight into a sort buffer's page; a value that
   * outgrows it moves to JS memory as usual.
   */
  retarget(bytes: Uint8Array, base: number, capacity: number): void {
    if (bytes !== this.bytes) this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.bytes = bytes;
    this.base = base;
    this.capacity = capacity;
    this.position = 0;
  }

  /** True while the bytes are in WebAssembly linear memory (not moved to JS memory by a large record). */
  get inLinearMemory(): boolean {
    return this.base !== 0;
  }

  /** Forgets what was written; a buffer that moved to JS memory for a large record moves back to its linear-memory region. */
  clear(): void {
    this.position = 0;
    if (this.base === 0 && this.home !== undefined) {
      this.bytes = this.home.bytes;
      this.base = this.home.base;
      this.capacity = this.home.capacity;
      this.dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    }
  }

  /** The written bytes, without copying; valid until the next write or clear. */
  view(from = 0, to = this.position): Uint8Array {
    return this.bytes.subarray(this.base + from, this.base + to);
  }

  /** A copy of the written bytes. */
  toUint8Array(): Uint8Array {
    return this.view().slice();
  }

  /** Makes room for `n` more bytes, moving to a larger JS buffer if needed. */
  ensure(n: number): void {
    if (this.position + n > this.capacity) this.grow(n);
  }

  private grow(n: number): void {
    const needed = this.position + n;
    if (needed > 0x7fffffff) {
      throw new SerializationError(`record of at least ${needed} bytes is larger than 2 GiB`, '', undefined);
    }
    const size = Math.min(0x7fffffff, Math.max(needed, this.capacity * 2, 256));
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(this.base, this.base + this.position));
    this.bytes = next;
    this.base = 0;
    this.capacity = size;
    this.dv = new DataView(next.buffer);
  }

  writeBoolean(v: boolean): void {
    if (this.position + 1 > this.capacity) this.grow(1);
    this.bytes[this.base + this.position++] = v ? 1 : 0;
  }

  writeInt8(v: number): void {
    if (this.position + 1 > this.capacity) this.grow(1);
    this.dv.setInt8(this.base + this.position++, v);
  }

  writeUint8(v: number): void {
    if (this.position + 1 > this.capacity) this.grow(1);
    this.bytes[this.base + this.position++] = v;
  }

  writeInt16(v: number): void {
    if (this.position + 2 > this.capacity) this.grow(2);
    this.dv.setInt16(this.base + this.position, v, true);
    this.position += 2;
  }

  writeInt32(v: number): void {
    if (this.position + 4 > this.capacity) this.grow(4);
    this.dv.setInt32(this.base + this.position, v, true);
    this.position += 4;
  }

  writeUint32(v: number): void {
    if (this.position + 4 > this.capacity) this.grow(4);
    this.dv.setUint32(this.base + this.position, v, true);
    this.position += 4;
  }

  /** A safe integer as a signed 64-bit integer (the caller has checked it). */
  writeInt64(v: number): void {
    if (this.position + 8 > this.capacity) this.grow(8);
    const at = this.base + this.position;
    this.dv.setUint32(at, v >>> 0, true);
    this.dv.setInt32(at + 4, Math.floor(v / TWO_32), true);
    this.position += 8;
  }

  writeBigInt64(v: bigint): void {
    if (this.position + 8 > this.capacity) this.grow(8);
    this.dv.setBigInt64(this.base + this.position, v, true);
    this.position += 8;
  }

  writeFloat32(v: number): void {
    if (this.position + 4 > this.capacity) this.grow(4);
    if (v !== v) this.dv.setUint32(this.base + this.position, 0x7fc00000, true); // one NaN, so equal keys have equal bytes
    else this.dv.setFloat32(this.base + this.position, v, true);
    this.position += 4;
  }

  writeFloat64(v: number): void {
    if (this.position + 8 > this.capacity) this.grow(8);
    const at = this.base + this.position;
    if (v !== v) {
      this.dv.setUint32(at, 0, true);
      this.dv.setUint32(at + 4, 0x7ff80000, true);
    } else this.dv.setFloat64(at, v, true);
    this.position += 8;
  }

  /** An unsigned LEB128 varint of a value in [0, 2^32). */
  writeVarUint32(v: number): void {
    if (this.position + 5 > this.capacity) this.grow(5);
    const b = this.bytes;
    let at = this.base + this.position;
    while (v >= 0x80) {
      b[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[at++] = v;
    this.position = at - this.base;
  }

  /** Raw bytes, without a length. */
  writeRaw(src: Uint8Array): void {
    const n = src.length;
    if (this.position + n > this.capacity) this.grow(n);
    this.bytes.set(src, this.base + this.position);
    this.position += n;
  }

  /** A varint length, then the bytes. */
  writeBytes(src: Uint8Array): void {
    this.writeVarUint32(src.length);
    this.writeRaw(src);
  }

  /** A string: varint header `(byteLength << 1) | wtf8`, then its UTF-8 (or WTF-8) bytes. */
  writeString(s: string): void {
    const n = s.length;
    const max = n * 3;
    // The header's width is fixed before the bytes are known: a padded varint.
    const headerWidth = max < 64 ? 1 : max < 8192 ? 2 : max < 1048576 ? 3 : max < 134217728 ? 4 : 5;
    if (this.position + headerWidth + max > this.capacity) this.grow(headerWidth + max);
    const b = this.bytes;
    const start = this.base + this.position + headerWidth;
    let length = 0;
    let wtf8 = 0;
    if (n > 24 && isWellFormed(s)) {
      length = encodeUtf8Into(s, b, start, max);
    } else {
      // Short strings: a JS loop beats any native call while they are ASCII.
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      length = i;
      if (i < n) {
        const r = encodeWtf8(s, i, b, start + i);
        length += r & 0x7fffffff;
        wtf8 = r < 0 ? 1 : 0;
      }
    }
    let header = length * 2 + wtf8;
    let at = this.base + this.position;
    for (let k = 1; k < headerWidth; k++) {
      b[at++] = (header & 0x7f) | 0x80;
      header >>>= 7;
    }
    b[at] = header;
    this.position += headerWidth + length;
  }

  /** Writes a 32-bit integer at an earlier position (to patch a length). */
  putInt32At(position: number, v: number): void {
    this.dv.setInt32(this.base + position, v, true);
  }
}

const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(s: string): boolean {
  return hasIsWellFormed ? (s as unknown as { isWellFormed(): boolean }).isWellFormed() : !loneSurrogate.test(s);
}

/**
 * Encodes `s` from index `from` as WTF-8 into `b` at `at`. Returns the byte
 * count, with the sign bit set if an unpaired surrogate was written.
 */
function encodeWtf8(s: string, from: number, b: Uint8Array, at: number): number {
  const start = at;
  let lone = 0;
  const n = s.length;
  for (let i = from; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b[at++] = c;
    } else if (c < 0x800) {
      b[at++] = 0xc0 | (c >> 6);
      b[at++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          b[at++] = 0xf0 | (c >> 18);
          b[at++] = 0x80 | ((c >> 12) & 0x3f);
          b[at++] = 0x80 | ((c >> 6) & 0x3f);
          b[at++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) lone = 1;
      b[at++] = 0xe0 | (c >> 12);
      b[at++] = 0x80 | ((c >> 6) & 0x3f);
      b[at++] = 0x80 | (c & 0x3f);
    }
  }
  return lone ? (at - start) | 0x80000000 : at - start;
}
