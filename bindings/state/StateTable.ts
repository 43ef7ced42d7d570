/**
 * StateTable owns the managed memory of one keyed state backend and drives
 * the wasm hash table in it (`assembly/state.ts`, where the byte layout is
 * described). It holds, all as pages of its owner in the MemoryManager:
 *
 * - the meta page: the wasm control block, the free lists of the chunk
 *   allocator and two page tables of the index (active and spare, for
 *   growth); an index of more pages than half the meta page can list gets a
 *   page of its own for its page table (at most pageSize / 4 index pages);
 * - the key page: where the current composite — tag, key, namespace, user
 *   key or timer time — is assembled for each access;
 * - the value page: where a value is serialized before wasm copies it in, and
 *   where a fired timer's composite is copied out;
 * - index pages (`2^k` slots of 4 bytes), replaced by twice as many when the
 *   index would pass 3/4 full; the old ones go back to the memory manager;
 * - heap pages holding the entries, taken one at a time as the chunk
 *   allocator runs out and kept until the table is empty again
 *   ({@link shrinkIfEmpty}) or disposed;
 * - per timer heap, a control page and node pages (see InternalTimerService).
 *
 * Invariants: wasm never changes anything when it asks for memory (a NEED_*
 * code), so an access that fails for lack of memory leaves the table as it
 * was; every page this table took is returned by {@link dispose}.
 * @module
 * @internal
 */
import { ConfigurationError, MemoryBudgetError, WeirError } from '../errors.js';
import type { LinearMemory } from '../core/LinearMemory.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import { formatBytes } from '../core/units.js';

export const KIND_VALUE = 0;
export const KIND_LIST_HEAD = 1;
export const KIND_MAP_HEAD = 2;
export const KIND_MAP_ENTRY = 3;
export const KIND_TIMER = 4;

export const NEED_PAGE = -1;
export const NEED_INDEX = -2;
export const NEED_TIMER_PAGE = -3;
export const TOO_LARGE = -4;

/** True if a wasm result is a NEED_* / TOO_LARGE code rather than an address or count. */
export function isCode(r: number): boolean {
  return r < 0 && r >= TOO_LARGE;
}

const C_LOG2 = 0;
const C_COUNT = 4;
const C_TABLE = 8;
const C_SPARE = 12;
const C_RESULT_ADDR = 32;
const C_RESULT_LEN = 36;
const C_USED = 40;
/** Control block and free-list heads (129 classes), rounded up. */
const CONTROL_BYTES = 592;
/** The meta page must hold the control block and two page tables. */
const MIN_PAGE_SIZE = 1024;

/** Who is asking, for error messages. */
export interface StateOwner {
  readonly name: string;
  readonly operatorName: string;
}

export class StateTable {
  readonly memory: LinearMemory;
  readonly pageSize: number;
  /** Address of the control block. */
  readonly ctl: number;
  /** Address of the composite area (the key page). */
  readonly comp: number;
  /** Address of the value area (the value page). */
  readonly value: number;
  private readonly budget: MemoryBudget;
  private readonly owner: StateOwner;
  private readonly slotShift: number;
  private readonly maxIndexPages: number;
  private indexPages: MemorySegment[];
  /** The two page tables in the meta page. */
  private readonly metaTables: [number, number];
  /** The page holding the index's page table when it outgrew the meta page. */
  private tablePage: MemorySegment | undefined;
  private heapPages: MemorySegment[] = [];
  private disposed = false;

  constructor(budget: MemoryBudget, owner: StateOwner) {
    this.budget = budget;
    this.owner = owner;
    this.memory = budget.memory;
    this.pageSize = budget.memoryManager.pageSize;
    if (this.pageSize < MIN_PAGE_SIZE) {
      throw new ConfigurationError(
        `Operator "${owner.operatorName}": keyed state needs memory segments of at least ${formatBytes(MIN_PAGE_SIZE)}, got ${formatBytes(this.pageSize)}; raise memory: { segmentSize: … }`,
      );
    }
    this.slotShift = Math.log2(this.pageSize / 4);
    this.maxIndexPages = Math.floor((this.pageSize - CONTROL_BYTES) / 8);
    const [meta, keyPage, valuePage, index] = this.allocate(4, 'keyed state (its first pages)');
    this.ctl = meta!.address;
    this.comp = keyPage!.address;
    this.value = valuePage!.address;
    this.indexPages = [index!];
    const table = this.ctl + CONTROL_BYTES;
    this.metaTables = [table, table + this.maxIndexPages * 4];
    this.memory.view.setUint32(table, index!.address, true);
    this.memory.core.stInit(this.ctl, this.pageSize, table, this.metaTables[1]);
  }

  /** Entries in the index (values, list and map heads, map entries, timers). */
  get count(): number {
    return this.memory.view.getUint32(this.ctl + C_COUNT, true);
  }

  /** Slots in the index. */
  get capacity(): number {
    return 2 ** this.memory.view.getUint32(this.ctl + C_LOG2, true);
  }

  /** Bytes in chunks handed out (entries and list blocks, rounded to their size class). */
  get chunkBytes(): number {
    return this.memory.view.getUint32(this.ctl + C_USED, true);
  }

  /** The address a lookup left in the result field (a value, a block, an entry). */
  get resultAddress(): number {
    return this.memory.view.getUint32(this.ctl + C_RESULT_ADDR, true);
  }

  /** The length a lookup left in the result field. */
  get resultLength(): number {
    return this.memory.view.getUint32(this.ctl + C_RESULT_LEN, true);
  }

