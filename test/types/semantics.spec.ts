// Cases beyond the contract: refused inputs and their messages, orders Flink
// documents, multi-field keys, inference, schema evolution, key groups.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  computeKeyGroupForKeyHash,
  computeKeyGroupRangeForOperatorIndex,
  computeOperatorIndexForKeyGroup,
  ConfigurationError,
  DataInputDeserializer,
  DataOutputSerializer,
  KeyHasher,
  readTypeSnapshot,
  RecordDeserializer,
  RecordSerializer,
  resolveSchemaCompatibility,
  SerializationError,
  TypeComparator,
  TypeInformationError,
  Types,
  writeTypeSnapshot,
  type MemorySegment,
  type TypeInformation,
} from 'weir';
import { budget } from '../support/leaks.js';

function serialize<T>(type: TypeInformation<T>, value: T): Uint8Array {
  const out = new DataOutputSerializer();
  type.createSerializer().serialize(value, out);
  return out.toUint8Array();
}

function refusal<T>(type: TypeInformation<T>, value: unknown): SerializationError {
  try {
    type.createSerializer().serialize(value as T, new DataOutputSerializer());
  } catch (e) {
    expect(e).to.be.instanceOf(SerializationError);
    return e as SerializationError;
  }
  throw new Error(`${type.toString()} accepted ${String(value)}`);
}

const Bid = Types.OBJECT({
  auction: Types.LONG,
  bidder: Types.LONG,
  price: Types.LONG,
  channel: Types.STRING,
  url: Types.STRING,
  dateTime: Types.LONG,
  extra: Types.STRING,
});
const bid = { auction: 1000, bidder: 2001, price: 12_345, channel: 'Google', url: 'https://www.nexmark.com/a/b/c/item.htm', dateTime: 1_700_000_000_000, extra: '' };

