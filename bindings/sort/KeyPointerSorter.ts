/**
 * KeyPointerSorter is a sort buffer in managed memory (Flink's
 * `NormalizedKeySorter`, seed §6 "排序"): records are serialized into record
 * pages, each preceded by its length; for each record an index entry of fixed
 * size — [record address][sequence number][normalized key] — goes into index
 * pages. {@link sort} sorts the index in wasm: it compares normalized keys and
 * swaps whole entries, and compares the records themselves (in place, by the
 * comparator program) only when two keys tie and the key does not decide.
 * No JS object is created while sorting.
 *
 * The sort is an LSD radix sort over the normalized-key bytes (skipping bytes
 * that all keys share), then a quicksort of each run of equal keys when the
 * key is only a prefix; buffers under 256 entries are quicksorted. The radix
 * sort moves entries into as many spare pages as the index has, so the
 * buffer keeps that many pages free while it fills: it is full a little
 * earlier, and its sort needs no memory beyond its pages.
 *
 * The buffer holds `pages` pages of its memory budget, taken at construction
 * and split between records and index as it fills: one page holds the index's
 * page table, the others are taken by records or index on demand. When none
 * is left, {@link write} returns false (the buffer is full); {@link reset}
 * empties it and keeps the pages; {@link dispose} returns them.
 *
 * A record must fit in one page (the segment size, less 4 bytes).
 *
 * @example
 * ```ts
 * const sorter = new KeyPointerSorter({ type: Bid, keys: ['price'], budget, pages: 64 });
 * for (const bid of bids) if (!sorter.write(bid)) break; // full
 * sorter.sort();
 * for (const bid of sorter) console.log(bid.price);
 * sorter.dispose();
 * ```
 */
import { MemoryBudgetError, WeirError } from '../errors.js';
import type { LinearMemory } from '../core/LinearMemory.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import { DataInputDeserializer } from '../types/DataInputDeserializer.js';
import { DataOutputSerializer } from '../types/DataOutputSerializer.js';
import { TypeComparator, type KeyField, type SerializedComparator } from '../types/TypeComparator.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { TypeSerializer } from '../types/TypeSerializer.js';

/** Options of a {@link KeyPointerSorter}. */
export interface KeyPointerSorterOptions<T> {
  /** The records' type. */
  type: TypeInformation<T>;
  /** Key fields, ascending unless `{ field, order: 'desc' }` (default: the whole record). */
  keys?: KeyField[];
  /** The budget whose managed memory holds the buffer. */
  budget: MemoryBudget;
  /** Managed pages to hold (at least 4: page table, index, its spare, records). */
  pages: number;
  /** Keep records with equal keys in the order they were written. */
  stable?: boolean;
  /** Bytes of normalized key per index entry (default: what the keys need, at most 16). */
  normalizedKeyBytes?: number;
}

const LENGTH = 4;
const ENTRY_HEADER = 8; // record address, sequence number
/** Below this many entries a quicksort is faster than radix passes. */
const RADIX_MIN = 256;

export class KeyPointerSorter<T> {
  readonly type: TypeInformation<T>;
  /** The order: by the keys, then (if stable) by write order. */
  readonly comparator: TypeComparator<T>;
  /** The comparator compiled for this budget. */
  readonly serializedComparator: SerializedComparator<T>;
  /** Index entries can tie only if the normalized key is a prefix; then records are compared. */
  readonly stable: boolean;
  /** Bytes of one index entry. */
  readonly entrySize: number;
  private readonly memory: LinearMemory;
  private readonly budget: MemoryBudget;
  private readonly serializer: TypeSerializer<T>;
  private readonly out = new DataOutputSerializer(16);
  private readonly input = new DataInputDeserializer();
  private readonly pages: MemorySegment[];
  private readonly pageSize: number;
  private readonly pageTable: MemorySegment;
  private readonly entrySizeLog2: number;
  private readonly entryShift: number;
  private readonly nkLength: number;
  private free: MemorySegment[] = [];
  private indexPages: number[] = []; // addresses
  private recordPage = -1; // address of the current record page
  private recordPos = 0;
  private count = 0;
  private sorted = false;
  private disposed = false;

