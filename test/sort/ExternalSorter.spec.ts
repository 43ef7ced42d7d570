// External sort: spilled runs merged give the order of an in-memory sort;
// merge passes; stability; memory within budget; temp files removed on
// success, error and early exit; bad input, a missing temp dir, a full disk.
import { expect } from 'chai';
import fc from 'fast-check';
import { ExternalSorter, MemoryBudgetError, nodeSpillFileSystem, SerializationError, SpillError, Types, WeirError } from 'weir';
import { MemoryFileSystem } from '../support/memoryFileSystem.js';
import { budget } from '../support/leaks.js';

interface Rec {
  key: number;
  name: string;
  seq: number;
}
const Rec = Types.OBJECT<Rec>({ key: Types.LONG, name: Types.STRING, seq: Types.INT });
const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const small = () => budget({ network: '64kb', managed: '256kb', segmentSize: '4kb' });

function records(n: number, seed = 1): Rec[] {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, (_, i) => ({ key: next() % 1000, name: `n${next() % 97}-${'p'.repeat(next() % 30)}`, seq: i }));
}

describe('ExternalSorter', () => {
  it('sorts input that fits in memory without spilling', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '64kb', fileSystem: fs });
    const input = records(200);
    const out = [...sorter.sortSync(input)];
    expect(out.map((r) => r.key)).to.deep.equal(input.map((r) => r.key).sort((x, y) => x - y));
    expect(sorter.stats).to.deep.equal({ records: 200, runs: 0, spilledBytes: 0, mergePasses: 0 });
    expect(fs.leftovers).to.equal(0);
  });

  it('spills 10× its memory and merges to the order of an in-memory sort; temp files are gone afterwards', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key', { field: 'name', order: 'desc' }], budget: b, memory: '32kb', fileSystem: fs });
    const input = records(10_000);
    const out = [...sorter.sortSync(input)];
    const expected = [...input].sort((x, y) => x.key - y.key || str(y.name, x.name));
    expect(out.map((r) => [r.key, r.name])).to.deep.equal(expected.map((r) => [r.key, r.name]));
    const stats = sorter.stats;
    expect(stats.records).to.equal(10_000);
    expect(stats.spilledBytes, 'at least 10× the memory went to disk').to.be.above(10 * 32 * 1024);
    expect(stats.runs).to.be.above(10);
    expect(fs.leftovers, 'temporary files and directory removed').to.equal(0);
    expect(fs.openFiles).to.equal(0);
    expect(b.memoryManager.pagesHeld(), 'every page back').to.equal(0);
  });

  it('merges in passes when there are more runs than its fan-in, keeping a stable order', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fanIn: 3, stable: true, fileSystem: fs });
    const input = records(3000, 7).map((r) => ({ ...r, key: r.key % 10 }));
    const out = [...sorter.sortSync(input)];
    expect(out).to.deep.equal([...input].sort((x, y) => x.key - y.key || x.seq - y.seq));
    expect(sorter.stats.mergePasses).to.be.above(1);
    expect(fs.leftovers).to.equal(0);
  });

  it('property: any input and memory size gives the order of Array.prototype.sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: -50, max: 50 }), name: fc.string({ unit: 'binary', maxLength: 40 }), seq: fc.constant(0) }), { maxLength: 800 }),
        fc.constantFrom(5, 6, 9),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(Number.POSITIVE_INFINITY, 1000, 7),
        (rs, pages, fanIn, maxIo) => {
          const input = rs.map((r, i) => ({ ...r, seq: i }));
          const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
          const fs = new MemoryFileSystem();
          fs.maxIo = maxIo; // short reads and writes
          const sorter = new ExternalSorter({ type: Rec, keys: ['name', 'key'], budget: b, memory: pages * 4096, fanIn, stable: true, fileSystem: fs });
          expect([...sorter.sortSync(input)]).to.deep.equal([...input].sort((x, y) => str(x.name, y.name) || x.key - y.key || x.seq - y.seq));
          expect(fs.leftovers).to.equal(0);
          expect(b.memoryManager.pagesHeld()).to.equal(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('takes async iterables', async () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Types.LONG, budget: b, memory: '20kb', fileSystem: fs });
    async function* numbers() {
      for (let i = 0; i < 5000; i++) yield (i * 7919) % 5000;
    }
    const out: number[] = [];
    for await (const x of sorter.sort(numbers())) out.push(x);
    expect(out).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
    expect(fs.leftovers).to.equal(0);
  });

  it('stopping early releases the memory and removes the temporary files', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: fs });
    for (const r of sorter.sortSync(records(3000))) {
      expect(r.key).to.equal(0);
      break;
    }
    expect(fs.leftovers).to.equal(0);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });

  it('a record that does not match the type fails the sort with its error; memory and files are released', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: fs });
    const input: unknown[] = records(2000);
    input[1500] = { key: 'seven', name: 'x', seq: 1 };
    expect(() => [...sorter.sortSync(input as Rec[])]).to.throw(SerializationError, /^key: expected LONG/);
    expect(fs.leftovers).to.equal(0);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });

  it('a full disk fails the sort with a SpillError; temporary files are removed', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    fs.diskBytes = 20_000;
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: fs });
    expect(() => [...sorter.sortSync(records(5000))]).to.throw(SpillError, /writing run file \/tmp\/weir-sort-0\/run-\d+ failed after \d+ bytes: ENOSPC/);
    expect(fs.leftovers).to.equal(0);
    expect(fs.openFiles).to.equal(0);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });

  it('a temporary directory that does not exist fails the sort with a SpillError naming it', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: fs, tempDir: '/no/such/dir' });
    expect(() => [...sorter.sortSync(records(5000))]).to.throw(SpillError, /cannot make a temporary directory in "\/no\/such\/dir": ENOENT/);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });

  it('without a file system, a sort that outgrows its memory fails with a MemoryBudgetError (as in a browser)', () => {
    const b = small();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: null });
    expect(() => [...sorter.sortSync(records(5000))]).to.throw(MemoryBudgetError, /need more than the sort's 20 KiB of managed memory and there is no file system to spill to/);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
    const fits = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: null });
    expect([...fits.sortSync(records(20))].length).to.equal(20);
  });

  it('refuses too little memory, a second sort, and a bad fan-in', () => {
    const b = small();
    expect(() => new ExternalSorter({ type: Rec, budget: b, memory: '16kb' })).to.throw(MemoryBudgetError, /at least 5 managed pages \(20 KiB\), got 16 KiB/);
    expect(() => new ExternalSorter({ type: Rec, budget: b, fanIn: 1 })).to.throw(WeirError, /fanIn must be an integer ≥ 2/);
    const sorter = new ExternalSorter({ type: Types.INT, budget: b, memory: '20kb', fileSystem: null });
    expect([...sorter.sortSync([3, 1, 2])]).to.deep.equal([1, 2, 3]);
    expect(() => [...sorter.sortSync([1])]).to.throw(WeirError, /sort\(\) was already called/);
  });

  it('spills to real files in Node and removes them', function () {
    const fs = nodeSpillFileSystem();
    if (fs === undefined) this.skip(); // browsers have no file system
    const b = small();
    const made: string[] = [];
    const watching = { ...fs!, makeTempDir: (parent: string | undefined, prefix: string) => (made.push(fs!.makeTempDir(parent, prefix)), made[made.length - 1]!) };
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fileSystem: watching });
    const out = [...sorter.sortSync(records(5000))];
    expect(out.map((r) => r.key)).to.deep.equal(records(5000).map((r) => r.key).sort((x, y) => x - y));
    expect(made.length).to.equal(1);
    const getBuiltin = (globalThis as unknown as { process: { getBuiltinModule(n: string): { existsSync(p: string): boolean } } }).process.getBuiltinModule;
    expect(getBuiltin('node:fs').existsSync(made[0]!), 'the temporary directory is gone').to.equal(false);
  });

  it('two spilled sorts can be read at once (a sort-merge join), each in order', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const left = new ExternalSorter({ type: Types.LONG, budget: b, memory: '20kb', fileSystem: fs });
    const right = new ExternalSorter({ type: Types.LONG, budget: b, memory: '20kb', fileSystem: fs });
    const n = 6000;
    const a = left.sortSync(Array.from({ length: n }, (_, i) => (i * 7919) % n))[Symbol.iterator]();
    const c = right.sortSync(Array.from({ length: n }, (_, i) => n - 1 - ((i * 104729) % n)))[Symbol.iterator]();
    for (let i = 0; i < n; i++) {
      expect(a.next().value).to.equal(i);
      expect(c.next().value).to.equal(i);
    }
    expect(a.next().done).to.equal(true);
    expect(c.next().done).to.equal(true);
    expect(left.stats.runs).to.be.above(1);
    expect(fs.leftovers).to.equal(0);
  });

  it('thousands of sorts on one budget do not use up its scratch memory', () => {
    const b = small();
    for (let i = 0; i < 3000; i++) {
      const sorter = new ExternalSorter({ type: Rec, keys: ['key', { field: 'name', order: 'desc' }], budget: b, memory: '20kb', fileSystem: null });
      expect([...sorter.sortSync([{ key: 2, name: 'a', seq: 0 }, { key: 1, name: 'b', seq: 1 }])].map((r) => r.key)).to.deep.equal([1, 2]);
    }
  });

  it('merge passes grow with the logarithm of the runs, and each pass writes the data once', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Rec, keys: ['key'], budget: b, memory: '20kb', fanIn: 3, fileSystem: fs });
    const input = records(20_000);
    const out = [...sorter.sortSync(input)];
    expect(out.length).to.equal(input.length);
    const { runs, mergePasses, spilledBytes } = sorter.stats;
    expect(mergePasses).to.equal(Math.ceil(Math.log(runs) / Math.log(3)) - 1);
    const firstPass = spilledBytes / (mergePasses + 1);
    expect(spilledBytes).to.be.at.most(firstPass * (mergePasses + 1) + 1);
    expect(mergePasses).to.be.below(10);
  });

  it('small segments cap the fan-in at what the merge control page holds', () => {
    const b = budget({ network: 256, managed: 64 * 256, segmentSize: 256 });
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Types.LONG, budget: b, memory: 40 * 256, fanIn: 128, fileSystem: fs });
    const n = 10_000;
    expect([...sorter.sortSync(Array.from({ length: n }, (_, i) => (i * 7919) % n))]).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    expect(fs.leftovers).to.equal(0);
  });

  it('dispose while the records are being read stops the sort; pages given to others are untouched', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Types.LONG, budget: b, memory: '20kb', fileSystem: fs });
    const it = sorter.sortSync(Array.from({ length: 6000 }, (_, i) => 6000 - i))[Symbol.iterator]();
    expect(it.next().value).to.equal(1);
    sorter.dispose();
    const other = { name: 'other' };
    const pages = b.memoryManager.allocatePages(other, b.memoryManager.availablePages);
    for (const p of pages) p.fill(0, p.size, 0x5a);
    expect(() => it.next()).to.throw(WeirError, /disposed while its records were being read/);
    expect(pages.every((p) => p.view(0, p.size).every((x) => x === 0x5a))).to.equal(true);
    b.memoryManager.releaseAll(other);
    expect(fs.leftovers).to.equal(0);
  });

  it('a failing read of a run file is a SpillError, and everything is cleaned up', () => {
    const b = small();
    const fs = new MemoryFileSystem();
    const sorter = new ExternalSorter({ type: Types.LONG, budget: b, memory: '20kb', fileSystem: fs });
    const it = sorter.sortSync(Array.from({ length: 6000 }, (_, i) => i))[Symbol.iterator]();
    expect(it.next().value).to.equal(0);
    fs.failReads = true;
    expect(() => {
      for (let r = it.next(); !r.done; r = it.next());
    }).to.throw(SpillError, /reading run file .* failed: EIO/);
    expect(fs.leftovers).to.equal(0);
    expect(fs.openFiles).to.equal(0);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });
});