describe('serializers refuse values that do not match their type', () => {
  const cases: [string, TypeInformation<any>, unknown, RegExp][] = [
    ['string where INT is expected', Types.INT, '5', /^expected INT \(a 32-bit integer\), got "5" \(string\)$/],
    ['NaN in an INT', Types.INT, Number.NaN, /expected INT .*got NaN/],
    ['a fraction in an INT', Types.INT, 1.5, /got 1.5/],
    ['2^31 in an INT', Types.INT, 2 ** 31, /got 2147483648/],
    ['unsafe integer in a LONG', Types.LONG, 2 ** 53, /expected LONG \(a safe integer; use BIGINT for full 64-bit values\), got 9007199254740992/],
    ['a bigint in a LONG', Types.LONG, 5n, /got 5n \(bigint\)/],
    ['129 in a BYTE', Types.BYTE, 129, /expected BYTE \(an integer from -128 to 127\)/],
    ['2^63 in a BIGINT', Types.BIGINT, 2n ** 63n, /expected BIGINT/],
    ['a number in a BIGINT', Types.BIGINT, 5, /got 5 \(number\)/],
    ['a string in a BOOLEAN', Types.BOOLEAN, 'true', /expected BOOLEAN/],
    ['a number in a STRING', Types.STRING, 5, /expected STRING \(a string\), got 5 \(number\)/],
    ['an array in BYTES', Types.BYTES, [1, 2], /expected BYTES \(a Uint8Array\), got an array of 2/],
    ['an invalid Date in an INSTANT', Types.INSTANT, new Date(Number.NaN), /expected INSTANT \(a valid Date\)/],
    ['a number in an INSTANT', Types.INSTANT, 0, /expected INSTANT/],
    ['a value outside an ENUM', Types.ENUM(['a', 'b']), 'c', /expected ENUM \(one of "a", "b"\), got "c"/],
    ['a plain array in a PRIMITIVE_ARRAY', Types.PRIMITIVE_ARRAY(Int32Array), [1], /expected PRIMITIVE_ARRAY of Int32Array/],
    ['a Float64Array in an Int32Array PRIMITIVE_ARRAY', Types.PRIMITIVE_ARRAY(Int32Array), new Float64Array(1), /got a Float64Array/],
    ['an object in a LIST', Types.LIST(Types.INT), { length: 1 }, /expected LIST \(an array\)/],
    ['a plain object in a MAP', Types.MAP(Types.STRING, Types.INT), { a: 1 }, /expected MAP \(a Map\)/],
    ['a short array in a TUPLE', Types.TUPLE([Types.INT, Types.INT]), [1], /expected TUPLE of 2 items/],
    ['null in an OBJECT', Bid, null, /expected OBJECT with fields auction, bidder/],
    ['a class instance in GENERIC', Types.GENERIC, new (class Point {})(), /GENERIC cannot serialize an object \(Point\)/],
    ['a function in GENERIC', Types.GENERIC, () => 1, /GENERIC cannot serialize a function/],
    ['a symbol in GENERIC', Types.GENERIC, Symbol('s'), /GENERIC cannot serialize/],
  ];
  for (const [what, type, value, message] of cases) {
    it(`refuses ${what}`, () => {
      const e = refusal(type, value);
      expect(e.message).to.match(message);
      expect(Object.is(e.value, value), 'the error carries the value').to.equal(true);
    });
  }

  it('names the field path of a nested value at fault', () => {
    const Order = Types.OBJECT({
      id: Types.LONG,
      lines: Types.LIST(Types.OBJECT({ sku: Types.STRING, qty: Types.INT })),
      meta: Types.MAP(Types.STRING, Types.TUPLE([Types.INT, Types.NULLABLE(Types.STRING)])),
    });
    const good = { id: 1, lines: [{ sku: 'a', qty: 1 }], meta: new Map([['k', [1, null]]]) };
    expect(refusal(Order, { ...good, lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 'x' }] }).path).to.equal('lines[1].qty');
    expect(refusal(Order, { ...good, lines: [{ sku: 'a' }] }).message).to.equal('lines[0].qty: missing value: expected INT (a 32-bit integer), got undefined');
    expect(refusal(Order, { ...good, meta: new Map([['k', [1, 2]]]) }).path).to.equal('meta{"k" (string)}[1]');
    expect(refusal(Order, { ...good, meta: new Map([[3, [1, null]]]) }).path).to.equal('meta{key}');
    expect(refusal(Types.GENERIC, { a: [1, { b: Symbol('x') }] }).path).to.equal('a[1].b');
  });

  it('refuses a cycle in GENERIC instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(refusal(Types.GENERIC, cyclic).message).to.match(/nesting deeper than 512 \(a cycle\?\)/);
  });

  it('a refused record leaves nothing in any segment and the next record is unaffected', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [seg] = b.memoryManager.allocatePages(owner, 1) as [MemorySegment];
    const writer = new RecordSerializer(Bid.createSerializer(), b);
    writer.serializeRecord(bid);
    let used = writer.copyTo(seg, 0);
    expect(() => writer.serializeRecord({ ...bid, extra: 'x'.repeat(100), price: 'high' } as never)).to.throw(SerializationError, /^price:/);
    expect(writer.hasPendingBytes).to.equal(false);
    writer.serializeRecord({ ...bid, price: 7 });
    used += writer.copyTo(seg, used);
    const reader = new RecordDeserializer(Bid.createSerializer());
    reader.setNextBuffer(seg, 0, used);
    const back = [];
    while (reader.hasNext()) back.push(reader.next());
    expect(back.map((r) => r.price)).to.deep.equal([12_345, 7]);
    b.memoryManager.releaseAll(owner);
  });

  it('a record of many segments is copied piece by piece and read back whole', () => {
    const b = budget({ network: 256, managed: 64 * 256, segmentSize: 256 });
    const owner = {};
    const segments = b.memoryManager.allocatePages(owner, 30);
    const text = 'é'.repeat(2500); // 5000 bytes of UTF-8: about 20 segments
    const writer = new RecordSerializer(Types.STRING.createSerializer(), b);
    writer.serializeRecord(text);
    const used: number[] = [];
    while (writer.hasPendingBytes) used.push(writer.copyTo(segments[used.length]!, 0));
    expect(used.length).to.be.at.least(19);
    const reader = new RecordDeserializer(Types.STRING.createSerializer());
    const back: string[] = [];
    used.forEach((n, i) => {
      reader.setNextBuffer(segments[i]!, 0, n);
      while (reader.hasNext()) back.push(reader.next());
      if (i < used.length - 1) expect(reader.hasPartialRecord).to.equal(true);
    });
    expect(back).to.deep.equal([text]);
    b.memoryManager.releaseAll(owner);
  });

  it('a record whose bytes are cut short is refused as truncated, not read as garbage', () => {
    const bytes = serialize(Bid, bid);
    const input = new DataInputDeserializer(bytes, 0, bytes.length - 3);
    expect(() => Bid.createSerializer().deserialize(input)).to.throw(SerializationError, /truncated record/);
  });

  it('a reader whose serializer does not match the writer is refused, not silently misaligned', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [seg] = b.memoryManager.allocatePages(owner, 1) as [MemorySegment];
    const writer = new RecordSerializer(Types.TUPLE([Types.INT, Types.INT]).createSerializer());
    writer.serializeRecord([1, 2]);
    const used = writer.copyTo(seg, 0);
    const reader = new RecordDeserializer(Types.INT.createSerializer());
    reader.setNextBuffer(seg, 0, used);
    expect(reader.hasNext()).to.equal(true);
    expect(() => reader.next()).to.throw(SerializationError, /record of 8 bytes: the serializer read 4 of them/);
    b.memoryManager.releaseAll(owner);
  });
});