  constructor(options: KeyPointerSorterOptions<T>) {
    const { type, budget, pages } = options;
    this.type = type;
    this.budget = budget;
    this.memory = budget.memory;
    this.comparator = new TypeComparator(type, options.keys, options.normalizedKeyBytes === undefined ? {} : { normalizedKeyBytes: options.normalizedKeyBytes });
    this.serializer = type.createSerializer();
    this.stable = options.stable === true;
    if (!Number.isInteger(pages) || pages < 4) {
      throw new MemoryBudgetError(`KeyPointerSorter needs at least 4 managed pages (page table, index, index spare, records), got ${String(pages)}`);
    }
    this.pageSize = budget.memoryManager.pageSize;
    this.nkLength = this.comparator.normalizedKeyLength;
    this.entrySizeLog2 = Math.max(4, Math.ceil(Math.log2(ENTRY_HEADER + this.nkLength)));
    this.entrySize = 1 << this.entrySizeLog2;
    this.entryShift = Math.log2(this.pageSize) - this.entrySizeLog2;
    if (this.entryShift < 0) throw new MemoryBudgetError(`KeyPointerSorter: an index entry of ${this.entrySize} bytes does not fit a page of ${this.pageSize}`);
    // Everything checked: now take the memory.
    this.serializedComparator = this.comparator.forMemory(budget);
    this.pages = budget.memoryManager.allocatePages(this, pages);
    this.pageTable = this.pages[0]!;
    this.reset();
  }

  /** A name for memory-manager messages. */
  get name(): string {
    return `KeyPointerSorter of ${this.type.toString()}`;
  }

  /** Records written since the last reset. */
  get size(): number {
    return this.count;
  }

  /** Bytes of managed memory this buffer holds. */
  get capacityBytes(): number {
    return this.pages.length * this.pageSize;
  }

  /**
   * Serializes `record` into the buffer and adds its index entry. Returns
   * false, leaving the buffer as it was, when the buffer has no room left.
   * A record that does not match the type throws its SerializationError and
   * is not added; a record that could never fit throws a MemoryBudgetError.
   */
  write(record: T): boolean {
    this.checkOpen('write');
    const entryIndex = this.count;
    if ((entryIndex >>> this.entryShift) >= this.indexPages.length && !this.addIndexPage()) return false;
    // Pages stay free for the radix sort's second copy of the index.
    const out = this.out;
    // Serialize straight into the current record page, behind room for the length.
    let inPage = this.recordPage >= 0 && this.recordPos + LENGTH < this.pageSize;
    if (inPage) out.retarget(this.memory.bytes, this.recordPage + this.recordPos + LENGTH, this.pageSize - this.recordPos - LENGTH);
    else out.retarget(this.memory.bytes, 0, 0);
    this.serializer.serialize(record, out);
    const n = out.position;
    if (!inPage || !out.inLinearMemory) {
      // It did not fit where it was written: it goes at the start of a fresh page.
      if (n > this.pageSize - LENGTH) {
        throw new MemoryBudgetError(
          `${this.name}: a record of ${n} bytes does not fit in a memory segment of ${this.pageSize} bytes (less ${LENGTH}); raise memory.segmentSize`,
        );
      }
      if (this.free.length <= this.indexPages.length) return false;
      const page = this.free.pop()!;
      this.recordPage = page.address;
      this.recordPos = 0;
      this.memory.bytes.set(out.view(), this.recordPage + LENGTH);
      inPage = true;
    }
    const at = this.recordPage + this.recordPos;
    const view = this.memory.view;
    view.setUint32(at, n, true);
    this.recordPos += LENGTH + n;
    const entry = this.entryAddress(entryIndex);
    view.setUint32(entry, at + LENGTH, true);
    view.setUint32(entry + 4, entryIndex, true);
    this.comparator.putNormalizedKey(record, this.memory.bytes, entry + ENTRY_HEADER);
    this.count = entryIndex + 1;
    this.sorted = false;
    return true;
  }

  private addIndexPage(): boolean {
    // The new page, and one more spare page for the radix sort's copy of it.
    if (this.free.length < this.indexPages.length + 2 || this.indexPages.length >= this.pageSize / 8) return false;
    const page = this.free.pop()!;
    this.memory.view.setUint32(this.pageTable.address + this.indexPages.length * 4, page.address, true);
    this.indexPages.push(page.address);
    return true;
  }

