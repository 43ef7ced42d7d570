/**
 * A MemoryBudget is all the memory one weir environment may use for bytes:
 * network buffers and managed memory, reserved up front in one WebAssembly
 * linear memory that never grows (seed §6: Flink's network buffers and
 * managed memory pool, sized at start-up).
 *
 * - `network` (default 64 MiB = 2048 segments of 32 KiB, as Flink's default):
 *   the {@link NetworkBufferPool}, from which every channel's
 *   {@link LocalBufferPool} draws.
 * - `managed` (default 128 MiB): the {@link MemoryManager}, for sort buffers
 *   and state.
 * - `segmentSize` (default 32 KiB): a power of two from 256 bytes to 16 MiB.
 *
 * Sizes are numbers of bytes or strings such as `'64mb'`; each share is
 * rounded down to whole segments. Exhaustion is always an error or a wait
 * that the caller sees, never a crash: linear memory does not grow, so
 * views onto it never detach.
 *
 * @example
 * ```ts
 * import { MemoryBudget } from 'weir';
 * const budget = MemoryBudget.create({ network: '16mb', managed: '32mb', segmentSize: '32kb' });
 * console.log(budget.networkSegments, budget.managedSegments); // 512 1024
 * const pool = budget.networkBufferPool.createBufferPool({ min: 2, max: 64, name: 'demo' });
 * pool.requestBuffer()!.recycle();
 * pool.destroy();
 * budget.assertAllReturned();
 * ```
 */
import { ConfigurationError, MemoryBudgetError } from '../errors.js';
import { LinearMemory } from './LinearMemory.js';
import { MemoryManager } from './MemoryManager.js';
import { NetworkBufferPool } from './NetworkBufferPool.js';
import { formatBytes, parseMemorySize, type MemorySize } from './units.js';

/** Options of {@link MemoryBudget.create}. */
export interface MemoryOptions {
  /** Memory for network buffers (default `'64mb'`). */
  network?: MemorySize;
  /** Managed memory for sorting and state (default `'128mb'`). */
  managed?: MemorySize;
  /** Size of one MemorySegment, a power of two (default `'32kb'`). */
  segmentSize?: MemorySize;
}

export const DEFAULT_SEGMENT_SIZE = 32 * 1024;
export const DEFAULT_NETWORK_MEMORY = 64 * 1024 * 1024;
export const DEFAULT_MANAGED_MEMORY = 128 * 1024 * 1024;
const MIN_SEGMENT_SIZE = 256;
const MAX_SEGMENT_SIZE = 16 * 1024 * 1024;

export class MemoryBudget {
  readonly segmentSize: number;
  readonly networkSegments: number;
  readonly managedSegments: number;
  /** Bytes of linear memory reserved: segments plus tables, rounded up to 64 KiB pages. */
  readonly reservedBytes: number;
  readonly networkBufferPool: NetworkBufferPool;
  readonly memoryManager: MemoryManager;

  /** @internal The reserved linear memory, for weir's own modules (sorters, comparators, hashers). */
  readonly memory: LinearMemory;

  private constructor(memory: LinearMemory) {
    this.memory = memory;
    this.segmentSize = memory.segmentSize;
    this.networkSegments = memory.networkSegments;
    this.managedSegments = memory.managedSegments;
    this.reservedBytes = memory.reservedBytes;
    this.networkBufferPool = new NetworkBufferPool(memory);
    this.memoryManager = new MemoryManager(memory);
  }

  /** Reserves the budget's linear memory. Invalid options raise a {@link ConfigurationError}. */
  static create(options: MemoryOptions = {}): MemoryBudget {
    const segmentSize = parseMemorySize(options.segmentSize ?? DEFAULT_SEGMENT_SIZE, 'memory.segmentSize');
    if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE || (segmentSize & (segmentSize - 1)) !== 0) {
      throw new ConfigurationError(
        `memory.segmentSize must be a power of two from ${formatBytes(MIN_SEGMENT_SIZE)} to ${formatBytes(MAX_SEGMENT_SIZE)}, got ${segmentSize} bytes`,
      );
    }
    const network = parseMemorySize(options.network ?? DEFAULT_NETWORK_MEMORY, 'memory.network');
    const managed = parseMemorySize(options.managed ?? DEFAULT_MANAGED_MEMORY, 'memory.managed');
    const networkSegments = Math.floor(network / segmentSize);
    if (networkSegments < 1) {
      throw new ConfigurationError(
        `memory.network (${network} bytes) must hold at least one segment of ${formatBytes(segmentSize)}`,
      );
    }
    return new MemoryBudget(new LinearMemory(segmentSize, networkSegments, Math.floor(managed / segmentSize)));
  }

  /** True once {@link dispose} was called. */
  get isDisposed(): boolean {
    return this.memory.isDisposed;
  }

  /**
   * Ends the budget: every live LocalBufferPool is destroyed and no new pool
   * or page can be had. If every buffer and page had been returned, the
   * reserved linear memory is kept for the next budget of the same size
   * (engines free wasm memory only on garbage collection); otherwise it is
   * left to the garbage collector. Idempotent.
   */
  dispose(): void {
    if (this.memory.isDisposed) return;
    let clean = true;
    try {
      this.assertAllReturned();
    } catch {
      clean = false;
    }
    this.networkBufferPool.destroyAll();
    this.memory.dispose(clean);
  }

  /** Throws if any network buffer or managed page is still out: the leak check after a job or test. */
  assertAllReturned(): void {
    const problems: Error[] = [];
    for (const check of [this.networkBufferPool, this.memoryManager]) {
      try {
        check.assertAllReturned();
      } catch (error) {
        problems.push(error as Error);
      }
    }
    if (problems.length === 1) throw problems[0];
    if (problems.length > 1) throw new MemoryBudgetError(problems.map((e) => e.message).join('\n'));
  }
}