describe('strings', () => {
  it('round-trip every JavaScript string, unpaired surrogates included', () => {
    for (const s of ['', 'plain', 'é€😀', '\ud800', 'a\udc00b', '\ud83d\ude00\ud83d', 'x'.repeat(70) + '\udfff']) {
      const back = Types.STRING.createSerializer().deserialize(new DataInputDeserializer(serialize(Types.STRING, s)));
      expect(back).to.equal(s);
    }
  });

  it('order as JavaScript compares them (UTF-16 code units), not as UTF-8 bytes do', () => {
    const astral = '\u{1F600}'; // UTF-16: D83D DE00 — UTF-8: F0 9F 98 80
    const high = '\uFFFD'; // UTF-16: FFFD — UTF-8: EF BF BD
    expect(astral < high).to.equal(true);
    const cmp = new TypeComparator(Types.STRING);
    expect(cmp.compare(astral, high)).to.be.below(0);
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [x, y] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
    x.putBytes(0, serialize(Types.STRING, astral));
    y.putBytes(0, serialize(Types.STRING, high));
    expect(cmp.forMemory(b).compare(x, 0, y, 0)).to.be.below(0);
    expect(cmp.forMemory(b).compare(y, 0, x, 0)).to.be.above(0);
    const kx = new Uint8Array(16);
    const ky = new Uint8Array(16);
    cmp.putNormalizedKey(astral, kx, 0);
    cmp.putNormalizedKey(high, ky, 0);
    expect(kx[0]! < ky[0]!).to.equal(true);
    b.memoryManager.releaseAll(owner);
  });

  it('sorting by the wasm comparator gives the order of Array.prototype.sort', () => {
    const b = budget({ network: '64kb', managed: '256kb', segmentSize: '16kb' });
    const owner = {};
    const [seg] = b.memoryManager.allocatePages(owner, 1) as [MemorySegment];
    const cmp = new TypeComparator(Types.STRING).forMemory(b);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 40 }), (words) => {
        const offsets: number[] = [];
        let at = 0;
        for (const w of words) {
          const bytes = serialize(Types.STRING, w);
          seg.putBytes(at, bytes);
          offsets.push(at);
          at += bytes.length;
        }
        const order = words.map((_, i) => i).sort((i, j) => cmp.compare(seg, offsets[i]!, seg, offsets[j]!));
        expect(order.map((i) => words[i])).to.deep.equal([...words].sort());
      }),
    );
    b.memoryManager.releaseAll(owner);
  });
});

