/**
 * A MemorySegment is a fixed-size region of WebAssembly linear memory — the
 * unit in which weir allocates, sends and stores bytes (Flink's
 * `MemorySegment`). It has an id, unique within its memory budget, and a size
 * (a power of two, 32 KiB by default).
 *
 * A `MemorySegment` object is a handle for one holding of the segment: the
 * pool or memory manager creates one each time it hands the segment out and
 * releases it when the segment goes back. A released handle refuses every
 * access with a {@link MemorySegmentError}, even after the same segment has
 * been handed to someone else through a new handle, so a stale handle can
 * never read or scribble over another holder's bytes.
 *
 * Every accessor checks bounds and raises a `RangeError` that names the
 * segment, the offset and the length. Multi-byte values are little-endian
 * (WebAssembly's order) unless the method name ends in `BE`: big-endian
 * values compare byte-wise in the same order as their numbers, which is what
 * normalized keys need. Bulk work — copy, compare, swap, fill — runs in wasm.
 *
 * @example
 * ```ts
 * import { MemoryBudget } from 'weir';
 * const budget = MemoryBudget.create({ network: '1mb', managed: '1mb' });
 * const owner = {};
 * const [a, b] = budget.memoryManager.allocatePages(owner, 2);
 * a.putInt32(0, 42);
 * a.putFloat64BE(8, Math.PI);
 * a.copyTo(0, b, 100, 16);
 * console.log(b.getInt32(100), b.getFloat64BE(108), a.compare(b, 0, 100, 16)); // 42 3.14159… 0
 * budget.memoryManager.releaseAll(owner);
 * ```
 */
import { MemorySegmentError } from '../errors.js';
import type { LinearMemory } from './LinearMemory.js';

const TWO_32 = 4294967296;

export class MemorySegment {
  /** The segment's id within its budget. */
  readonly id: number;
  /** The segment's size in bytes. */
  readonly size: number;
  /** @internal */
  readonly address: number;
  /** @internal */
  readonly memory: LinearMemory;
  private readonly dv: DataView;
  /** `size` while held, -1 after release: one comparison checks both. */
  private limit: number;
  private readonly holder: string;

  /** @internal Segments are created by pools and the memory manager, not by users. */
  constructor(memory: LinearMemory, id: number, holder: string) {
    this.memory = memory;
    this.id = id;
    this.size = memory.segmentSize;
    this.address = memory.address(id);
    this.dv = memory.view;
    this.limit = this.size;
    this.holder = holder;
  }

  /** True once this handle has been released; every access then fails. */
  get isReleased(): boolean {
    return this.limit < 0;
  }

  /** @internal Called by the pool or memory manager that handed the segment out. */
  release(): void {
    this.limit = -1;
  }

  /** The absolute address of `length` bytes at `offset`, after the bounds check. */
  private at(offset: number, length: number): number {
    if ((offset | 0) !== offset || offset < 0 || offset > this.limit - length) this.fail(offset, length);
    return this.address + offset;
  }

  private fail(offset: number, length: number): never {
    if (this.limit < 0) {
      throw new MemorySegmentError(
        `MemorySegment #${this.id} was released by ${this.holder}: access of ${length} bytes at offset ${offset} after release`,
      );
    }
    throw new RangeError(
      `MemorySegment #${this.id}: access of ${length} bytes at offset ${offset} is out of bounds (segment size ${this.size})`,
    );
  }

  private checkLength(length: number, what: string): void {
    if ((length | 0) !== length || length < 0) {
      throw new RangeError(`MemorySegment #${this.id}: ${what} length must be a non-negative integer, got ${length}`);
    }
  }

  getInt8(offset: number): number { return this.dv.getInt8(this.at(offset, 1)); }
  putInt8(offset: number, value: number): void { this.dv.setInt8(this.at(offset, 1), value); }
  getUint8(offset: number): number { return this.dv.getUint8(this.at(offset, 1)); }
  putUint8(offset: number, value: number): void { this.dv.setUint8(this.at(offset, 1), value); }

  getInt16(offset: number): number { return this.dv.getInt16(this.at(offset, 2), true); }
  putInt16(offset: number, value: number): void { this.dv.setInt16(this.at(offset, 2), value, true); }
  getInt16BE(offset: number): number { return this.dv.getInt16(this.at(offset, 2), false); }
  putInt16BE(offset: number, value: number): void { this.dv.setInt16(this.at(offset, 2), value, false); }
  getUint16(offset: number): number { return this.dv.getUint16(this.at(offset, 2), true); }
  putUint16(offset: number, value: number): void { this.dv.setUint16(this.at(offset, 2), value, true); }
  getUint16BE(offset: number): number { return this.dv.getUint16(this.at(offset, 2), false); }
  putUint16BE(offset: number, value: number): void { this.dv.setUint16(this.at(offset, 2), value, false); }

