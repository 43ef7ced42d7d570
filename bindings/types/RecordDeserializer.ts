/**
 * RecordDeserializer reads records back from the byte stream a
 * {@link RecordSerializer} wrote into a sequence of segments (Flink's
 * `SpillingAdaptiveSpanningRecordDeserializer`). Each segment range is handed
 * over with {@link setNextBuffer}; records wholly inside it are read in place,
 * a record that spans into later segments is gathered into a buffer of its
 * own until complete. Once {@link hasNext} returns false the current range is
 * used up and its segment can be recycled.
 *
 * A record whose serializer reads fewer or more bytes than were written is
 * refused with a {@link SerializationError}, so a serializer bug cannot shift
 * every later record.
 *
 * @example
 * ```ts
 * const reader = new RecordDeserializer(Bid.createSerializer());
 * for (const buffer of received) {
 *   reader.setNextBuffer(buffer.segment, 0, buffer.size);
 *   while (reader.hasNext()) handle(reader.next());
 *   buffer.recycle();
 * }
 * ```
 */
import { SerializationError } from '../errors.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import { DataInputDeserializer } from './DataInputDeserializer.js';
import type { TypeSerializer } from './TypeSerializer.js';
import { LENGTH_PREFIX } from './RecordSerializer.js';

export class RecordDeserializer<T> {
  private readonly serializer: TypeSerializer<T>;
  private readonly input = new DataInputDeserializer();
  // The current range, in linear-memory addresses.
  private bytes: Uint8Array = new Uint8Array(0);
  private position = 0;
  private end = 0;
  // A record spanning ranges: its bytes so far (length prefix first).
  private spanning: Uint8Array = new Uint8Array(256);
  private spanningBytes = 0;
  private spanningTotal = -1;
  // Where the next complete record is: in the range (address) or in `spanning`.
  private readyAt = -1;
  private readyLength = 0;
  private readyInSpanning = false;

  constructor(serializer: TypeSerializer<T>) {
    this.serializer = serializer;
  }

  /** Reads the bytes of `segment` from `offset` to `offset + length` next. */
  setNextBuffer(segment: MemorySegment, offset: number, length: number): void {
    if (this.position < this.end || (this.readyAt >= 0 && !this.readyInSpanning)) {
      throw new SerializationError(`RecordDeserializer: a record of the previous buffer was not read (call next() until hasNext() is false)`, '', undefined);
    }
    segment.view(offset, length); // checks bounds and release
    this.bytes = segment.memory.bytes;
    this.position = segment.address + offset;
    this.end = this.position + length;
  }

  /** True if a spanning record is incomplete and more buffers are needed. */
  get hasPartialRecord(): boolean {
    return this.spanningBytes > 0;
  }

  /** True if a complete record is ready for {@link next}; false once the current buffer is used up. */
  hasNext(): boolean {
    if (this.readyAt >= 0) return true;
    if (this.spanningBytes > 0) return this.continueSpanning();
    const left = this.end - this.position;
    if (left === 0) return false;
    if (left >= LENGTH_PREFIX) {
      const b = this.bytes;
      const p = this.position;
      const length = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      if (left - LENGTH_PREFIX >= length) {
        this.readyAt = p + LENGTH_PREFIX;
        this.readyLength = length;
        this.readyInSpanning = false;
        this.position = p + LENGTH_PREFIX + length;
        return true;
      }
    }
    return this.continueSpanning();
  }

  private continueSpanning(): boolean {
    if (this.spanningTotal < 0) {
      this.take(LENGTH_PREFIX - this.spanningBytes);
      if (this.spanningBytes < LENGTH_PREFIX) return false;
      const s = this.spanning;
      this.spanningTotal = LENGTH_PREFIX + ((s[0]! | (s[1]! << 8) | (s[2]! << 16) | (s[3]! << 24)) >>> 0);
    }
    this.take(this.spanningTotal - this.spanningBytes);
    if (this.spanningBytes < this.spanningTotal) return false;
    this.readyAt = LENGTH_PREFIX;
    this.readyLength = this.spanningTotal - LENGTH_PREFIX;
    this.readyInSpanning = true;
    return true;
  }

  /** Moves up to `want` bytes of the current range into the spanning buffer. */
  private take(want: number): void {
    const n = Math.min(want, this.end - this.position);
    if (n <= 0) return;
    if (this.spanningBytes + n > this.spanning.length) {
      const grown = new Uint8Array(Math.max(this.spanningBytes + n, this.spanning.length * 2));
      grown.set(this.spanning.subarray(0, this.spanningBytes));
      this.spanning = grown;
    }
    this.spanning.set(this.bytes.subarray(this.position, this.position + n), this.spanningBytes);
    this.spanningBytes += n;
    this.position += n;
  }

  /** The next record; call only after {@link hasNext} returned true. */
  next(): T {
    if (this.readyAt < 0 && !this.hasNext()) {
      throw new SerializationError('RecordDeserializer.next: no complete record; check hasNext() first', '', undefined);
    }
    const input = this.input;
    input.setBuffer(this.readyInSpanning ? this.spanning : this.bytes, this.readyAt, this.readyLength);
    const spanned = this.readyInSpanning;
    this.readyAt = -1;
    if (spanned) {
      this.spanningBytes = 0;
      this.spanningTotal = -1;
    }
    const value = this.serializer.deserialize(input);
    if (input.position !== input.end) {
      throw new SerializationError(
        `record of ${this.readyLength} bytes: the serializer read ${this.readyLength - (input.end - input.position)} of them (corrupt data, or a serializer that does not match the writer's)`,
        '',
        undefined,
      );
    }
    return value;
  }

  /** Drops all state (when the input is closed or the job cancelled). */
  clear(): void {
    this.position = this.end = 0;
    this.spanningBytes = 0;
    this.spanningTotal = -1;
    this.readyAt = -1;
  }
}