describe('TypeComparator', () => {
  const Person = Types.OBJECT({ name: Types.STRING, city: Types.STRING, age: Types.INT, score: Types.DOUBLE });
  type Person = { name: string; city: string; age: number; score: number };
  const people = fc.record({
    name: fc.constantFrom('ann', 'bob', 'cy'),
    city: fc.constantFrom('Oslo', 'Lima'),
    age: fc.integer({ min: 0, max: 3 }),
    score: fc.constantFrom(1, -0, 0, Number.NaN, -1),
  });

  it('orders by several keys, ascending and descending, on values, normalized keys and bytes alike', () => {
    const keys = ['city', { field: 'age', order: 'desc' as const }, { field: 'score', order: 'desc' as const }, 'name'];
    const cmp = new TypeComparator(Person, keys, { normalizedKeyBytes: 24 });
    const reference = (a: Person, b: Person) => {
      const d = (x: number, y: number) => (Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : x < y ? -1 : x > y ? 1 : Object.is(x, -0) === Object.is(y, -0) ? 0 : Object.is(x, -0) ? -1 : 1);
      return (a.city < b.city ? -1 : a.city > b.city ? 1 : 0) || b.age - a.age || d(b.score, a.score) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    };
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [x, y] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
    const bound = cmp.forMemory(b);
    fc.assert(
      fc.property(people, people, (p, q) => {
        const expected = Math.sign(reference(p, q));
        expect(Math.sign(cmp.compare(p, q))).to.equal(expected);
        x.putBytes(0, serialize(Person, p));
        y.putBytes(0, serialize(Person, q));
        expect(Math.sign(bound.compare(x, 0, y, 0))).to.equal(expected);
        const kp = new Uint8Array(24);
        const kq = new Uint8Array(24);
        cmp.putNormalizedKey(p, kp, 0);
        cmp.putNormalizedKey(q, kq, 0);
        const byKey = Math.sign(kp.findIndex((v, i) => v !== kq[i]) < 0 ? 0 : kp[kp.findIndex((v, i) => v !== kq[i])]! - kq[kp.findIndex((v, i) => v !== kq[i])]!);
        if (byKey !== 0) expect(byKey).to.equal(expected);
      }),
    );
    b.memoryManager.releaseAll(owner);
  });

  it('a key whose normalized key cannot decide (a string) ends the normalized key: later keys do not outrank its tie-break', () => {
    const cmp = new TypeComparator(Types.TUPLE([Types.STRING, Types.INT]), [0, 1], { normalizedKeyBytes: 24 });
    expect(cmp.normalizedKeyLength).to.equal(16);
    const a = new Uint8Array(16);
    const b = new Uint8Array(16);
    cmp.putNormalizedKey(['', 0], a, 0);
    cmp.putNormalizedKey(['\u0000', -1], b, 0);
    expect([...a]).to.deep.equal([...b]); // equal prefixes: the full comparison decides
    expect(cmp.compare(['', 0], ['\u0000', -1])).to.be.below(0);
    const whole = new TypeComparator(Types.TUPLE([Types.STRING, Types.INT]));
    expect(whole.normalizedKeyLength).to.equal(16);
  });

  it('TypeInformation.createComparator builds the same comparator', () => {
    const cmp = Person.createComparator([{ field: 'age', order: 'desc' }]);
    expect(cmp).to.be.instanceOf(TypeComparator);
    expect(cmp.compare({ name: 'a', city: 'b', age: 1, score: 0 }, { name: 'a', city: 'b', age: 2, score: 0 })).to.be.above(0);
    expect(() => Types.LIST(Types.INT).createComparator()).to.throw(TypeInformationError, /cannot be a key/);
  });

  it('a normalized key of fixed-size keys that fits decides the order; one that is cut, or holds a string, does not', () => {
    const Pt = Types.TUPLE([Types.INT, Types.LONG]);
    expect(new TypeComparator(Pt).isNormalizedKeyPrefixOnly).to.equal(false);
    expect(new TypeComparator(Pt).normalizedKeyLength).to.equal(12);
    expect(new TypeComparator(Pt, undefined, { normalizedKeyBytes: 8 }).isNormalizedKeyPrefixOnly).to.equal(true);
    expect(new TypeComparator(Types.STRING).isNormalizedKeyPrefixOnly).to.equal(true);
  });

  it('refuses keys that do not exist or cannot be ordered, naming them', () => {
    expect(() => new TypeComparator(Person, ['town'])).to.throw(TypeInformationError, /key "town": OBJECT<.*> has no field "town"/);
    expect(() => new TypeComparator(Types.OBJECT({ tags: Types.LIST(Types.STRING) }), ['tags'])).to.throw(TypeInformationError, /key "tags": LIST<STRING> cannot be a key/);
    expect(() => new TypeComparator(Types.GENERIC)).to.throw(TypeInformationError, /GENERIC cannot be a key/);
    expect(() => new TypeComparator(Person, [{ field: 'age', order: 'up' as 'asc' }])).to.throw(TypeInformationError, /order must be 'asc' or 'desc', got "up"/);
    expect(() => new TypeComparator(Person, ['name.first'])).to.throw(TypeInformationError, /keys reach into OBJECT and TUPLE fields only/);
  });

  it('reaches nested fields by path and skips variable-length fields before them in wasm', () => {
    const Event = Types.OBJECT({
      note: Types.STRING,
      tags: Types.LIST(Types.STRING),
      meta: Types.MAP(Types.STRING, Types.BYTES),
      any: Types.GENERIC,
      where: Types.OBJECT({ label: Types.NULLABLE(Types.STRING), at: Types.TUPLE([Types.DOUBLE, Types.DOUBLE]) }),
    });
    const cmp = new TypeComparator(Event, ['where.at.1', { field: ['where', 'label'], order: 'desc' }]);
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [x, y] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
    const events = fc.record({
      note: fc.string(),
      tags: fc.array(fc.string(), { maxLength: 3 }),
      meta: fc.array(fc.tuple(fc.string(), fc.uint8Array({ maxLength: 5 })), { maxLength: 3 }).map((e) => new Map(e)),
      any: fc.jsonValue({ maxDepth: 2 }),
      where: fc.record({ label: fc.option(fc.constantFrom('a', 'b')), at: fc.tuple(fc.double(), fc.constantFrom(1, 2)) }),
    });
    fc.assert(
      fc.property(events, events, (p, q) => {
        x.putBytes(0, serialize(Event, p));
        y.putBytes(0, serialize(Event, q));
        expect(Math.sign(cmp.forMemory(b).compare(x, 0, y, 0))).to.equal(Math.sign(cmp.compare(p, q)));
      }),
    );
    b.memoryManager.releaseAll(owner);
  });
});