  getInt32(offset: number): number { return this.dv.getInt32(this.at(offset, 4), true); }
  putInt32(offset: number, value: number): void { this.dv.setInt32(this.at(offset, 4), value, true); }
  getInt32BE(offset: number): number { return this.dv.getInt32(this.at(offset, 4), false); }
  putInt32BE(offset: number, value: number): void { this.dv.setInt32(this.at(offset, 4), value, false); }
  getUint32(offset: number): number { return this.dv.getUint32(this.at(offset, 4), true); }
  putUint32(offset: number, value: number): void { this.dv.setUint32(this.at(offset, 4), value, true); }
  getUint32BE(offset: number): number { return this.dv.getUint32(this.at(offset, 4), false); }
  putUint32BE(offset: number, value: number): void { this.dv.setUint32(this.at(offset, 4), value, false); }

  getBigInt64(offset: number): bigint { return this.dv.getBigInt64(this.at(offset, 8), true); }
  putBigInt64(offset: number, value: bigint): void { this.dv.setBigInt64(this.at(offset, 8), value, true); }
  getBigInt64BE(offset: number): bigint { return this.dv.getBigInt64(this.at(offset, 8), false); }
  putBigInt64BE(offset: number, value: bigint): void { this.dv.setBigInt64(this.at(offset, 8), value, false); }
  getBigUint64(offset: number): bigint { return this.dv.getBigUint64(this.at(offset, 8), true); }
  putBigUint64(offset: number, value: bigint): void { this.dv.setBigUint64(this.at(offset, 8), value, true); }
  getBigUint64BE(offset: number): bigint { return this.dv.getBigUint64(this.at(offset, 8), false); }
  putBigUint64BE(offset: number, value: bigint): void { this.dv.setBigUint64(this.at(offset, 8), value, false); }

  /**
   * Reads a signed 64-bit integer as a number. Raises a `RangeError` if the
   * stored value is outside the safe-integer range (use {@link getBigInt64}).
   */
  getInt64(offset: number): number {
    const a = this.at(offset, 8);
    return this.joinInt64(offset, this.dv.getInt32(a + 4, true), this.dv.getUint32(a, true));
  }

  /** Writes a safe integer as a signed 64-bit integer; anything else is a `RangeError`. */
  putInt64(offset: number, value: number): void {
    const a = this.at(offset, 8);
    this.checkSafe(offset, value);
    this.dv.setUint32(a, value >>> 0, true);
    this.dv.setInt32(a + 4, Math.floor(value / TWO_32), true);
  }

  /** Big-endian {@link getInt64}. */
  getInt64BE(offset: number): number {
    const a = this.at(offset, 8);
    return this.joinInt64(offset, this.dv.getInt32(a, false), this.dv.getUint32(a + 4, false));
  }

  /** Big-endian {@link putInt64}. */
  putInt64BE(offset: number, value: number): void {
    const a = this.at(offset, 8);
    this.checkSafe(offset, value);
    this.dv.setInt32(a, Math.floor(value / TWO_32), false);
    this.dv.setUint32(a + 4, value >>> 0, false);
  }

