/**
 * ExternalSorter sorts any number of records within a fixed memory budget
 * (Flink's `UnilateralSortMerger`): records fill a {@link KeyPointerSorter};
 * when it is full it is sorted and written to a temporary file as a sorted
 * run; at the end the runs are merged — k at a time (fan-in 128 by default,
 * fewer if the memory holds fewer read buffers), in several passes if there
 * are more runs — through a heap in wasm that compares the runs' current
 * records in place. Memory never exceeds the budget, whatever the input
 * size; input that fits is sorted in memory without touching the disk.
 *
 * Spilling uses `node:fs` (synchronously) in Node ≥ 20.16; in a browser a
 * sort that outgrows its memory fails with a {@link MemoryBudgetError}. The
 * temporary directory is removed when the sort ends — by completion, by an
 * error, by `break` out of the loop, or by {@link dispose}.
 *
 * @example
 * ```ts
 * const sorter = new ExternalSorter({ type: Bid, keys: [{ field: 'price', order: 'desc' }], budget, memory: '64mb' });
 * for await (const bid of sorter.sort(bidsAsyncIterable)) console.log(bid.price);
 * ```
 */
import { MemoryBudgetError, SpillError, WeirError } from '../errors.js';
import type { LinearMemory } from '../core/LinearMemory.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import { formatBytes, parseMemorySize, type MemorySize } from '../core/units.js';
import { DataInputDeserializer } from '../types/DataInputDeserializer.js';
import type { KeyField } from '../types/TypeComparator.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { TypeSerializer } from '../types/TypeSerializer.js';
import { KeyPointerSorter } from './KeyPointerSorter.js';
import { nodeSpillFileSystem, type SpillFileSystem } from './SpillFileSystem.js';

/** Options of an {@link ExternalSorter}. */
export interface ExternalSorterOptions<T> {
  type: TypeInformation<T>;
  /** Key fields, ascending unless `{ field, order: 'desc' }` (default: the whole record). */
  keys?: KeyField[];
  budget: MemoryBudget;
  /** Managed memory the sort may use (default: a quarter of the budget's managed memory, at least 5 pages). */
  memory?: MemorySize;
  /** Keep records with equal keys in input order. */
  stable?: boolean;
  /** Most runs merged at once (default 128). */
  fanIn?: number;
  /** Where the temporary directory goes (default: the system's temporary directory). */
  tempDir?: string;
  /** File operations for spilling (default: `node:fs` where there is one; `null`: never spill). */
  fileSystem?: SpillFileSystem | null;
}

/** What a finished sort did. */
export interface ExternalSortStats {
  records: number;
  /** Sorted runs written to disk (0: sorted in memory). */
  runs: number;
  /** Bytes written to disk, over all passes. */
  spilledBytes: number;
  /** Merge passes before the final merge. */
  mergePasses: number;
}

const LENGTH = 4;

/** A sorted run on disk read through one page: the current record is always whole in the page. */
class RunReader {
  private pos: number;
  private end: number;
  private done = false;

  constructor(
    private readonly fs: SpillFileSystem,
    private readonly fd: number,
    private readonly page: MemorySegment,
    private readonly memory: LinearMemory,
    private readonly file: string,
  ) {
    this.pos = page.address;
    this.end = page.address;
  }

  /** The address of the current record's bytes (after its length), or -1 at the end of the run. */
  current(): number {
    const view = this.memory.view;
    if (this.end - this.pos >= LENGTH) {
      const n = view.getUint32(this.pos, true);
      if (this.end - this.pos >= LENGTH + n) return this.pos + LENGTH;
    }
    if (this.done) {
      if (this.pos === this.end) return -1;
      throw new SpillError(`sorted run ${this.file} ends inside a record: the file was cut short`);
    }
    this.refill();
    return this.current();
  }

  /** Moves past the current record. */
  consume(): void {
    this.pos += LENGTH + this.memory.view.getUint32(this.pos, true);
  }

  private refill(): void {
    const start = this.page.address;
    const rest = this.end - this.pos;
    if (rest > 0 && this.pos !== start) this.memory.core.copy(this.pos, start, rest);
    this.pos = start;
    this.end = start + rest;
    const room = this.page.size - rest;
    let got = 0;
    while (got < room) {
      let n: number;
      try {
        n = this.fs.read(this.fd, this.memory.bytes, this.end, room - got);
      } catch (cause) {
        throw new SpillError(`ExternalSorter: reading run file ${this.file} failed: ${(cause as Error).message}`, { cause });
      }
      if (n === 0) {
        this.done = true;
        break;
      }
      this.end += n;
      got += n;
    }
  }