describe('Types.infer', () => {
  it('describes plain values', () => {
    const sample = { id: 1, name: 'a', ok: true, big: 1n, when: new Date(0), raw: new Uint8Array(1), xs: new Float32Array(2), tags: ['a'], pair: ['a', 1], m: new Map([['k', 1]]), nested: { z: 'q' } };
    expect(Types.infer(sample).toString()).to.equal(
      'OBJECT<{ id: DOUBLE, name: STRING, ok: BOOLEAN, big: BIGINT, when: INSTANT, raw: BYTES, xs: PRIMITIVE_ARRAY<Float32Array>, tags: LIST<STRING>, pair: TUPLE<[STRING, DOUBLE]>, m: MAP<STRING, DOUBLE>, nested: OBJECT<{ z: STRING }> }>',
    );
  });

  it('falls back to GENERIC where it cannot, and says where', () => {
    let heard: string[] = [];
    const type = Types.infer({ a: null, b: [], c: new (class Thing {})(), d: new Map() }, (paths) => (heard = paths));
    expect(type.toString()).to.equal('OBJECT<{ a: NULLABLE<GENERIC>, b: LIST<GENERIC>, c: GENERIC, d: MAP<GENERIC, GENERIC> }>');
    expect(heard).to.deep.equal(['a (null)', 'b[] (empty array)', 'c', 'd (empty Map)']);
  });

  it('without a listener, a fallback to GENERIC is warned about once per process', () => {
    const warned: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warned.push(message);
    try {
      Types.infer({ a: new (class Widget {})() });
      Types.infer({ b: null });
    } finally {
      console.warn = original;
    }
    // Once per process: no spec before this one lets a fallback go unheard.
    expect(warned).to.have.length(1);
    expect(warned[0]).to.match(/^weir: Types.infer \(at a\) has no TypeInformation and falls back to Types.GENERIC/);
  });

  it('an inferred type serializes its sample', () => {
    const sample = { word: 'x', n: 1.5, at: [1, 2] };
    const t = Types.infer(sample);
    expect(t.createSerializer().deserialize(new DataInputDeserializer(serialize(t, sample)))).to.deep.equal(sample);
  });
});

