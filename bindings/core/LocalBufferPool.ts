/**
 * A LocalBufferPool hands out the network buffers of one result partition or
 * input gate (Flink's `LocalBufferPool`, seed §5). It holds between
 * `minSegments` and `maxSegments` segments; its current size is set by the
 * {@link NetworkBufferPool}, which splits the spare segments among all pools
 * whenever a pool is created or destroyed.
 *
 * Segments are taken from the global pool lazily, one at a time, when a
 * request finds the local free list empty and the pool is below its size. A
 * recycled segment goes back to the global pool if the pool holds more than
 * its (possibly shrunk) size or was destroyed; otherwise it goes straight to
 * the longest-waiting request, or else onto the local free list.
 *
 * When the pool is exhausted, {@link requestBuffer} returns `null` and
 * {@link requestBufferAsync} returns a promise that resolves, in request order,
 * when a buffer comes back: this wait is backpressure.
 *
 * Invariants: `requested` = segments this pool holds (tagged with its owner
 * tag in the wasm owner table) = free-list length + buffers in use;
 * a waiter exists only while the free list is empty.
 *
 * @example
 * ```ts
 * import { MemoryBudget } from 'weir';
 * const { networkBufferPool } = MemoryBudget.create({ network: '1mb' });
 * const pool = networkBufferPool.createBufferPool({ min: 2, max: 8, name: 'map -> keyBy' });
 * const buffer = pool.requestBuffer() ?? (await pool.requestBufferAsync());
 * buffer.segment.putInt32(0, 1);
 * buffer.recycle();
 * pool.assertAllReturned();
 * pool.destroy();
 * ```
 */
import { BufferPoolError } from '../errors.js';
import { MemorySegment } from './MemorySegment.js';
import { NetworkBuffer } from './NetworkBuffer.js';
import type { LinearMemory } from './LinearMemory.js';
import type { NetworkBufferPool } from './NetworkBufferPool.js';

/** Options of {@link NetworkBufferPool.createBufferPool}. */
export interface LocalBufferPoolOptions {
  /** Segments the pool is guaranteed (at least 1). */
  min: number;
  /** Segments the pool may grow to when others leave spare ones (default: unbounded). */
  max?: number;
  /** A name for messages and metrics, e.g. the task and partition. */
  name?: string;
}

interface Waiter {
  resolve(buffer: NetworkBuffer): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class LocalBufferPool {
  readonly name: string;
  readonly minSegments: number;
  readonly maxSegments: number;
  /** @internal The owner tag of this pool's segments in the wasm owner table. */
  readonly tag: number;
  private readonly global: NetworkBufferPool;
  private readonly memory: LinearMemory;
  private currentSize: number;
  private requested = 0;
  private readonly available: number[] = [];
  private readonly waiters: Waiter[] = [];
  private destroyed = false;
  private readonly holder: string;
  /** @internal Set while the pool is in the global pool's queue of pools waiting for a segment. */
  queuedForGlobal = false;

  /** @internal Pools are created by {@link NetworkBufferPool.createBufferPool}. */
  constructor(global: NetworkBufferPool, memory: LinearMemory, tag: number, min: number, max: number, name: string) {
    this.global = global;
    this.memory = memory;
    this.tag = tag;
    this.minSegments = min;
    this.maxSegments = max;
    this.currentSize = min;
    this.name = name;
    this.holder = `LocalBufferPool "${name}"`;
  }

  /** The pool's current size: how many segments it may hold now. */
  get numBuffers(): number {
    return this.currentSize;
  }

  /** Segments this pool holds: free in it or in use. */
  get numRequested(): number {
    return this.requested;
  }

  /** Segments on the pool's free list. */
  get numAvailable(): number {
    return this.available.length;
  }

  /** Buffers handed out and not yet recycled. */
  get numInUse(): number {
    return this.requested - this.available.length;
  }

  /** Requests waiting for a buffer. */
  get numWaiting(): number {
    return this.waiters.length;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** True if {@link requestBuffer} would return a buffer now. */
  get isAvailable(): boolean {
    if (this.destroyed || this.waiters.length > 0) return false;
    return this.available.length > 0 || (this.requested < this.currentSize && this.global.numAvailable > 0);
  }

  /** A buffer, or `null` if the pool is exhausted (then wait with {@link requestBufferAsync}). */
  requestBuffer(): NetworkBuffer | null {
    if (this.destroyed) throw this.destroyedError('requestBuffer');
    if (this.waiters.length > 0) return null; // earlier requests are served first
    const id = this.takeSegment();
    return id < 0 ? null : this.wrap(id);
  }

  /**
   * A buffer now if one is free, else a promise that resolves when one is
   * recycled to this pool (in request order). Rejects if the pool is destroyed
   * while waiting, or with `signal.reason` when `signal` aborts.
   */
  requestBufferAsync(signal?: AbortSignal): Promise<NetworkBuffer> {
    let buffer: NetworkBuffer | null;
    try {
      signal?.throwIfAborted();
      buffer = this.requestBuffer();
    } catch (error) {
      return Promise.reject(error);
    }
    if (buffer !== null) return Promise.resolve(buffer);
    return new Promise<NetworkBuffer>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      if (this.requested < this.currentSize) this.global.waitForSegment(this);
    });
  }