  close(): void {
    this.fs.close(this.fd);
  }
}

export class ExternalSorter<T> {
  readonly type: TypeInformation<T>;
  private readonly options: ExternalSorterOptions<T>;
  private readonly budget: MemoryBudget;
  private readonly memory: LinearMemory;
  private readonly serializer: TypeSerializer<T>;
  private readonly pages: number;
  private readonly fanIn: number;
  private readonly fs: SpillFileSystem | undefined;
  private used = false;
  private disposed = false;
  private tempDir: string | undefined;
  private readonly runFiles: string[] = [];
  private readonly held: object[] = [];
  private result: ExternalSortStats = { records: 0, runs: 0, spilledBytes: 0, mergePasses: 0 };
  /** The wasm program that compares two records by the keys (it outlives the sort buffer). */
  private program = 0;

  constructor(options: ExternalSorterOptions<T>) {
    this.options = options;
    this.type = options.type;
    this.budget = options.budget;
    this.memory = options.budget.memory;
    this.serializer = options.type.createSerializer();
    const mm = options.budget.memoryManager;
    const bytes =
      options.memory === undefined
        ? Math.max(5 * mm.pageSize, Math.floor(mm.totalPages / 4) * mm.pageSize)
        : parseMemorySize(options.memory, 'ExternalSorter memory');
    this.pages = Math.floor(bytes / mm.pageSize);
    if (this.pages < 5) {
      throw new MemoryBudgetError(`ExternalSorter needs at least 5 managed pages (${formatBytes(5 * mm.pageSize)}), got ${formatBytes(bytes)}`);
    }
    const fanIn = options.fanIn ?? 128;
    if (!Number.isInteger(fanIn) || fanIn < 2) throw new WeirError(`ExternalSorter: fanIn must be an integer ≥ 2, got ${String(fanIn)}`);
    // The merge's control page holds two u32s per run (current record, heap slot) and a header.
    this.fanIn = Math.min(fanIn, this.pages - 2, Math.floor((mm.pageSize - 8) / 8));
    this.fs = options.fileSystem === null ? undefined : (options.fileSystem ?? nodeSpillFileSystem());
  }

  /** What the last sort did. */
  get stats(): ExternalSortStats {
    return { ...this.result };
  }

  /** Sorts the records of a sync or async iterable; yields them in order. One sort per ExternalSorter. */
  async *sort(input: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    const builder = this.start();
    let failed = true;
    try {
      if (Symbol.iterator in input) for (const r of input as Iterable<T>) builder.add(r);
      else for await (const r of input as AsyncIterable<T>) builder.add(r);
      yield* builder.finish();
      failed = false;
    } finally {
      builder.close(failed);
    }
  }

  /** Sorts the records of an iterable synchronously; yields them in order. One sort per ExternalSorter. */
  *sortSync(input: Iterable<T>): Generator<T, void, undefined> {
    const builder = this.start();
    let failed = true;
    try {
      for (const r of input) builder.add(r);
      yield* builder.finish();
      failed = false;
    } finally {
      builder.close(failed);
    }
  }

  /**
   * Releases every page and removes the temporary directory. Idempotent. A
   * sort still being read fails at its next record with a WeirError.
   */
  dispose(): void {
    this.disposed = true;
    for (const owner of this.held.splice(0)) {
      if (owner instanceof KeyPointerSorter) owner.dispose();
      else this.budget.memoryManager.releaseAll(owner);
    }
    this.removeTempDir();
  }

  private checkOpen(): void {
    if (this.disposed) throw new WeirError('ExternalSorter: the sort was disposed while its records were being read');
  }