describe('type snapshots and schema evolution', () => {
  const V1 = Types.OBJECT({ id: Types.LONG, name: Types.STRING, level: Types.ENUM(['a', 'b']) });

  it('the same type is compatible as is', () => {
    expect(resolveSchemaCompatibility(V1, writeTypeSnapshot(V1)).kind).to.equal('COMPATIBLE_AS_IS');
  });

  it('an OBJECT with a field added and one removed is compatible after migration', () => {
    const V2 = Types.OBJECT({ id: Types.LONG, level: Types.ENUM(['c', 'a', 'b']), email: Types.NULLABLE(Types.STRING), visits: Types.INT });
    const c = resolveSchemaCompatibility(V2, writeTypeSnapshot(V1));
    expect(c.kind).to.equal('COMPATIBLE_AFTER_MIGRATION');
    const oldBytes = serialize(V1, { id: 7, name: 'ann', level: 'b' });
    const old = c.oldType.createSerializer().deserialize(new DataInputDeserializer(oldBytes));
    const migrated = c.migrate(old);
    expect(migrated).to.deep.equal({ id: 7, level: 'b', email: null, visits: 0 });
    expect(V2.createSerializer().deserialize(new DataInputDeserializer(serialize(V2, migrated)))).to.deep.equal(migrated);
  });

  it('a field whose type changed is incompatible, naming the field', () => {
    const V2 = Types.OBJECT({ id: Types.STRING, name: Types.STRING, level: Types.ENUM(['a', 'b']) });
    const c = resolveSchemaCompatibility(V2, writeTypeSnapshot(V1));
    expect(c.kind).to.equal('INCOMPATIBLE');
    expect((c as { reason: string }).reason).to.equal('field "id" changed from LONG to STRING');
    expect(() => c.migrate({})).to.throw(TypeInformationError, /field "id" changed from LONG to STRING/);
    const nested = Types.OBJECT({ id: Types.LONG, name: Types.STRING, level: Types.ENUM(['a']) });
    expect((resolveSchemaCompatibility(nested, writeTypeSnapshot(V1)) as { reason: string }).reason).to.equal('field "level": ENUM values "b" were removed');
  });

  it('a field made NULLABLE is compatible after migration', () => {
    const V2 = Types.OBJECT({ id: Types.NULLABLE(Types.LONG), name: Types.STRING, level: Types.ENUM(['a', 'b']) });
    expect(resolveSchemaCompatibility(V2, writeTypeSnapshot(V1)).kind).to.equal('COMPATIBLE_AFTER_MIGRATION');
  });

  it('refuses bytes that are not a snapshot', () => {
    expect(() => readTypeSnapshot(new Uint8Array([1, 2, 3, 4, 5, 6]))).to.throw(TypeInformationError, /not a weir type snapshot/);
    const snap = writeTypeSnapshot(V1);
    snap[4] = 99;
    expect(() => readTypeSnapshot(snap)).to.throw(TypeInformationError, /version 99 is not supported/);
    const bad = writeTypeSnapshot(V1).slice(0, 12);
    expect(() => readTypeSnapshot(bad)).to.throw(TypeInformationError, /corrupt type snapshot/);
  });
});

describe('key groups', () => {
  it('follow Flink: keyGroup = hash mod maxParallelism, operatorIndex = keyGroup × parallelism / maxParallelism', () => {
    expect(computeKeyGroupForKeyHash(-1, 128)).to.equal(4294967295 % 128);
    expect(computeOperatorIndexForKeyGroup(128, 3, 0)).to.equal(0);
    expect(computeOperatorIndexForKeyGroup(128, 3, 42)).to.equal(0);
    expect(computeOperatorIndexForKeyGroup(128, 3, 43)).to.equal(1);
    expect(computeOperatorIndexForKeyGroup(128, 3, 127)).to.equal(2);
    // The ranges of the instances cover every key group once, and agree with operatorIndex.
    for (const parallelism of [1, 2, 3, 7, 128]) {
      let next = 0;
      for (let i = 0; i < parallelism; i++) {
        const { start, end } = computeKeyGroupRangeForOperatorIndex(128, parallelism, i);
        expect(start).to.equal(next);
        for (let g = start; g <= end; g++) expect(computeOperatorIndexForKeyGroup(128, parallelism, g)).to.equal(i);
        next = end + 1;
      }
      expect(next).to.equal(128);
    }
  });

  it('spread keys evenly over the key groups', () => {
    const b = budget({ network: '64kb', managed: 0, segmentSize: '4kb' });
    for (const [type, key] of [
      [Types.STRING, (i: number) => `user-${i}`],
      [Types.LONG, (i: number) => 1000 + i],
      [Types.TUPLE([Types.STRING, Types.INT]), (i: number) => ['k', i]],
    ] as [TypeInformation<unknown>, (i: number) => unknown][]) {
      const hasher = new KeyHasher(type, b);
      const counts = new Array(128).fill(0);
      const n = 128 * 200;
      for (let i = 0; i < n; i++) counts[hasher.keyGroup(key(i), 128)]++;
      // Chi-square with 127 degrees of freedom: 99.9th percentile ≈ 181.
      const expected = n / 128;
      const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      expect(chi2, `${type.toString()}: chi-square ${chi2.toFixed(1)}`).to.be.below(181);
      expect(Math.min(...counts)).to.be.above(0);
    }
  });

  it('hash keys larger than the scratch area the same way as a plain MurmurHash3', () => {
    const b = budget({ network: '64kb', managed: 0, segmentSize: '4kb' });
    const hasher = new KeyHasher(Types.BYTES, b, 42);
    const big = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
    const small = big.subarray(0, 1000);
    // The reference: MurmurHash3 x86_32 written here in plain JS over the same serialized bytes.
    const murmur = (bytes: Uint8Array, seed: number) => {
      let h = seed >>> 0;
      const mul = (a: number, c: number) => Math.imul(a, c) >>> 0;
      const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
      const full = bytes.length & ~3;
      for (let i = 0; i < full; i += 4) {
        let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
        k = mul(rotl(mul(k, 0xcc9e2d51), 15), 0x1b873593);
        h = (mul(rotl(h ^ k, 13), 5) + 0xe6546b64) >>> 0;
      }
      let k = 0;
      const rem = bytes.length & 3;
      if (rem === 3) k ^= bytes[full + 2]! << 16;
      if (rem >= 2) k ^= bytes[full + 1]! << 8;
      if (rem >= 1) {
        k ^= bytes[full]!;
        h = (h ^ mul(rotl(mul(k, 0xcc9e2d51), 15), 0x1b873593)) >>> 0;
      }
      h = (h ^ bytes.length) >>> 0;
      h = mul(h ^ (h >>> 16), 0x85ebca6b);
      h = mul(h ^ (h >>> 13), 0xc2b2ae35);
      return (h ^ (h >>> 16)) | 0;
    };
    expect(hasher.hash(small)).to.equal(murmur(serialize(Types.BYTES, small), 42));
    expect(hasher.hash(big)).to.equal(murmur(serialize(Types.BYTES, big), 42));
  });

  it('refuses parallelism outside Flink’s bounds', () => {
    expect(() => computeOperatorIndexForKeyGroup(0, 1, 0)).to.throw(ConfigurationError, /maxParallelism must be an integer from 1 to 32768, got 0/);
    expect(() => computeOperatorIndexForKeyGroup(128, 129, 0)).to.throw(ConfigurationError, /parallelism must be an integer from 1 to maxParallelism \(128\), got 129/);
    expect(() => computeOperatorIndexForKeyGroup(128, 2, 128)).to.throw(ConfigurationError, /key group must be an integer from 0 to 127, got 128/);
  });
});