  /**
   * Destroys the pool: waiting requests are rejected, free segments go back to
   * the global pool, and buffers still in use go back there when recycled.
   * The pool's share is redistributed among the others. Idempotent.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const waiting = this.waiters.splice(0);
    for (const w of waiting) {
      this.detach(w);
      w.reject(new BufferPoolError(`LocalBufferPool "${this.name}" was destroyed while a buffer request was waiting`));
    }
    this.returnExcess(0);
    this.global.destroyBufferPool(this);
  }

  /**
   * Throws a {@link BufferPoolError} naming the segments of buffers that were
   * handed out and not recycled. Use after every job or test.
   */
  assertAllReturned(): void {
    const inUse = this.inUseSegmentIds();
    if (inUse.length > 0) {
      const shown = inUse.slice(0, 10).map((id) => `#${id}`).join(', ');
      throw new BufferPoolError(
        `LocalBufferPool "${this.name}": ${inUse.length} buffer(s) not recycled (segments ${shown}${inUse.length > 10 ? ', …' : ''})`,
      );
    }
  }

  /** @internal Ids of this pool's segments that are handed out. */
  inUseSegmentIds(): number[] {
    if (this.numInUse === 0) return [];
    const free = new Set(this.available);
    const ids: number[] = [];
    const owners = this.memory.owners;
    for (let id = 0; id < this.memory.networkSegments; id++) {
      if (owners[id] === this.tag && !free.has(id)) ids.push(id);
    }
    return ids;
  }

  /** @internal Called by the last `NetworkBuffer.recycle()`. */
  recycleSegment(id: number): void {
    if (this.memory.owners[id] !== this.tag) {
      throw new BufferPoolError(`LocalBufferPool "${this.name}": segment #${id} recycled here is not held by this pool`);
    }
    if (this.destroyed || this.requested > this.currentSize) {
      this.requested--;
      this.global.returnSegment(id, this);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.detach(waiter);
      waiter.resolve(this.wrap(id));
      return;
    }
    this.available.push(id);
  }

  /** @internal Sets the pool's size (redistribution) and gives back what it holds beyond it. */
  setNumBuffers(size: number): void {
    this.currentSize = Math.min(Math.max(size, this.minSegments), this.maxSegments);
    this.returnExcess(this.currentSize);
    if (this.wantsGlobalSegment()) this.global.waitForSegment(this);
  }

  /** @internal True while requests wait and the pool may take another segment from the global pool. */
  wantsGlobalSegment(): boolean {
    return !this.destroyed && this.waiters.length > 0 && this.requested < this.currentSize;
  }

  /** @internal Serves the oldest waiting request with a segment from the global pool. Returns false if none was free. */
  serveWaiterFromGlobal(): boolean {
    if (!this.wantsGlobalSegment()) return false;
    const id = this.global.takeSegment(this);
    if (id < 0) return false;
    this.requested++;
    const waiter = this.waiters.shift()!;
    this.detach(waiter);
    waiter.resolve(this.wrap(id));
    return true;
  }

  private takeSegment(): number {
    const id = this.available.pop();
    if (id !== undefined) return id;
    if (this.requested < this.currentSize) {
      const fresh = this.global.takeSegment(this);
      if (fresh >= 0) {
        this.requested++;
        return fresh;
      }
    }
    return -1;
  }

  private returnExcess(size: number): void {
    while (this.requested > size && this.available.length > 0) {
      this.requested--;
      this.global.returnSegment(this.available.pop()!, this);
    }
  }

  private wrap(id: number): NetworkBuffer {
    return new NetworkBuffer(new MemorySegment(this.memory, id, this.holder), this);
  }

  private detach(waiter: Waiter): void {
    if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort);
  }

  private destroyedError(what: string): BufferPoolError {
    return new BufferPoolError(`LocalBufferPool "${this.name}": ${what} after the pool was destroyed`);
  }
}
