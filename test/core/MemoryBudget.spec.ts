// MemoryBudget: options, defaults, validation, and linear memory that never
// grows or detaches.
import { expect } from 'chai';
import { BufferPoolError, ConfigurationError, MemoryBudget, MemoryBudgetError, MemorySegmentError, parseMemorySize } from 'weir';
import { budget } from '../support/leaks.js';

describe('MemoryBudget', () => {
  it('defaults to Flink-like sizes: 32 KiB segments, 2048 network segments, 128 MiB managed', () => {
    const b = budget({});
    expect(b.segmentSize).to.equal(32 * 1024);
    expect(b.networkSegments).to.equal(2048);
    expect(b.managedSegments).to.equal(4096);
    expect(b.reservedBytes).to.be.at.least(192 * 1024 * 1024);
    expect(b.reservedBytes).to.be.below(193 * 1024 * 1024);
  });

  it('reads sizes as numbers or strings with units, rounding each share down to whole segments', () => {
    const b = budget({ network: '1mb', managed: '100kb', segmentSize: '4kb' });
    expect(b.segmentSize).to.equal(4096);
    expect(b.networkSegments).to.equal(256);
    expect(b.managedSegments).to.equal(25);
    expect(parseMemorySize('1.5 KiB', 'x')).to.equal(1536);
    expect(parseMemorySize(' 2G ', 'x')).to.equal(2 * 1024 ** 3);
    expect(parseMemorySize(512, 'x')).to.equal(512);
  });

  it('refuses sizes it cannot use, naming the option and the value', () => {
    expect(() => MemoryBudget.create({ segmentSize: 3000 })).to.throw(ConfigurationError, /memory.segmentSize must be a power of two from 256 bytes to 16 MiB, got 3000 bytes/);
    expect(() => MemoryBudget.create({ segmentSize: 128 })).to.throw(ConfigurationError, /power of two/);
    expect(() => MemoryBudget.create({ segmentSize: '32 megs' })).to.throw(ConfigurationError, /memory.segmentSize: cannot read memory size "32 megs"/);
    expect(() => MemoryBudget.create({ network: -1 })).to.throw(ConfigurationError, /memory.network: memory size must be a whole, non-negative number of bytes, got -1/);
    expect(() => MemoryBudget.create({ network: '1kb' })).to.throw(ConfigurationError, /memory.network \(1024 bytes\) must hold at least one segment of 32 KiB/);
    expect(() => MemoryBudget.create({ managed: '1.3 bytes' as string })).to.throw(ConfigurationError);
    expect(() => MemoryBudget.create({ managed: {} as unknown as string })).to.throw(ConfigurationError, /memory.managed: expected a number of bytes/);
    expect(() => MemoryBudget.create({ network: '3gb', managed: '2gb' })).to.throw(ConfigurationError, /does not fit in 4 GiB of WebAssembly linear memory/);
  });

  it('linear memory is reserved once: views stay attached however the segments are used', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const pages = b.memoryManager.allocatePages(owner, 16);
    const view = pages[0]!.view(0, 16);
    const pool = b.networkBufferPool.createBufferPool({ min: 16 });
    for (let round = 0; round < 50; round++) {
      const bufs = Array.from({ length: 16 }, () => pool.requestBuffer()!);
      for (const buf of bufs) buf.segment.fill(0, 4096, round);
      for (const buf of bufs) buf.recycle();
    }
    view[0] = 42;
    expect(view.byteLength, 'the view did not detach').to.equal(16);
    expect(pages[0]!.getUint8(0)).to.equal(42);
    pool.destroy();
    b.memoryManager.releaseAll(owner);
  });
});

describe('MemoryBudget.dispose', () => {
  it('destroys the pools and refuses new pools and pages', () => {
    const b = MemoryBudget.create({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const pool = b.networkBufferPool.createBufferPool({ min: 1, name: 'p' });
    pool.requestBuffer()!.recycle();
    b.dispose();
    expect(b.isDisposed).to.equal(true);
    expect(pool.isDestroyed).to.equal(true);
    expect(() => pool.requestBuffer()).to.throw(BufferPoolError, /"p": requestBuffer after the pool was destroyed/);
    expect(() => b.networkBufferPool.createBufferPool({ min: 1, name: 'q' })).to.throw(BufferPoolError, /cannot create LocalBufferPool "q": the memory budget was disposed/);
    expect(() => b.memoryManager.allocatePages({ name: 'x' }, 1)).to.throw(MemoryBudgetError, /cannot allocate pages for "x": the memory budget was disposed/);
    b.dispose();
  });

  it('a budget created after a clean dispose starts with every segment free, and old handles stay dead', () => {
    const opts = { network: '64kb', managed: '64kb', segmentSize: '4kb' };
    const first = MemoryBudget.create(opts);
    const owner = {};
    const [page] = first.memoryManager.allocatePages(owner, 1);
    page!.putInt32(0, 1234);
    first.memoryManager.releaseAll(owner);
    first.dispose();
    const second = budget(opts);
    expect(second.memoryManager.availablePages).to.equal(16);
    expect(second.networkBufferPool.numAvailable).to.equal(16);
    const [fresh] = second.memoryManager.allocatePages(owner, 1);
    expect(() => page!.putInt32(0, 1)).to.throw(MemorySegmentError);
    second.memoryManager.releaseAll(owner);
    expect(fresh!.isReleased).to.equal(true);
  });

  // These peek at the budget's WebAssembly.Memory, which the public API does not show.
  const wasmMemoryOf = (b: MemoryBudget) => (b as unknown as { memory: { memory: WebAssembly.Memory } }).memory.memory;
  const small = { network: '64kb', managed: '64kb', segmentSize: '4kb' };

  it('a clean dispose hands the linear memory to the next budget of the same size, zeroed', () => {
    const first = MemoryBudget.create(small);
    const owner = {};
    const [page] = first.memoryManager.allocatePages(owner, 1);
    page!.fill(0, 4096, 0xab);
    first.memoryManager.releaseAll(owner);
    const reserved = wasmMemoryOf(first);
    first.dispose();
    expect(first.networkBufferPool.numAvailable, 'a disposed budget reports nothing free').to.equal(0);
    const second = budget(small);
    expect(wasmMemoryOf(second)).to.equal(reserved);
    const [again] = second.memoryManager.allocatePages(owner, 1);
    expect(again!.id).to.equal(page!.id);
    expect([...again!.view(0, 4096)].every((x) => x === 0), 'reused memory is zeroed').to.equal(true);
    second.memoryManager.releaseAll(owner);
  });

  it('a dispose with a page still out keeps the memory from reuse: the leaked handle cannot reach the next budget', () => {
    const first = MemoryBudget.create(small);
    const [leaked] = first.memoryManager.allocatePages({ name: 'leaker' }, 1);
    const reserved = wasmMemoryOf(first);
    first.dispose();
    const second = budget(small);
    expect(wasmMemoryOf(second)).to.not.equal(reserved);
    const owner = {};
    const [page] = second.memoryManager.allocatePages(owner, 1);
    expect(page!.id).to.equal(leaked!.id);
    leaked!.fill(0, 4096, 0xff);
    expect(page!.getUint8(0), 'the new budget is untouched').to.equal(0);
    second.memoryManager.releaseAll(owner);
  });

});