describe('Types constructors refuse bad arguments', () => {
  it('names what is wrong', () => {
    expect(() => Types.OBJECT({ a: 'LONG' as never })).to.throw(TypeInformationError, /field "a" must be a TypeInformation/);
    expect(() => Types.LIST(undefined as never)).to.throw(TypeInformationError, /Types.LIST takes a TypeInformation/);
    expect(() => Types.ENUM([])).to.throw(TypeInformationError, /non-empty array/);
    expect(() => Types.ENUM(['a', 'a'])).to.throw(TypeInformationError, /duplicate values/);
    expect(() => Types.PRIMITIVE_ARRAY('Int33Array' as never)).to.throw(TypeInformationError, /Types.PRIMITIVE_ARRAY takes a typed-array class or name/);
    expect(() => Types.NULLABLE(Types.NULLABLE(Types.INT))).to.throw(TypeInformationError, /one NULLABLE is enough/);
  });
});

describe('edge cases found in review', () => {
  const roundTrip = <T>(type: TypeInformation<T>, v: T): T => type.createSerializer().deserialize(new DataInputDeserializer(serialize(type, v)));

  it('a string that starts with U+FEFF keeps it (TextDecoder would strip it as a BOM)', () => {
    for (const s of ['\uFEFF', '\uFEFFabc', '\uFEFF'.repeat(30) + 'é']) expect(roundTrip(Types.STRING, s)).to.equal(s);
    expect(roundTrip(Types.GENERIC, { '\uFEFFk': '\uFEFFv' })).to.deep.equal({ '\uFEFFk': '\uFEFFv' });
  });

  it('FLOAT keys order as the float32 they are stored as: value, byte and hash order agree', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [x, y] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
    const cmp = new TypeComparator(Types.FLOAT);
    const bound = cmp.forMemory(b);
    const hasher = new KeyHasher(Types.FLOAT, b);
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(0.1, 16777217, 1e39)), fc.oneof(fc.double(), fc.constantFrom(0.1000000001, 16777216, Infinity)), (p, q) => {
        x.putBytes(0, serialize(Types.FLOAT, p));
        y.putBytes(0, serialize(Types.FLOAT, q));
        const byValue = Math.sign(cmp.compare(p, q));
        expect(Math.sign(bound.compare(x, 0, y, 0))).to.equal(byValue);
        if (byValue === 0) expect(hasher.hash(p)).to.equal(hasher.hash(q));
      }),
    );
    b.memoryManager.releaseAll(owner);
  });

  it('fields named __proto__, constructor or toString are fields like any other', () => {
    const T = Types.OBJECT(Object.fromEntries([['__proto__', Types.INT], ['constructor', Types.NULLABLE(Types.STRING)], ['toString', Types.GENERIC], ['x', Types.INT]]));
    const v = JSON.parse('{"__proto__": 7, "constructor": "c", "toString": [1], "x": 1}');
    const back = roundTrip(T, v) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyNames(back)).to.deep.equal(['__proto__', 'constructor', 'toString', 'x']);
    expect(back['__proto__']).to.equal(7);
    const copy = T.createSerializer().copy(v) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(copy)).to.deep.equal(['__proto__', 'constructor', 'toString', 'x']);
    const absent = JSON.parse('{"__proto__": 1, "toString": null, "x": 2}');
    expect((roundTrip(T, absent) as Record<string, unknown>).constructor, 'absent: not the inherited Object').to.equal(undefined);
    expect(Types.infer(JSON.parse('{"__proto__": 1, "y": 2}')).toString()).to.equal('OBJECT<{ __proto__: DOUBLE, y: DOUBLE }>');
  });

  it('copies of a Uint8Array subclass whose slice shares memory (like a Node Buffer) are deep', () => {
    class SharedSlice extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        return this.subarray(start, end) as Uint8Array<ArrayBuffer>;
      }
    }
    const bytes = new SharedSlice([1, 2, 3]);
    const copy = Types.BYTES.createSerializer().copy(bytes);
    copy[0] = 99;
    expect(bytes[0]).to.equal(1);
    const inferred = Types.infer({ d: bytes });
    expect(inferred.toString()).to.equal('OBJECT<{ d: BYTES }>');
    expect([...(roundTrip(inferred, { d: bytes }) as { d: Uint8Array }).d]).to.deep.equal([1, 2, 3]);
  });

  it('a RecordDeserializer refuses a new buffer while a record of the last one is unread', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    const owner = {};
    const [seg, seg2] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
    const writer = new RecordSerializer(Types.INT.createSerializer());
    writer.serializeRecord(5);
    const used = writer.copyTo(seg, 0);
    expect(writer.pendingBytes).to.equal(0);
    const reader = new RecordDeserializer(Types.INT.createSerializer());
    reader.setNextBuffer(seg, 0, used);
    expect(reader.hasNext()).to.equal(true);
    expect(() => reader.setNextBuffer(seg2, 0, 0)).to.throw(SerializationError, /a record of the previous buffer was not read/);
    expect(reader.next()).to.equal(5);
    b.memoryManager.releaseAll(owner);
  });

  it('key paths reach fields named "0" and, as arrays, fields with dots in their names', () => {
    const T = Types.OBJECT({ '0': Types.INT, 'a.b': Types.STRING });
    expect(new TypeComparator(T, ['0']).compare({ '0': 1, 'a.b': 'z' }, { '0': 2, 'a.b': 'a' })).to.be.below(0);
    expect(new TypeComparator(T, [['a.b']]).compare({ '0': 1, 'a.b': 'z' }, { '0': 2, 'a.b': 'a' })).to.be.above(0);
  });

  it('ENUM refuses values a snapshot could not restore', () => {
    expect(() => Types.ENUM([1, Number.NaN])).to.throw(TypeInformationError, /strings or finite numbers/);
    expect(() => Types.ENUM([Infinity])).to.throw(TypeInformationError);
  });

  it('comparators and key hashers still work when serialization buffers have used the scratch area', () => {
    const b = budget({ network: '64kb', managed: '64kb', segmentSize: '4kb' });
    for (let i = 0; i < 40; i++) new RecordSerializer(Types.STRING.createSerializer(), b);
    const hasher = new KeyHasher(Types.STRING, b);
    expect(hasher.hash('a')).to.equal(new KeyHasher(Types.STRING, budget({ network: '64kb', managed: 0, segmentSize: '4kb' })).hash('a'));
    expect(hasher.hash('x'.repeat(10_000))).to.be.a('number');
    expect(new TypeComparator(Types.INT).forMemory(b).program).to.be.above(0);
  });
});
