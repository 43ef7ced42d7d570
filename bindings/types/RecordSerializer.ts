/**
 * RecordSerializer writes records into MemorySegments as a length-prefixed
 * byte stream in which a record may span any number of segments (Flink's
 * `SpanningRecordSerializer`). A record is first serialized whole into its
 * own buffer — so a value that fails leaves nothing behind in any segment —
 * then copied into segments, as much as fits each time: the writer can stop
 * between segments (to wait for a network buffer) and go on later.
 *
 * Format: a 4-byte little-endian length, then the record's bytes.
 *
 * @example
 * ```ts
 * const writer = new RecordSerializer(Bid.createSerializer());
 * writer.serializeRecord(bid);
 * while (writer.hasPendingBytes) {
 *   const buffer = pool.requestBuffer() ?? (await pool.requestBufferAsync());
 *   buffer.size += writer.copyTo(buffer.segment, buffer.size, buffer.capacity);
 *   send(buffer);
 * }
 * ```
 */
import { SerializationError } from '../errors.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import { DataOutputSerializer } from './DataOutputSerializer.js';
import type { TypeSerializer } from './TypeSerializer.js';

/** Bytes of the length prefix. */
export const LENGTH_PREFIX = 4;
/** Scratch bytes a serialization buffer leaves for comparator programs and key hashers. */
const SCRATCH_KEEP = 64 * 1024;

export class RecordSerializer<T> {
  private readonly serializer: TypeSerializer<T>;
  private readonly out: DataOutputSerializer;
  private copied = 0;

  /**
   * With a `budget`, records are serialized in its scratch area (linear
   * memory, so copying them into segments is a wasm `memory.copy`).
   */
  constructor(serializer: TypeSerializer<T>, budget?: MemoryBudget, bufferBytes = 16 * 1024) {
    this.serializer = serializer;
    const memory = budget?.memory;
    const base = memory === undefined ? -1 : memory.allocScratch(bufferBytes, SCRATCH_KEEP);
    this.out = base < 0 ? new DataOutputSerializer(bufferBytes) : new DataOutputSerializer(bufferBytes, { bytes: memory!.bytes, base, capacity: bufferBytes });
  }

  /**
   * Serializes `value` as the next record. The previous record must have been
   * copied out completely. A value that does not match the type throws a
   * {@link SerializationError} and leaves no record pending.
   */
  serializeRecord(value: T): void {
    if (this.hasPendingBytes) {
      throw new SerializationError(`RecordSerializer: the previous record still has ${this.pendingBytes} bytes to copy into segments`, '', value);
    }
    const out = this.out;
    out.clear();
    this.copied = 0;
    out.ensure(LENGTH_PREFIX);
    out.position = LENGTH_PREFIX;
    try {
      this.serializer.serialize(value, out);
    } catch (error) {
      out.clear();
      throw error;
    }
    out.putInt32At(0, out.position - LENGTH_PREFIX);
  }

  /** Bytes of the current record (with its length prefix) not yet copied into a segment. */
  get pendingBytes(): number {
    return this.out.position - this.copied;
  }

  get hasPendingBytes(): boolean {
    return this.out.position > this.copied;
  }

  /** The serialized size of the current record, with its length prefix. */
  get recordBytes(): number {
    return this.out.position;
  }

  /**
   * Copies as much of the pending record as fits into `segment` between
   * `offset` and `end`; returns the number of bytes copied.
   */
  copyTo(segment: MemorySegment, offset: number, end: number = segment.size): number {
    const n = Math.min(this.pendingBytes, end - offset);
    if (n <= 0) return 0;
    const address = segment.addressOf(offset, n); // checks bounds and release
    const out = this.out;
    if (out.inLinearMemory && out.bytes === segment.memory.bytes) {
      segment.memory.core.copy(out.base + this.copied, address, n);
    } else {
      segment.memory.bytes.set(out.view(this.copied, this.copied + n), address);
    }
    this.copied += n;
    if (this.copied === out.position) {
      out.clear();
      this.copied = 0;
    }
    return n;
  }

  /** A view of the bytes not yet copied into segments, valid until the next record or clear(). */
  pendingView(): Uint8Array {
    return this.out.view(this.copied, this.out.position);
  }

  /** Drops the pending record (when the job is cancelled mid-record). */
  clear(): void {
    this.out.clear();
    this.copied = 0;
  }
}
