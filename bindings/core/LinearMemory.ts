/**
 * The linear memory of one memory budget, reserved once and never grown.
 *
 * Layout, in order: the wasm module's static data (below 64 KiB), the owner
 * table (one i32 per segment), the free stack of network segments, the free
 * stack of managed segments, the scratch area (256 KiB: serialization
 * buffers, comparator descriptors, handed out by a bump allocator and never
 * freed, so a budget should create a bounded number of them), then —
 * aligned to 64 KiB — the segments themselves: `networkSegments` network segments followed by
 * `managedSegments` managed ones, each `segmentSize` bytes.
 *
 * Invariants: `WebAssembly.Memory` is created with `initial === maximum`, so
 * `buffer` never changes and the `Uint8Array`, `DataView` and `Int32Array`
 * views made here stay valid for the life of the budget. Every JS view onto
 * linear memory is made here.
 *
 * Reuse: engines reserve several GiB of address space per wasm memory (guard
 * regions) and free it only on garbage collection, so a page that creates
 * budget after budget can run out of address space (Chromium does, after a
 * few hundred). A budget disposed with everything returned hands its memory
 * and instance back to a small cache, and the next budget of the same size
 * takes them instead of reserving new ones (at most 512 MiB are kept). The
 * memory is zeroed and the tables re-initialised; every segment handle of
 * the old budget was released by then, but a `Uint8Array` that code kept
 * from `segment.view()` past its release would now see the new budget's
 * bytes — views are valid only while their segment is held.
 * @module
 * @internal
 */
import { ConfigurationError, MemoryBudgetError } from '../errors.js';
import { instantiateCore, type CoreExports } from './wasm.js';
import { formatBytes } from './units.js';

const PAGE = 65536;
/** Room reserved for the module's own static data. */
const STATIC_DATA = PAGE;
/** wasm32 addresses: at most 4 GiB of linear memory. */
const MAX_PAGES = 65536;
/** Bytes of the scratch area. */
export const SCRATCH_BYTES = 256 * 1024;

/** Segment kinds, as the wasm allocator numbers them. */
export const KIND_NETWORK = 0;
export const KIND_MANAGED = 1;

/** Result codes of the wasm allocator's `give`. */
export const GIVE_OK = 0;
export const GIVE_OUT_OF_RANGE = 1;
export const GIVE_ALREADY_FREE = 2;
export const GIVE_WRONG_OWNER = 3;

interface Reservation {
  memory: WebAssembly.Memory;
  core: CoreExports;
  /** Byte ranges [from, to) the last budget wrote to, zeroed before reuse. */
  dirty: Array<[number, number]>;
}

/** Memories of disposed budgets, by page count, for reuse. */
const cache = new Map<number, Reservation[]>();
/** At most this many bytes of linear memory are kept for reuse. */
const MAX_CACHED_BYTES = 512 * 1024 * 1024;
let cachedBytes = 0;

function reserve(pages: number): Reservation {
  const reused = cache.get(pages)?.pop();
  if (reused !== undefined) {
    cachedBytes -= pages * PAGE;
    // A new budget starts from zeroed memory, whatever the last one left in it
    // (the module's own static data below STATIC_DATA stays as instantiation set it).
    // Only what the last budget touched is zeroed: zeroing all of it would make
    // every page of a large, mostly unused budget resident.
    const bytes = new Uint8Array(reused.memory.buffer);
    for (const [from, to] of reused.dirty) bytes.fill(0, from, to);
    return reused;
  }
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch (cause) {
    throw new MemoryBudgetError(`could not reserve ${formatBytes(pages * PAGE)} of WebAssembly linear memory for the memory budget`, { cause });
  }
  return { memory, core: instantiateCore(memory), dirty: [] };
}

export class LinearMemory {
  readonly core: CoreExports;
  readonly memory: WebAssembly.Memory;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Owner tag per segment id (0 = free), read directly for leak reports. */
  readonly owners: Int32Array;
  readonly segmentSize: number;
  readonly segmentShift: number;
  readonly networkSegments: number;
  readonly managedSegments: number;
  /** Address of segment 0. */
  readonly segmentsBase: number;
  readonly reservedBytes: number;
  private nextTag = 1;
  private scratchNext: number;
  private readonly scratchEnd: number;
  private disposed = false;
  /** 1 for each segment ever handed out (its bytes may be dirty). */
  private readonly touched: Uint8Array;

