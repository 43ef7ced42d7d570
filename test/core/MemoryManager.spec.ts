// MemoryManager: managed pages by owner, all-or-nothing allocation, checked
// release, and a property test against a model of who holds what.
import { expect } from 'chai';
import fc from 'fast-check';
import { MemoryBudgetError, MemorySegmentError, type MemorySegment } from 'weir';
import { budget, untrack, withBudget } from '../support/leaks.js';

const SEG = 512;
const managed = (pages: number) => budget({ network: SEG, managed: pages * SEG, segmentSize: SEG });

describe('MemoryManager', () => {
  it('hands out pages of the segment size and takes them back', () => {
    const { memoryManager: mm } = managed(8);
    expect(mm.totalPages).to.equal(8);
    expect(mm.pageSize).to.equal(SEG);
    const sorter = { name: 'sorter' };
    const pages = mm.allocatePages(sorter, 3);
    expect(pages.map((p) => p.size)).to.deep.equal([SEG, SEG, SEG]);
    expect(new Set(pages.map((p) => p.id)).size).to.equal(3);
    expect(mm.availablePages).to.equal(5);
    expect(mm.pagesHeld(sorter)).to.equal(3);
    mm.release(sorter, pages[1]!);
    expect(mm.pagesHeld(sorter)).to.equal(2);
    mm.releaseAll(sorter);
    expect(mm.availablePages).to.equal(8);
    expect(pages.every((p) => p.isReleased)).to.equal(true);
  });

  it('managed pages are distinct from network segments', () => {
    const b = managed(4);
    const pool = b.networkBufferPool.createBufferPool({ min: 1 });
    const buf = pool.requestBuffer()!;
    const owner = {};
    const pages = b.memoryManager.allocatePages(owner, 4);
    expect(pages.map((p) => p.id)).to.not.include(buf.segment.id);
    buf.segment.fill(0, SEG, 1);
    for (const p of pages) p.fill(0, SEG, 2);
    expect(buf.segment.getUint8(SEG - 1)).to.equal(1);
    buf.recycle();
    pool.destroy();
    b.memoryManager.releaseAll(owner);
  });

  it('is all or nothing: a request the free pages cannot cover takes nothing and says what is free', () => {
    const { memoryManager: mm } = managed(4);
    const a = { name: 'join' };
    mm.allocatePages(a, 3);
    expect(() => mm.allocatePages({ name: 'sort' }, 2)).to.throw(MemoryBudgetError, /"sort" requested 2 pages \(1 KiB\), but only 1 of 4 managed pages are free/);
    expect(mm.availablePages).to.equal(1);
    expect(() => mm.allocatePages(a, 5)).to.throw(MemoryBudgetError, /"join" requested 5 pages \(2560 bytes\), more than the whole managed budget of 4 pages \(2 KiB\)/);
    mm.releaseAll(a);
  });

  it('refuses bad arguments', () => {
    const { memoryManager: mm } = managed(2);
    expect(() => mm.allocatePages({}, -1)).to.throw(RangeError, /page count must be a non-negative integer, got -1/);
    expect(() => mm.allocatePages({}, 1.5)).to.throw(RangeError, /got 1.5/);
    expect(() => mm.allocatePages(null as unknown as object, 1)).to.throw(TypeError, /owner must be an object/);
    expect(mm.allocatePages({}, 0)).to.deep.equal([]);
    expect(() => mm.computeNumberOfPages(0)).to.throw(RangeError, /fraction/);
    expect(mm.computeNumberOfPages(0.5)).to.equal(1);
  });

  it('refuses a release by an owner that does not hold the page, and a double release, changing nothing', () => {
    const { memoryManager: mm } = managed(4);
    class Sorter {}
    const a = new Sorter();
    const b = { name: 'window operator' };
    const [p, q] = mm.allocatePages(a, 2) as [MemorySegment, MemorySegment];
    const [r] = mm.allocatePages(b, 1) as [MemorySegment];
    expect(() => mm.release(b, [r, p])).to.throw(MemorySegmentError, new RegExp(`"window operator" cannot release MemorySegment #${p.id}: it is held by a Sorter`));
    expect(r.isReleased, 'the refused call released nothing').to.equal(false);
    mm.release(a, p);
    expect(() => mm.release(a, p)).to.throw(MemorySegmentError, new RegExp(`MemorySegment #${p.id} was already released`));
    expect(() => mm.release({}, q)).to.throw(MemorySegmentError, /an anonymous owner cannot release/);
    mm.release(a, [q, q]);
    mm.releaseAll(b);
    mm.releaseAll({}); // an owner with nothing is a no-op
  });

  it('assertAllReturned names every owner that still holds pages', () => {
    const bud = managed(4);
    untrack(bud);
    const { memoryManager: mm } = bud;
    const a = { name: 'sorter A' };
    mm.allocatePages(a, 2);
    mm.allocatePages({ name: 'state' }, 1);
    expect(() => mm.assertAllReturned()).to.throw(MemoryBudgetError, /3 managed page\(s\) not released — "sorter A": 2; "state": 1/);
  });

  it('property: random allocate/release sequences keep the books against a model', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('alloc' as const), owner: fc.nat(3), n: fc.nat(5) }),
            fc.record({ op: fc.constant('release' as const), owner: fc.nat(3), pick: fc.nat() }),
            fc.record({ op: fc.constant('releaseAll' as const), owner: fc.nat(3) }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const TOTAL = 10;
          withBudget({ network: SEG, managed: TOTAL * SEG, segmentSize: SEG }, ({ memoryManager: mm }) => {
          const owners = [{ name: 'o0' }, { name: 'o1' }, { name: 'o2' }, { name: 'o3' }];
          const model = owners.map(() => [] as MemorySegment[]);
          for (const o of ops) {
            const owner = owners[o.owner]!;
            const mine = model[o.owner]!;
            const held = model.reduce((s, m) => s + m.length, 0);
            if (o.op === 'alloc') {
              if (o.n <= TOTAL - held) {
                const pages = mm.allocatePages(owner, o.n);
                for (const p of pages) p.putInt32(0, o.owner);
                mine.push(...pages);
              } else expect(() => mm.allocatePages(owner, o.n)).to.throw(MemoryBudgetError);
            } else if (o.op === 'release' && mine.length > 0) {
              mm.release(owner, mine.splice(o.pick % mine.length, 1));
            } else if (o.op === 'releaseAll') {
              mm.releaseAll(owner);
              for (const p of mine.splice(0)) expect(p.isReleased).to.equal(true);
            }
            const ids = model.flat().map((p) => p.id);
            expect(new Set(ids).size, 'a page held twice').to.equal(ids.length);
            expect(mm.availablePages).to.equal(TOTAL - ids.length);
            model.forEach((m, i) => {
              expect(mm.pagesHeld(owners[i]!)).to.equal(m.length);
              for (const p of m) expect(p.getInt32(0), 'bytes of a held page changed').to.equal(i);
            });
          }
          for (const owner of owners) mm.releaseAll(owner);
          expect(mm.availablePages).to.equal(TOTAL);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