  private entryAddress(i: number): number {
    return this.indexPages[i >>> this.entryShift]! + ((i & ((1 << this.entryShift) - 1)) << this.entrySizeLog2);
  }

  /** Sorts the index (in wasm). */
  sort(): void {
    this.checkOpen('sort');
    const core = this.memory.core;
    const program = this.comparator.isNormalizedKeyPrefixOnly ? this.serializedComparator.program : 0;
    const setup = () =>
      core.sortSetup(this.pageTable.address, this.entryShift, this.entrySizeLog2, this.nkLength, program, this.stable ? 1 : 0);
    setup();
    if (this.count < RADIX_MIN || this.nkLength === 0 || this.nkLength > 32) {
      core.sortIndex(this.count);
    } else {
      // The spare pages kept free while writing take the radix sort's second copy of the index.
      const spare = this.free.splice(this.free.length - this.indexPages.length);
      const tmpTable = this.pageTable.address + this.pageSize / 2;
      spare.forEach((p, i) => this.memory.view.setUint32(tmpTable + 4 * i, p.address, true));
      if (core.radixSortIndex(this.count, tmpTable) === 1) {
        // The sorted index is in the spare pages: they become the index, the old index pages spare.
        const old = this.indexPages;
        this.indexPages = spare.map((p) => p.address);
        this.indexPages.forEach((a, i) => this.memory.view.setUint32(this.pageTable.address + 4 * i, a, true));
        const byAddress = new Map(this.pages.map((p) => [p.address, p]));
        this.free.push(...old.map((a) => byAddress.get(a)!));
        setup();
      } else {
        this.free.push(...spare);
        setup();
      }
      if (program !== 0) core.sortTies(this.count);
    }
    this.sorted = true;
  }

  /** Calls `fn(address, length)` for each record in sorted order; the bytes at `address - 4` are its length. */
  forEachSerialized(fn: (address: number, length: number) => void): void {
    this.checkSorted();
    const view = this.memory.view;
    for (let i = 0; i < this.count; i++) {
      const address = view.getUint32(this.entryAddress(i), true);
      fn(address, view.getUint32(address - LENGTH, true));
    }
  }

  /**
   * The records in sorted order as their serialized bytes, without
   * deserializing them: each a `Uint8Array` view of the buffer's memory, valid
   * until the buffer is reset or disposed (copy it to keep it). Read one with
   * `type.createSerializer().deserialize(new DataInputDeserializer(bytes))`.
   */
  *serializedRecords(): IterableIterator<Uint8Array> {
    this.checkSorted();
    const view = this.memory.view;
    for (let i = 0; i < this.count; i++) {
      if (this.disposed) throw new WeirError(`${this.name}: disposed while its records were being read`);
      const address = view.getUint32(this.entryAddress(i), true);
      yield this.memory.bytes.subarray(address, address + view.getUint32(address - LENGTH, true));
    }
  }

  /** The records in sorted order, deserialized (after {@link sort}). */
  *[Symbol.iterator](): IterableIterator<T> {
    this.checkSorted();
    const view = this.memory.view;
    const input = this.input;
    for (let i = 0; i < this.count; i++) {
      if (this.disposed) throw new WeirError(`${this.name}: disposed while its records were being read`);
      const address = view.getUint32(this.entryAddress(i), true);
      input.setBuffer(this.memory.bytes, address, view.getUint32(address - LENGTH, true));
      yield this.serializer.deserialize(input);
    }
  }

  /** Empties the buffer; its pages stay held for the next records. */
  reset(): void {
    this.checkOpen('reset');
    this.free = this.pages.slice(1).reverse();
    this.indexPages = [];
    this.recordPage = -1;
    this.recordPos = 0;
    this.count = 0;
    this.sorted = false;
  }

  /** Returns every page to the memory manager. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.budget.memoryManager.releaseAll(this);
  }

  private checkOpen(what: string): void {
    if (this.disposed) throw new WeirError(`${this.name}: ${what} after dispose`);
  }

  private checkSorted(): void {
    this.checkOpen('read');
    if (!this.sorted && this.count > 1) throw new WeirError(`${this.name}: call sort() before reading the records in order`);
  }
}