  constructor(segmentSize: number, networkSegments: number, managedSegments: number) {
    const total = networkSegments + managedSegments;
    const ownerTable = STATIC_DATA;
    const networkStack = ownerTable + total * 4;
    const managedStack = networkStack + networkSegments * 4;
    const scratch = Math.ceil((managedStack + managedSegments * 4) / 16) * 16;
    const tablesEnd = scratch + SCRATCH_BYTES;
    const segmentsBase = Math.ceil(tablesEnd / PAGE) * PAGE;
    const reservedBytes = segmentsBase + total * segmentSize;
    const pages = Math.ceil(reservedBytes / PAGE);
    if (pages > MAX_PAGES) {
      throw new ConfigurationError(
        `memory budget of ${formatBytes(total * segmentSize)} (${networkSegments} network + ${managedSegments} managed segments of ${formatBytes(segmentSize)}) does not fit in 4 GiB of WebAssembly linear memory`,
      );
    }
    const { memory, core } = reserve(pages);
    this.memory = memory;
    this.core = core;
    const heapBase = this.core.heapBase() >>> 0;
    if (heapBase > STATIC_DATA) {
      throw new Error(`weir wasm: static data (${heapBase} bytes) overlaps the owner table at ${STATIC_DATA}`);
    }
    this.core.init(ownerTable, networkStack, networkSegments, managedStack, managedSegments);
    this.bytes = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
    this.owners = new Int32Array(memory.buffer, ownerTable, total);
    this.segmentSize = segmentSize;
    this.segmentShift = Math.log2(segmentSize);
    this.networkSegments = networkSegments;
    this.managedSegments = managedSegments;
    this.segmentsBase = segmentsBase;
    this.reservedBytes = pages * PAGE;
    this.scratchNext = scratch;
    this.scratchEnd = scratch + SCRATCH_BYTES;
    this.touched = new Uint8Array(total);
  }

  /** Takes a free segment of `kind` for `owner` (-1 if none), noting that its bytes will be written. */
  take(kind: number, owner: number): number {
    const id = this.core.take(kind, owner);
    if (id >= 0) this.touched[id] = 1;
    return id;
  }

  /** True once the budget was disposed: nothing may use this memory through this object. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Ends this object's use of the memory. If `reusable` (every segment was
   * returned), the memory and instance go to the cache for the next budget.
   */
  dispose(reusable: boolean): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!reusable) return;
    const pages = this.reservedBytes / PAGE;
    if (cachedBytes + this.reservedBytes <= MAX_CACHED_BYTES) {
      const dirty: Array<[number, number]> = [[STATIC_DATA, this.segmentsBase]];
      const size = this.segmentSize;
      for (let id = 0; id < this.touched.length; id++) {
        if (this.touched[id] === 0) continue;
        const from = this.address(id);
        const last = dirty[dirty.length - 1]!;
        if (last[1] === from) last[1] = from + size;
        else dirty.push([from, from + size]);
      }
      const list = cache.get(pages) ?? [];
      list.push({ memory: this.memory, core: this.core, dirty });
      cache.set(pages, list);
      cachedBytes += this.reservedBytes;
    }
  }

  /**
   * Hands out `bytes` of the scratch area (16-byte aligned) for the life of
   * the budget, or returns -1 if fewer than `bytes + keep` are left (callers
   * then fall back to JS memory). Large optional users (serialization
   * buffers) pass a `keep` so that comparator programs and key hashers, which
   * need little, always find room.
   */
  allocScratch(bytes: number, keep = 0): number {
    const at = this.scratchNext;
    if (this.disposed || bytes + keep > this.scratchEnd - at) return -1;
    this.scratchNext = at + Math.ceil(bytes / 16) * 16;
    return at;
  }

  /** A fresh owner tag for a pool or a managed-memory owner. */
  newOwnerTag(): number {
    return this.nextTag++;
  }

  /** The address of segment `id`. */
  address(id: number): number {
    return this.segmentsBase + id * this.segmentSize;
  }
}
