// The sort buffer: order against Array.prototype.sort with a reference
// comparator, for every kind of key; full buffers; ties the normalized key
// cannot break; stability; bad records.
import { expect } from 'chai';
import fc from 'fast-check';
import { DataInputDeserializer, KeyPointerSorter, MemoryBudgetError, SerializationError, Types, WeirError, type KeyField, type TypeInformation } from 'weir';
import { budget, withBudget } from '../support/leaks.js';

const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const num = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
const javaDouble = (a: number, b: number) => {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  if (a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
  return num(a, b);
};

interface Rec {
  id: number;
  name: string;
  score: number;
  big: bigint;
  seq: number;
}
const Rec = Types.OBJECT<Rec>({ id: Types.INT, name: Types.STRING, score: Types.DOUBLE, big: Types.BIGINT, seq: Types.INT });
const recs = fc.array(
  fc.record({
    id: fc.integer({ min: -5, max: 5 }),
    name: fc.oneof(fc.constantFrom('', 'a', 'ab', '\u{1F600}', '\uFFFD', 'x'.repeat(40) + 'a', 'x'.repeat(40) + 'b'), fc.string({ unit: 'binary', maxLength: 8 })),
    score: fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, 1)),
    big: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    seq: fc.constant(0),
  }),
  { maxLength: 300 },
).map((rs) => rs.map((r, i) => ({ ...r, seq: i })));

function sortWith(keys: KeyField[], reference: (a: Rec, b: Rec) => number, extra: { stable?: boolean; normalizedKeyBytes?: number } = {}) {
  fc.assert(
    fc.property(recs, (records) => {
      withBudget({ network: '64kb', managed: '2mb', segmentSize: '4kb' }, (b) => {
        const sorter = new KeyPointerSorter({ type: Rec, keys, budget: b, pages: 400, ...extra });
        for (const r of records) expect(sorter.write(r)).to.equal(true);
        sorter.sort();
        const got = [...sorter];
        const expected = [...records].sort((x, y) => reference(x, y) || (extra.stable ? x.seq - y.seq : 0));
        if (extra.stable) expect(got).to.deep.equal(expected);
        else {
          expect(got.length).to.equal(expected.length);
          got.forEach((r, i) => expect(reference(r, expected[i]!), `position ${i}`).to.equal(0));
          expect([...got].sort((x, y) => x.seq - y.seq)).to.deep.equal(records);
        }
        sorter.dispose();
      });
    }),
    { numRuns: 40 },
  );
}