  private joinInt64(offset: number, high: number, low: number): number {
    const value = high * TWO_32 + low;
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(
        `MemorySegment #${this.id}: the 64-bit integer at offset ${offset} is outside the safe-integer range; read it with getBigInt64`,
      );
    }
    return value;
  }

  private checkSafe(offset: number, value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(
        `MemorySegment #${this.id}: cannot write ${value} at offset ${offset} as a 64-bit integer: not a safe integer (use putBigInt64)`,
      );
    }
  }

  getFloat32(offset: number): number { return this.dv.getFloat32(this.at(offset, 4), true); }
  putFloat32(offset: number, value: number): void { this.dv.setFloat32(this.at(offset, 4), value, true); }
  getFloat32BE(offset: number): number { return this.dv.getFloat32(this.at(offset, 4), false); }
  putFloat32BE(offset: number, value: number): void { this.dv.setFloat32(this.at(offset, 4), value, false); }
  getFloat64(offset: number): number { return this.dv.getFloat64(this.at(offset, 8), true); }
  putFloat64(offset: number, value: number): void { this.dv.setFloat64(this.at(offset, 8), value, true); }
  getFloat64BE(offset: number): number { return this.dv.getFloat64(this.at(offset, 8), false); }
  putFloat64BE(offset: number, value: number): void { this.dv.setFloat64(this.at(offset, 8), value, false); }

  /** Copies `length` bytes at `offset` into `target` (at `targetOffset`). */
  getBytes(offset: number, target: Uint8Array, targetOffset = 0, length = target.length - targetOffset): void {
    this.checkLength(length, 'getBytes');
    const a = this.at(offset, length);
    if ((targetOffset | 0) !== targetOffset || targetOffset < 0 || targetOffset + length > target.length) {
      throw new RangeError(`MemorySegment #${this.id}: getBytes target of ${target.length} bytes cannot take ${length} bytes at ${targetOffset}`);
    }
    target.set(this.memory.bytes.subarray(a, a + length), targetOffset);
  }

  /** Copies `length` bytes of `source` (from `sourceOffset`) into this segment at `offset`. */
  putBytes(offset: number, source: Uint8Array, sourceOffset = 0, length = source.length - sourceOffset): void {
    this.checkLength(length, 'putBytes');
    const a = this.at(offset, length);
    if ((sourceOffset | 0) !== sourceOffset || sourceOffset < 0 || sourceOffset + length > source.length) {
      throw new RangeError(`MemorySegment #${this.id}: putBytes source of ${source.length} bytes has no ${length} bytes at ${sourceOffset}`);
    }
    this.memory.bytes.set(source.subarray(sourceOffset, sourceOffset + length), a);
  }

  /** @internal The absolute address of `length` bytes at `offset`, after the bounds and release check. */
  addressOf(offset: number, length: number): number {
    this.checkLength(length, 'addressOf');
    return this.at(offset, length);
  }

  /**
   * A `Uint8Array` over `length` bytes at `offset`, without copying. It shares
   * the segment's bytes and is valid only while this handle is held.
   */
  view(offset: number, length: number): Uint8Array {
    this.checkLength(length, 'view');
    const a = this.at(offset, length);
    return this.memory.bytes.subarray(a, a + length);
  }

  /** Sets `length` bytes at `offset` to `value` (0–255). */
  fill(offset: number, length: number, value = 0): void {
    this.checkLength(length, 'fill');
    this.memory.core.fill(this.at(offset, length), value & 0xff, length);
  }

  /** Copies `length` bytes at `offset` to `target` at `targetOffset` (wasm `memory.copy`; overlap is allowed). */
  copyTo(offset: number, target: MemorySegment, targetOffset: number, length: number): void {
    this.checkLength(length, 'copyTo');
    this.sameMemory(target, 'copyTo');
    this.memory.core.copy(this.at(offset, length), target.at(targetOffset, length), length);
  }

  /**
   * Compares `length` bytes at `offset` with `other`'s bytes at `otherOffset`
   * as unsigned bytes, lexicographically: negative, 0 or positive.
   */
  compare(other: MemorySegment, offset: number, otherOffset: number, length: number): number {
    this.checkLength(length, 'compare');
    this.sameMemory(other, 'compare');
    return this.memory.core.compare(this.at(offset, length), other.at(otherOffset, length), length);
  }

  /** True if `length` bytes at `offset` equal `other`'s at `otherOffset`. */
  equalTo(other: MemorySegment, offset: number, otherOffset: number, length: number): boolean {
    this.checkLength(length, 'equalTo');
    this.sameMemory(other, 'equalTo');
    return this.memory.core.equals(this.at(offset, length), other.at(otherOffset, length), length) !== 0;
  }

  /** Exchanges `length` bytes at `offset` with `other`'s at `otherOffset`; the two ranges must not overlap. */
  swapBytes(other: MemorySegment, offset: number, otherOffset: number, length: number): void {
    this.checkLength(length, 'swapBytes');
    this.sameMemory(other, 'swapBytes');
    const a = this.at(offset, length);
    const b = other.at(otherOffset, length);
    if (a < b + length && b < a + length && length > 0 && a !== b) {
      throw new RangeError(
        `MemorySegment #${this.id}: swapBytes of ${length} bytes between offsets ${offset} and ${otherOffset} of overlapping ranges`,
      );
    }
    this.memory.core.swap(a, b, length);
  }

  private sameMemory(other: MemorySegment, what: string): void {
    if (other.memory !== this.memory) {
      throw new MemorySegmentError(`MemorySegment #${this.id}: ${what} with segment #${other.id} of another memory budget`);
    }
  }

  toString(): string {
    return `MemorySegment #${this.id} (${this.size} bytes${this.isReleased ? ', released' : ''})`;
  }
}
