/**
 * The NetworkBufferPool owns every network segment of a memory budget (Flink's
 * `NetworkBufferPool`, seed §5): a fixed number, 2048 × 32 KiB by default,
 * reserved at start-up. Tasks never take from it directly; each result
 * partition and input gate gets a {@link LocalBufferPool} from
 * {@link createBufferPool}.
 *
 * Sizing: every local pool is guaranteed its minimum. The segments beyond the
 * sum of minimums are split among the pools in proportion to how far each can
 * grow (max − min), recomputed whenever a pool is created or destroyed. Sizes
 * are limits, not allocations: segments move to a local pool only when it
 * requests one.
 *
 * When a local pool below its size has waiting requests and the global pool
 * is empty, the local pool queues here; returned segments are handed to the
 * queued pools in turn (round-robin).
 *
 * Invariants: free segments (in the wasm free stack) + segments held by local
 * pools = `totalSegments`; the sum of the pools' minimums never exceeds
 * `totalSegments`.
 *
 * @example
 * ```ts
 * import { MemoryBudget } from 'weir';
 * const { networkBufferPool } = MemoryBudget.create({ network: '2mb', segmentSize: '32kb' });
 * const output = networkBufferPool.createBufferPool({ min: 4, max: 16, name: 'source output' });
 * const input = networkBufferPool.createBufferPool({ min: 4, max: 16, name: 'sink input' });
 * console.log(output.numBuffers, input.numBuffers); // 16 16 (64 segments, spare split evenly)
 * ```
 */
import { BufferPoolError, ConfigurationError, MemoryBudgetError } from '../errors.js';
import { GIVE_OK, KIND_NETWORK, type LinearMemory } from './LinearMemory.js';
import { LocalBufferPool, type LocalBufferPoolOptions } from './LocalBufferPool.js';
import { formatBytes } from './units.js';

/** A snapshot of one local pool's use, for metrics and the demo. */
export interface LocalBufferPoolUsage {
  name: string;
  /** Current size. */
  size: number;
  min: number;
  max: number;
  /** Segments held (free + in use). */
  requested: number;
  inUse: number;
  waiting: number;
}

/** A snapshot of the network buffers' use. */
export interface NetworkBufferPoolUsage {
  total: number;
  free: number;
  pools: LocalBufferPoolUsage[];
}

export class NetworkBufferPool {
  /** Network segments in the budget. */
  readonly totalSegments: number;
  readonly segmentSize: number;
  private readonly memory: LinearMemory;
  /** Live pools, in creation order. */
  private readonly pools: LocalBufferPool[] = [];
  /** Pools that still hold segments, live or destroyed, by owner tag. */
  private readonly holders = new Map<number, LocalBufferPool>();
  private numTotalRequired = 0;
  private readonly waiting: LocalBufferPool[] = [];
  private redistributing = false;

  /** @internal Created by {@link MemoryBudget.create}. */
  constructor(memory: LinearMemory) {
    this.memory = memory;
    this.totalSegments = memory.networkSegments;
    this.segmentSize = memory.segmentSize;
  }

  /** Segments free in the global pool (not held by any local pool). */
  get numAvailable(): number {
    // A disposed budget's wasm instance may already serve another budget.
    return this.memory.isDisposed ? 0 : this.memory.core.available(KIND_NETWORK);
  }

  /** The sum of the live pools' minimums. */
  get numRequired(): number {
    return this.numTotalRequired;
  }

  /** Live local pools. */
  get numPools(): number {
    return this.pools.length;
  }

  /**
   * Creates a local pool guaranteed `min` segments and allowed up to `max`.
   * Refused with a {@link MemoryBudgetError} when the minimums of all pools
   * would exceed the network budget.
   */
  createBufferPool(options: LocalBufferPoolOptions): LocalBufferPool {
    const name = options.name ?? `pool-${this.holders.size + 1}`;
    if (this.memory.isDisposed) {
      throw new BufferPoolError(`NetworkBufferPool: cannot create LocalBufferPool "${name}": the memory budget was disposed`);
    }
    const min = options.min;
    const max = options.max ?? Number.POSITIVE_INFINITY;
    if (!Number.isInteger(min) || min < 1) {
      throw new ConfigurationError(`LocalBufferPool "${name}": min must be an integer ≥ 1, got ${String(min)}`);
    }
    if (!(max === Number.POSITIVE_INFINITY || Number.isInteger(max)) || max < min) {
      throw new ConfigurationError(`LocalBufferPool "${name}": max must be an integer ≥ min (${min}) or Infinity, got ${String(max)}`);
    }
    if (this.numTotalRequired + min > this.totalSegments) {
      const free = this.totalSegments - this.numTotalRequired;
      throw new MemoryBudgetError(
        `LocalBufferPool "${name}" requires ${min} network buffers, but only ${free} of ${this.totalSegments} ` +
          `(${formatBytes(this.segmentSize)} each) are not already required by ${this.pools.length} other pool(s); ` +
          `raise the network memory (memory: { network: … }) or lower the parallelism`,
      );
    }
    const pool = new LocalBufferPool(this, this.memory, this.memory.newOwnerTag(), min, max, name);
    this.pools.push(pool);
    this.holders.set(pool.tag, pool);
    this.numTotalRequired += min;
    this.redistribute();
    return pool;
  }