describe('KeyPointerSorter', () => {
  it('sorts by an INT key as Array.prototype.sort does', () => sortWith(['id'], (a, b) => num(a.id, b.id)));
  it('sorts by a DOUBLE key with NaN and -0 (Java order)', () => sortWith(['score'], (a, b) => javaDouble(a.score, b.score)));
  it('sorts by a BIGINT key', () => sortWith(['big'], (a, b) => (a.big < b.big ? -1 : a.big > b.big ? 1 : 0)));
  it('sorts by a STRING key in UTF-16 order, long shared prefixes resolved by the full comparator', () =>
    sortWith(['name'], (a, b) => str(a.name, b.name)));
  it('sorts by several keys, some descending', () =>
    sortWith(['id', { field: 'name', order: 'desc' }, { field: 'score', order: 'desc' }], (a, b) => num(a.id, b.id) || str(b.name, a.name) || javaDouble(b.score, a.score)));
  it('keeps the write order of equal keys when asked to be stable', () => sortWith(['id'], (a, b) => num(a.id, b.id), { stable: true }));
  it('is stable with a string key too (ties broken by the full comparator, then write order)', () =>
    sortWith([{ field: 'name', order: 'desc' }], (a, b) => str(b.name, a.name), { stable: true }));
  it('sorts correctly with a 1-byte normalized key (almost everything ties)', () =>
    sortWith(['big', 'id'], (a, b) => (a.big < b.big ? -1 : a.big > b.big ? 1 : 0) || num(a.id, b.id), { normalizedKeyBytes: 1 }));

  it('sorts the whole record when no key is given (a key type)', () => {
    const b = budget({ network: '64kb', managed: '1mb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Types.STRING, budget: b, pages: 100 });
    const words = ['pear', '\u{1F600}', 'apple', '', '\uFFFD', 'apple'];
    for (const w of words) sorter.write(w);
    sorter.sort();
    expect([...sorter]).to.deep.equal([...words].sort());
    sorter.dispose();
  });

  it('handles empty input, one record and all-equal keys', () => {
    const b = budget({ network: '64kb', managed: '1mb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Types.LONG, budget: b, pages: 16 });
    sorter.sort();
    expect([...sorter]).to.deep.equal([]);
    sorter.write(5);
    sorter.sort();
    expect([...sorter]).to.deep.equal([5]);
    sorter.reset();
    for (let i = 0; i < 1000; i++) expect(sorter.write(7)).to.equal(true);
    sorter.sort();
    expect([...sorter].every((x) => x === 7)).to.equal(true);
    expect(sorter.size).to.equal(1000);
    sorter.dispose();
  });

  it('reports full when its pages are spent, keeps what it has, and takes more after reset', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Rec, keys: ['id'], budget: b, pages: 5 });
    const rec = (i: number): Rec => ({ id: i % 7, name: `n${i}`, score: i, big: BigInt(i), seq: i });
    let written = 0;
    while (sorter.write(rec(written))) written++;
    expect(written).to.be.above(50);
    expect(sorter.size).to.equal(written);
    expect(sorter.write(rec(written)), 'still full').to.equal(false);
    sorter.sort();
    const got = [...sorter];
    expect(got.length).to.equal(written);
    expect(got.map((r) => r.id)).to.deep.equal([...got.map((r) => r.id)].sort((x, y) => x - y));
    expect(b.memoryManager.pagesHeld(sorter)).to.equal(5);
    sorter.reset();
    expect(sorter.write(rec(0))).to.equal(true);
    expect(b.memoryManager.pagesHeld(sorter), 'reset returns nothing').to.equal(5);
    sorter.dispose();
    expect(b.memoryManager.pagesHeld(sorter)).to.equal(0);
  });

  it('a record that does not match the type is refused and nothing already written is lost', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Rec, keys: ['name'], budget: b, pages: 4 });
    sorter.write({ id: 1, name: 'b', score: 0, big: 0n, seq: 0 });
    expect(() => sorter.write({ id: 2, name: 'a', score: 0, big: 5, seq: 1 } as never)).to.throw(SerializationError, /^big: expected BIGINT/);
    sorter.write({ id: 3, name: 'a', score: 0, big: 1n, seq: 2 });
    sorter.sort();
    expect([...sorter].map((r) => r.id)).to.deep.equal([3, 1]);
    sorter.dispose();
  });

  it('a record larger than a segment is refused with its size', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Types.STRING, budget: b, pages: 4 });
    expect(() => sorter.write('x'.repeat(5000))).to.throw(MemoryBudgetError, /a record of 5003 bytes does not fit in a memory segment of 4096 bytes/);
    expect(sorter.size).to.equal(0);
    sorter.dispose();
  });

  it('refuses too few pages, more pages than the budget, and use after dispose', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    expect(() => new KeyPointerSorter({ type: Types.INT, budget: b, pages: 3 })).to.throw(MemoryBudgetError, /at least 4 managed pages/);
    expect(() => new KeyPointerSorter({ type: Types.INT, budget: b, pages: 17 })).to.throw(MemoryBudgetError, /requested 17 pages/);
    const sorter = new KeyPointerSorter({ type: Types.INT, budget: b, pages: 4 });
    sorter.dispose();
    expect(() => sorter.write(1)).to.throw(WeirError, /write after dispose/);
    const unsorted = new KeyPointerSorter({ type: Types.INT, budget: b, pages: 4 });
    unsorted.write(2);
    unsorted.write(1);
    expect(() => [...unsorted]).to.throw(WeirError, /call sort\(\) before reading/);
    unsorted.dispose();
  });

  it('a type that cannot be a key is refused', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    expect(() => new KeyPointerSorter({ type: Types.LIST(Types.INT) as TypeInformation<number[]>, budget: b, pages: 4 })).to.throw(/cannot be a key/);
    expect(b.memoryManager.availablePages, 'nothing taken').to.equal(16);
  });

  it('an index entry that does not fit a page is refused before any page is taken', () => {
    const b = budget({ network: 256, managed: 64 * 256, segmentSize: 256 });
    const Wide = Types.TUPLE(Array.from({ length: 40 }, () => Types.LONG));
    expect(() => new KeyPointerSorter({ type: Wide, budget: b, pages: 8, normalizedKeyBytes: 256 })).to.throw(MemoryBudgetError, /does not fit a page of 256/);
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });

  it('sorts many records across many index pages with the radix sort, also after reset and after a second sort', () => {
    const b = budget({ network: '64kb', managed: '4mb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Types.TUPLE([Types.LONG, Types.STRING]), keys: [0, { field: 1, order: 'desc' }], budget: b, pages: 1000, stable: true });
    for (const n of [255, 256, 257, 5000]) {
      sorter.reset();
      const input = Array.from({ length: n }, (_, i) => [((i * 7919) % 97) * 2 ** 40, `s${i % 13}`] as [number, string]);
      for (const r of input) expect(sorter.write(r)).to.equal(true);
      sorter.sort();
      sorter.sort(); // sorting a sorted buffer again changes nothing
      const expected = input
        .map((r, i) => [r, i] as const)
        .sort(([x, i], [y, j]) => x[0] - y[0] || (x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0) || i - j)
        .map(([r]) => r);
      expect([...sorter]).to.deep.equal(expected);
    }
    sorter.dispose();
  });

  it('yields the sorted records as raw bytes too, each deserializing to the record', () => {
    const b = budget({ network: '64kb', managed: '256kb', segmentSize: '4kb' });
    const sorter = new KeyPointerSorter({ type: Rec, keys: ['name'], budget: b, pages: 40 });
    const input = ['pear', 'apple', 'fig'].map((name, i) => ({ id: i, name, score: 0, big: 0n, seq: i }));
    for (const r of input) sorter.write(r);
    sorter.sort();
    const serializer = Rec.createSerializer();
    const back = [...sorter.serializedRecords()].map((bytes) => serializer.deserialize(new DataInputDeserializer(bytes)));
    expect(back.map((r) => r.name)).to.deep.equal(['apple', 'fig', 'pear']);
    sorter.dispose();
  });
});
