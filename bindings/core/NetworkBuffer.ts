/**
 * A NetworkBuffer is a MemorySegment from a {@link LocalBufferPool} on its way
 * through a channel, with the number of bytes written into it (Flink's
 * `NetworkBuffer`). It is reference-counted: a buffer sent to several
 * channels (broadcast) is retained once per extra receiver, and the segment
 * goes back to its pool when the last holder recycles it.
 *
 * Invariants: `recycle()` is called exactly once per reference; one more call
 * is refused with a {@link BufferPoolError}, and the segment handle is released
 * at the last recycle so that no access through it succeeds afterwards.
 *
 * @example
 * ```ts
 * const buffer = pool.requestBuffer() ?? (await pool.requestBufferAsync());
 * buffer.segment.putInt32(0, 7);
 * buffer.size = 4;
 * buffer.recycle(); // back to the pool; a waiting requester gets it first
 * ```
 */
import { BufferPoolError } from '../errors.js';
import type { MemorySegment } from './MemorySegment.js';

/** @internal Where a buffer's segment goes when its last reference is recycled. */
export interface BufferRecycler {
  readonly name: string;
  recycleSegment(id: number): void;
}

export class NetworkBuffer {
  /** The segment holding the bytes. */
  readonly segment: MemorySegment;
  private written = 0;
  /** Bytes consumed so far by a reader (at most `size`). */
  readerIndex = 0;
  private refCount = 1;
  private readonly recycler: BufferRecycler;

  /** @internal Buffers come from `LocalBufferPool.requestBuffer`. */
  constructor(segment: MemorySegment, recycler: BufferRecycler) {
    this.segment = segment;
    this.recycler = recycler;
  }

  /** Bytes written so far (Flink's writer index): an integer from 0 to `capacity`. */
  get size(): number {
    return this.written;
  }

  set size(n: number) {
    if ((n | 0) !== n || n < 0 || n > this.segment.size) {
      throw new RangeError(`NetworkBuffer on segment #${this.segment.id}: size must be an integer from 0 to ${this.segment.size}, got ${n}`);
    }
    this.written = n;
  }

  /** The segment size: the most bytes the buffer can hold. */
  get capacity(): number {
    return this.segment.size;
  }

  /** True once the last reference has been recycled. */
  get isRecycled(): boolean {
    return this.refCount === 0;
  }

  /** The number of holders that still have to recycle the buffer. */
  get referenceCount(): number {
    return this.refCount;
  }

  /** Adds a reference (for one more receiver); each one needs its own `recycle()`. */
  retain(): this {
    if (this.refCount === 0) throw this.recycled('retain');
    this.refCount++;
    return this;
  }

  /** Drops one reference; the last one returns the segment to its pool. */
  recycle(): void {
    if (this.refCount === 0) throw this.recycled('recycle');
    if (--this.refCount === 0) {
      this.segment.release();
      this.recycler.recycleSegment(this.segment.id);
    }
  }

  private recycled(what: string): BufferPoolError {
    return new BufferPoolError(
      `NetworkBuffer on segment #${this.segment.id} of LocalBufferPool "${this.recycler.name}": cannot ${what}, the buffer was already recycled`,
    );
  }
}