  /** @internal Destroys every live pool (when the budget is disposed). */
  destroyAll(): void {
    for (const pool of [...this.pools]) pool.destroy();
  }

  /** @internal Called by `LocalBufferPool.destroy()`. */
  destroyBufferPool(pool: LocalBufferPool): void {
    const i = this.pools.indexOf(pool);
    if (i < 0) return;
    this.pools.splice(i, 1);
    this.numTotalRequired -= pool.minSegments;
    if (pool.numRequested === 0) this.holders.delete(pool.tag);
    this.redistribute();
  }

  /** @internal Takes a free segment for `pool`; -1 if none. */
  takeSegment(pool: LocalBufferPool): number {
    return this.memory.take(KIND_NETWORK, pool.tag);
  }

  /** @internal Takes back a segment `pool` held, and serves pools waiting for one. */
  returnSegment(id: number, pool: LocalBufferPool): void {
    const code = this.memory.core.give(KIND_NETWORK, id, pool.tag);
    if (code !== GIVE_OK) {
      throw new BufferPoolError(
        `NetworkBufferPool: segment #${id} returned by LocalBufferPool "${pool.name}" is not held by it (owner tag ${this.memory.core.ownerOf(id)}, code ${code})`,
      );
    }
    if (pool.isDestroyed && pool.numRequested === 0) this.holders.delete(pool.tag);
    if (!this.redistributing) this.serveWaitingPools();
  }

  /** @internal Queues `pool` for the next free segment. */
  waitForSegment(pool: LocalBufferPool): void {
    if (!pool.queuedForGlobal) {
      pool.queuedForGlobal = true;
      this.waiting.push(pool);
    }
    if (!this.redistributing) this.serveWaitingPools();
  }

  private serveWaitingPools(): void {
    while (this.waiting.length > 0 && this.numAvailable > 0) {
      const pool = this.waiting.shift()!;
      pool.queuedForGlobal = false;
      if (pool.serveWaiterFromGlobal() && pool.wantsGlobalSegment()) {
        pool.queuedForGlobal = true;
        this.waiting.push(pool);
      }
    }
  }

  /**
   * Sets every live pool's size: its minimum plus a share of the spare
   * segments proportional to how far it can grow. Cumulative rounding gives
   * out exactly the spare segments (or all the pools can take).
   */
  private redistribute(): void {
    this.redistributing = true;
    try {
      const spare = this.totalSegments - this.numTotalRequired;
      let capacity = 0;
      for (const pool of this.pools) capacity += Math.min(spare, pool.maxSegments - pool.minSegments);
      const toGive = Math.min(spare, capacity);
      let partsSoFar = 0;
      let given = 0;
      for (const pool of this.pools) {
        const part = Math.min(spare, pool.maxSegments - pool.minSegments);
        let extra = 0;
        if (part > 0) {
          partsSoFar += part;
          extra = Math.floor((partsSoFar * toGive) / capacity) - given;
          given += extra;
        }
        pool.setNumBuffers(pool.minSegments + extra);
      }
    } finally {
      this.redistributing = false;
    }
    this.serveWaitingPools();
  }

  /** A snapshot of the use of every pool that holds segments. */
  usage(): NetworkBufferPoolUsage {
    const pools: LocalBufferPoolUsage[] = [];
    for (const p of this.holders.values()) {
      pools.push({
        name: p.name,
        size: p.numBuffers,
        min: p.minSegments,
        max: p.maxSegments,
        requested: p.numRequested,
        inUse: p.numInUse,
        waiting: p.numWaiting,
      });
    }
    return { total: this.totalSegments, free: this.numAvailable, pools };
  }

  /**
   * Throws a {@link BufferPoolError} if any buffer handed out by any local
   * pool — live or destroyed — has not been recycled.
   */
  assertAllReturned(): void {
    const leaks: string[] = [];
    let count = 0;
    for (const pool of this.holders.values()) {
      const ids = pool.inUseSegmentIds();
      if (ids.length > 0) {
        count += ids.length;
        const shown = ids.slice(0, 10).map((id) => `#${id}`).join(', ');
        leaks.push(`"${pool.name}"${pool.isDestroyed ? ' (destroyed)' : ''}: ${ids.length} (${shown}${ids.length > 10 ? ', …' : ''})`);
      }
    }
    if (count > 0) {
      throw new BufferPoolError(`NetworkBufferPool: ${count} buffer(s) not recycled — ${leaks.join('; ')}`);
    }
  }
}