  /**
   * Acts on a NEED_* code from wasm for `state` (a name for messages): adds a
   * heap page, grows the index, or throws. The caller then repeats its call.
   */
  handle(code: number, state: string): void {
    if (this.disposed) throw new WeirError(`${this.owner.name}: used after dispose`);
    switch (code) {
      case NEED_PAGE: {
        const [page] = this.allocate(1, `keyed state "${state}"`);
        this.memory.core.stAddHeapPage(this.ctl, page!.address);
        this.heapPages.push(page!);
        return;
      }
      case NEED_INDEX:
        return this.growIndex(state);
      case TOO_LARGE:
        throw this.tooLarge(state);
      default:
        throw new WeirError(`${this.owner.name}: unexpected result ${code} from the state table`);
    }
  }

  /** The error for an entry, key or value that cannot fit in one page. */
  tooLarge(state: string, bytes?: number): MemoryBudgetError {
    const size = bytes === undefined || bytes === 0 ? 'a value' : `${formatBytes(bytes)}`;
    return new MemoryBudgetError(
      `Operator "${this.owner.operatorName}": state "${state}" cannot store ${size} larger than one memory segment of ${formatBytes(this.pageSize)} ` +
        `(key, namespace and value together); raise memory: { segmentSize: … } or keep smaller values`,
    );
  }

  private growIndex(state: string): void {
    const log2 = Math.log2(this.capacity) + 1;
    const pages = 2 ** (log2 - this.slotShift);
    // Small page tables live in the two halves of the meta page; a larger one gets a page of its own.
    const ownPage = pages > this.maxIndexPages;
    if (pages > this.pageSize / 4) {
      throw new MemoryBudgetError(
        `Operator "${this.owner.operatorName}": state "${state}": the state index is full at ${this.count} entries ` +
          `(${this.indexPages.length} pages of ${formatBytes(this.pageSize)}); raise memory: { segmentSize: … }`,
      );
    }
    const fresh = this.allocate(pages + (ownPage ? 1 : 0), `keyed state "${state}" (the state index grows to ${pages} pages)`);
    const view = this.memory.view;
    const active = view.getUint32(this.ctl + C_TABLE, true);
    let table: number;
    const oldTablePage = this.tablePage;
    if (ownPage) {
      this.tablePage = fresh.pop()!;
      table = this.tablePage.address;
    } else {
      this.tablePage = undefined;
      table = active === this.metaTables[0] ? this.metaTables[1] : this.metaTables[0];
    }
    view.setUint32(this.ctl + C_SPARE, table, true);
    fresh.forEach((p, i) => view.setUint32(table + i * 4, p.address, true));
    this.memory.core.stGrowIndex(this.ctl, log2);
    this.budget.memoryManager.release(this, oldTablePage === undefined ? this.indexPages : [...this.indexPages, oldTablePage]);
    this.indexPages = fresh;
  }

  /**
   * When the table holds nothing (every entry removed), returns all but one
   * heap page and one index page to the memory manager, so that a peak of
   * state (windows that all fired) does not hold its memory for good. Cheap
   * to call after removals: it reads one number unless the table is empty.
   */
  shrinkIfEmpty(): void {
    if (this.chunkBytes !== 0 || (this.heapPages.length <= 1 && this.indexPages.length === 1) || this.disposed) return;
    const keepHeap = this.heapPages[0];
    const keepIndex = this.indexPages[0]!;
    const spare = [...this.heapPages.slice(1), ...this.indexPages.slice(1)];
    if (this.tablePage !== undefined) spare.push(this.tablePage);
    this.tablePage = undefined;
    this.memory.view.setUint32(this.metaTables[0], keepIndex.address, true);
    this.memory.core.stInit(this.ctl, this.pageSize, this.metaTables[0], this.metaTables[1]);
    if (keepHeap !== undefined) this.memory.core.stAddHeapPage(this.ctl, keepHeap.address);
    this.heapPages = keepHeap === undefined ? [] : [keepHeap];
    this.indexPages = [keepIndex];
    this.budget.memoryManager.release(this, spare);
  }

  /** Takes `count` pages for `what`; an exhausted budget is reported naming the operator. */
  allocate(count: number, what: string): MemorySegment[] {
    const mm = this.budget.memoryManager;
    try {
      return mm.allocatePages(this, count);
    } catch (cause) {
      if (!(cause instanceof MemoryBudgetError)) throw cause;
      const held = mm.pagesHeld(this);
      throw new MemoryBudgetError(
        `Operator "${this.owner.operatorName}": ${what} needs ${count} more managed page(s) of ${formatBytes(this.pageSize)}, ` +
          `but the managed memory is spent (this operator's state holds ${held} page(s), ${formatBytes(held * this.pageSize)}; ` +
          `${mm.availablePages} of ${mm.totalPages} pages are free); raise memory: { managed: … }`,
        { cause },
      );
    }
  }

  /** Returns `pages` (taken by {@link allocate}) to the memory manager. */
  releasePages(pages: MemorySegment[]): void {
    this.budget.memoryManager.release(this, pages);
  }

  /** Managed pages held (all kinds). */
  get pagesHeld(): number {
    return this.budget.memoryManager.pagesHeld(this);
  }

  /** A name for the memory manager's messages. */
  get name(): string {
    return this.owner.name;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Returns every page. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.budget.memoryManager.releaseAll(this);
  }
}