  private start() {
    if (this.used) throw new WeirError('ExternalSorter: sort() was already called; make a new ExternalSorter for each sort');
    this.used = true;
    this.result = { records: 0, runs: 0, spilledBytes: 0, mergePasses: 0 };
    const sorter = new KeyPointerSorter<T>({
      type: this.type,
      keys: this.options.keys ?? [],
      budget: this.budget,
      pages: this.pages - 1,
      stable: this.options.stable === true,
    });
    this.held.push(sorter);
    this.program = sorter.serializedComparator.program;
    const stagingOwner = { name: 'ExternalSorter spill buffer' };
    let staging: MemorySegment;
    try {
      staging = this.budget.memoryManager.allocatePages(stagingOwner, 1)[0]!;
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.held.push(stagingOwner);
    const runs: string[] = [];
    const add = (record: T) => {
      if (!sorter.write(record)) {
        // Full: spill it and start again; a record that does not fit an empty buffer never will.
        if (sorter.size > 0) {
          runs.push(this.spill(sorter, staging, runs.length));
          sorter.reset();
        }
        if (!sorter.write(record)) {
          throw new MemoryBudgetError(`ExternalSorter: a record does not fit in the sort's memory of ${formatBytes(this.pages * this.budget.memoryManager.pageSize)}`);
        }
      }
      this.result.records++;
    };
    const self = this;
    function* finish(): Generator<T, void, undefined> {
      if (runs.length === 0) {
        sorter.sort();
        for (const record of sorter) {
          yield record;
          self.checkOpen();
        }
        return;
      }
      if (sorter.size > 0) runs.push(self.spill(sorter, staging, runs.length));
      // The sort buffer's pages become read buffers for the merge.
      sorter.dispose();
      self.held.splice(self.held.indexOf(sorter), 1);
      yield* self.merge(runs, staging);
    }
    // On an error the sort's own error is the one to report, not a failure to clean up after it.
    const close = (failed: boolean) => {
      try {
        this.dispose();
      } catch (e) {
        if (!failed) throw e;
      }
    };
    return { add, finish, close };
  }

  /** Sorts the buffer and writes it to a new run file through the staging page. */
  private spill(sorter: KeyPointerSorter<T>, staging: MemorySegment, index: number): string {
    const fs = this.fs;
    if (fs === undefined) {
      throw new MemoryBudgetError(
        `ExternalSorter of ${this.type.toString()}: the records need more than the sort's ${formatBytes(this.pages * this.budget.memoryManager.pageSize)} ` +
          'of managed memory and there is no file system to spill to (in a browser, give the sort more memory)',
      );
    }
    sorter.sort();
    const file = this.newRunFile(`run-${index}`);
    const out = new RunWriter(fs, file, staging, this.memory);
    try {
      sorter.forEachSerialized((address, length) => out.append(address - LENGTH, length + LENGTH));
      out.close();
    } catch (e) {
      out.abort();
      throw e;
    }
    this.result.runs++;
    this.result.spilledBytes += out.written;
    return file;
  }

  private newRunFile(name: string): string {
    const fs = this.fs!;
    if (this.tempDir === undefined) {
      try {
        this.tempDir = fs.makeTempDir(this.options.tempDir, 'weir-sort-');
      } catch (cause) {
        throw new SpillError(
          `ExternalSorter: cannot make a temporary directory in ${this.options.tempDir === undefined ? 'the system temporary directory' : `"${this.options.tempDir}"`}: ${(cause as Error).message}`,
          { cause },
        );
      }
    }
    const file = fs.join(this.tempDir, name);
    this.runFiles.push(file);
    return file;
  }

  /**
   * Merges runs until one merge can yield the records: each pass merges
   * consecutive groups of `fanIn` runs into one run each, in order (so that
   * earlier input stays first for stable sorts); log_fanIn(runs) passes.
   */
  private *merge(runs: string[], staging: MemorySegment): Generator<T, void, undefined> {
    let pass = 0;
    while (runs.length > this.fanIn) {
      const next: string[] = [];
      for (let g = 0; g < runs.length; g += this.fanIn) {
        const group = runs.slice(g, g + this.fanIn);
        if (group.length === 1) {
          next.push(group[0]!);
          continue;
        }
        const file = this.newRunFile(`pass-${pass}-${next.length}`);
        const out = new RunWriter(this.fs!, file, staging, this.memory);
        try {
          for (const [address, length] of this.mergeRuns(group)) out.append(address - LENGTH, length + LENGTH);
          out.close();
        } catch (e) {
          out.abort();
          throw e;
        }
        for (const f of group) this.fsCall(`remove run file ${f}`, () => this.fs!.remove(f));
        this.result.spilledBytes += out.written;
        next.push(file);
      }
      runs = next;
      pass++;
      this.result.mergePasses++;
    }
    const input = new DataInputDeserializer();
    for (const [address, length] of this.mergeRuns(runs)) {
      input.setBuffer(this.memory.bytes, address, length);
      yield this.serializer.deserialize(input);
      this.checkOpen();
    }
  }

  /** Runs a file operation; its error becomes a SpillError naming what was done. */
  private fsCall<R>(what: string, op: () => R): R {
    try {
      return op();
    } catch (cause) {
      if (cause instanceof SpillError) throw cause;
      throw new SpillError(`ExternalSorter: cannot ${what}: ${(cause as Error).message}`, { cause });
    }
  }

  /** Yields [address, length] of each record of the runs, in order; each is valid until the next. */
  private *mergeRuns(files: string[]): Generator<[number, number], void, undefined> {
    const fs = this.fs!;
    const owner = { name: 'ExternalSorter merge' };
    const pages = this.budget.memoryManager.allocatePages(owner, files.length + 1);
    this.held.push(owner);
    const control = pages[0]!;
    const readers: RunReader[] = [];
    try {
      for (let i = 0; i < files.length; i++) {
        const fd = this.fsCall(`open run file ${files[i]}`, () => fs.open(files[i]!, 'r'));
        readers.push(new RunReader(fs, fd, pages[i + 1]!, this.memory, files[i]!));
      }
      const core = this.memory.core;
      const view = this.memory.view;
      // The control page: [size][program][keys: k × u32][heap: k × u32], one per open merge.
      const ctrl = control.address;
      const k = readers.length;
      const keys = ctrl + 8;
      for (let i = 0; i < k; i++) view.setUint32(keys + 4 * i, readers[i]!.current(), true);
      core.mergeSetup(ctrl, k, this.program);
      let top = core.mergeTop(ctrl, k);
      while (top >= 0) {
        const reader = readers[top]!;
        const address = view.getUint32(keys + 4 * top, true);
        yield [address, view.getUint32(address - LENGTH, true)];
        this.checkOpen();
        reader.consume();
        const next = reader.current();
        top = next < 0 ? core.mergeRemoveTop(ctrl, k) : core.mergeAdvance(ctrl, k, next);
      }
    } finally {
      let closeError: unknown;
      for (const r of readers) {
        try {
          r.close();
        } catch (e) {
          closeError ??= e;
        }
      }
      if (this.held.includes(owner)) {
        this.budget.memoryManager.releaseAll(owner);
        this.held.splice(this.held.indexOf(owner), 1);
      }
      if (closeError !== undefined) throw new SpillError(`ExternalSorter: cannot close a run file: ${(closeError as Error).message}`, { cause: closeError });
    }
  }

  private removeTempDir(): void {
    const dir = this.tempDir;
    if (dir !== undefined) {
      this.tempDir = undefined;
      this.fsCall(`remove the temporary directory ${dir}`, () => this.fs?.removeDir(dir));
    }
  }

}

/** Appends byte ranges of linear memory to a run file through a staging page. */
class RunWriter {
  written = 0;
  private fd: number;
  private used = 0;

  constructor(
    private readonly fs: SpillFileSystem,
    private readonly file: string,
    private readonly staging: MemorySegment,
    private readonly memory: LinearMemory,
  ) {
    try {
      this.fd = fs.open(file, 'w');
    } catch (cause) {
      throw new SpillError(`ExternalSorter: cannot create run file ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  append(address: number, length: number): void {
    if (this.used + length > this.staging.size) this.flush();
    this.memory.core.copy(address, this.staging.address + this.used, length);
    this.used += length;
  }

  private flush(): void {
    let done = 0;
    try {
      while (done < this.used) done += this.fs.write(this.fd, this.memory.bytes, this.staging.address + done, this.used - done);
    } catch (cause) {
      throw new SpillError(`ExternalSorter: writing run file ${this.file} failed after ${this.written + done} bytes: ${(cause as Error).message}`, { cause });
    }
    this.written += this.used;
    this.used = 0;
  }

  close(): void {
    this.flush();
    this.fs.close(this.fd);
  }

  abort(): void {
    try {
      this.fs.close(this.fd);
    } catch {
      // the write error is the one to report
    }
  }
}
