/**
 * The MemoryManager hands out managed memory — the share of the budget for
 * sort buffers, hash tables and keyed state (Flink's `MemoryManager`) — in
 * whole segments ("pages"), each held by an owner (an operator, a sorter).
 *
 * Allocation is all or nothing and never waits: a request that the free
 * pages cannot cover raises a {@link MemoryBudgetError}, which the caller turns
 * into a spill or a clear failure. Pages go back by {@link release} (checked
 * against the owner that holds them) or all at once by {@link releaseAll}.
 *
 * Invariants: free pages + pages held = `totalPages`; each held page is in
 * exactly one owner's set here and tagged with that owner in the wasm owner
 * table; a released handle refuses all access.
 *
 * @example
 * ```ts
 * import { MemoryBudget } from 'weir';
 * const { memoryManager } = MemoryBudget.create({ managed: '4mb' });
 * const sorter = { name: 'sorter of q5' };
 * const pages = memoryManager.allocatePages(sorter, 16);
 * // … write sort runs into the pages …
 * memoryManager.releaseAll(sorter);
 * memoryManager.assertAllReturned();
 * ```
 */
import { MemoryBudgetError, MemorySegmentError } from '../errors.js';
import { GIVE_OK, KIND_MANAGED, type LinearMemory } from './LinearMemory.js';
import { MemorySegment } from './MemorySegment.js';
import { formatBytes } from './units.js';

interface OwnerRecord {
  tag: number;
  name: string;
  pages: Set<MemorySegment>;
}

function describeOwner(owner: object): string {
  const named = (owner as { name?: unknown }).name;
  if (typeof named === 'string' && named !== '') return `"${named}"`;
  const ctor = (owner as { constructor?: { name?: string } }).constructor?.name;
  return ctor !== undefined && ctor !== 'Object' ? `a ${ctor}` : 'an anonymous owner';
}

export class MemoryManager {
  /** Managed pages in the budget. */
  readonly totalPages: number;
  /** Bytes per page (the segment size). */
  readonly pageSize: number;
  private readonly memory: LinearMemory;
  private readonly owners = new Map<object, OwnerRecord>();

  /** @internal Created by {@link MemoryBudget.create}. */
  constructor(memory: LinearMemory) {
    this.memory = memory;
    this.totalPages = memory.managedSegments;
    this.pageSize = memory.segmentSize;
  }

  /** Pages not held by any owner. */
  get availablePages(): number {
    // A disposed budget's wasm instance may already serve another budget.
    return this.memory.isDisposed ? 0 : this.memory.core.available(KIND_MANAGED);
  }

  /** Pages held by `owner` (all owners if omitted). */
  pagesHeld(owner?: object): number {
    if (owner !== undefined) return this.owners.get(owner)?.pages.size ?? 0;
    return this.totalPages - this.availablePages;
  }

  /** How many pages a share (0–1) of the managed memory is: Flink's `computeNumberOfPages`. */
  computeNumberOfPages(fraction: number): number {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new RangeError(`MemoryManager: fraction of managed memory must be in (0, 1], got ${fraction}`);
    }
    return Math.floor(this.totalPages * fraction);
  }

  /**
   * Allocates `count` pages for `owner`. All or nothing: if the free pages do
   * not cover the request, nothing is taken and a {@link MemoryBudgetError}
   * names the request, what is free and the budget.
   */
  allocatePages(owner: object, count: number): MemorySegment[] {
    if (owner === null || (typeof owner !== 'object' && typeof owner !== 'function')) {
      throw new TypeError(`MemoryManager.allocatePages: owner must be an object, got ${String(owner)}`);
    }
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`MemoryManager.allocatePages: page count must be a non-negative integer, got ${String(count)}`);
    }
    if (this.memory.isDisposed) {
      throw new MemoryBudgetError(`MemoryManager: cannot allocate pages for ${describeOwner(owner)}: the memory budget was disposed`);
    }
    if (count === 0) return [];
    const name = describeOwner(owner);
    if (count > this.totalPages) {
      throw new MemoryBudgetError(
        `MemoryManager: ${name} requested ${count} pages (${formatBytes(count * this.pageSize)}), more than the whole managed budget of ` +
          `${this.totalPages} pages (${formatBytes(this.totalPages * this.pageSize)}); raise memory: { managed: … }`,
      );
    }
    const free = this.availablePages;
    if (count > free) {
      throw new MemoryBudgetError(
        `MemoryManager: ${name} requested ${count} pages (${formatBytes(count * this.pageSize)}), but only ${free} of ` +
          `${this.totalPages} managed pages are free`,
      );
    }
    let record = this.owners.get(owner);
    if (record === undefined) {
      record = { tag: this.memory.newOwnerTag(), name, pages: new Set() };
      this.owners.set(owner, record);
    }
    const pages: MemorySegment[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const id = this.memory.take(KIND_MANAGED, record.tag);
      const page = new MemorySegment(this.memory, id, `MemoryManager owner ${name}`);
      record.pages.add(page);
      pages[i] = page;
    }
    return pages;
  }

  /** Returns pages held by `owner`. A page held by another owner, or released already, is refused. */
  release(owner: object, pages: MemorySegment | Iterable<MemorySegment>): void {
    const list = pages instanceof MemorySegment ? [pages] : [...new Set(pages)];
    const record = this.owners.get(owner);
    // Check every page before releasing any, so that a refused call changes nothing.
    for (const page of list) {
      if (record?.pages.has(page)) continue;
      if (page.isReleased) {
        throw new MemorySegmentError(`MemoryManager: MemorySegment #${page.id} was already released; ${describeOwner(owner)} cannot release it again`);
      }
      if (page.memory !== this.memory) {
        throw new MemorySegmentError(`MemoryManager: MemorySegment #${page.id} belongs to another memory budget`);
      }
      const holder = this.ownerNameOf(page);
      throw new MemorySegmentError(
        `MemoryManager: ${describeOwner(owner)} cannot release MemorySegment #${page.id}: it is held by ${holder ?? 'a network buffer pool'}`,
      );
    }
    for (const page of list) this.releaseOne(record!, page);
    if (record !== undefined && record.pages.size === 0) this.owners.delete(owner);
  }

  /** Returns every page `owner` holds; a no-op for an owner that holds none. */
  releaseAll(owner: object): void {
    const record = this.owners.get(owner);
    if (record === undefined) return;
    for (const page of record.pages) this.releaseOne(record, page);
    this.owners.delete(owner);
  }

  /** Throws a {@link MemoryBudgetError} naming every owner that still holds pages. */
  assertAllReturned(): void {
    if (this.owners.size === 0) return;
    const held = [...this.owners.values()].map((r) => `${r.name}: ${r.pages.size}`);
    throw new MemoryBudgetError(`MemoryManager: ${this.pagesHeld()} managed page(s) not released — ${held.join('; ')}`);
  }

  private releaseOne(record: OwnerRecord, page: MemorySegment): void {
    const code = this.memory.core.give(KIND_MANAGED, page.id, record.tag);
    if (code !== GIVE_OK) {
      throw new MemorySegmentError(`MemoryManager: internal ownership of MemorySegment #${page.id} is inconsistent (code ${code})`);
    }
    record.pages.delete(page);
    page.release();
  }

  private ownerNameOf(page: MemorySegment): string | undefined {
    const tag = this.memory.core.ownerOf(page.id);
    for (const r of this.owners.values()) if (r.tag === tag) return r.name;
    return undefined;
  }
}
