// The contract every TypeInformation runs through (after Flink's
// SerializerTestBase and ComparatorTestBase): serializer round trips, copies,
// lengths, records spanning segments, snapshots; for key types the order on
// values against a plain-JS reference, the byte comparator in wasm, the
// normalized keys and the key hash.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  DataInputDeserializer,
  DataOutputSerializer,
  KeyHasher,
  RecordDeserializer,
  RecordSerializer,
  readTypeSnapshot,
  TypeComparator,
  writeTypeSnapshot,
  type MemorySegment,
  type TypeInformation,
} from 'weir';
import { withBudget } from '../support/leaks.js';

export interface TypeCase<T> {
  name: string;
  type: TypeInformation<T>;
  values: fc.Arbitrary<T>;
  /** For key types: the reference order, written independently of weir. */
  order?: (a: T, b: T) => number;
  runs?: number;
}

function roundTrip<T>(type: TypeInformation<T>, value: T): { back: T; written: number; read: number } {
  const s = type.createSerializer();
  const out = new DataOutputSerializer(8);
  s.serialize(value, out);
  const input = new DataInputDeserializer(out.toUint8Array());
  const back = s.deserialize(input);
  return { back, written: out.position, read: input.position };
}

export function typeContract<T>(c: TypeCase<T>): void {
  const runs = c.runs ?? 100;
  describe(`type contract: ${c.name}`, () => {
    it('deserialize(serialize(v)) equals v, reading exactly the bytes written', () => {
      fc.assert(
        fc.property(c.values, (v) => {
          const { back, written, read } = roundTrip(c.type, v);
          expect(back).to.deep.equal(v);
          expect(read).to.equal(written);
        }),
        { numRuns: runs },
      );
    });

    it('getLength() is the written size for fixed-size types, -1 otherwise', () => {
      const length = c.type.createSerializer().getLength();
      fc.assert(
        fc.property(c.values, (v) => {
          const { written } = roundTrip(c.type, v);
          if (length >= 0) expect(written).to.equal(length);
        }),
        { numRuns: 20 },
      );
      expect(length === -1 || length > 0).to.equal(true);
    });

    it('copy(v) is equal and deep', () => {
      fc.assert(
        fc.property(c.values, (v) => {
          const copy = c.type.createSerializer().copy(v);
          expect(copy).to.deep.equal(v);
          if (v !== null && typeof v === 'object') expect(copy).to.not.equal(v);
        }),
        { numRuns: runs },
      );
    });

    it('records span 1, 2 and many segments and read back in order', () => {
      let mostPieces = 0;
      fc.assert(
        fc.property(fc.array(c.values, { maxLength: 30 }), fc.constantFrom(256, 512, 4096), fc.nat(63), (values, segmentSize, fromEnd) => {
          const startAt = segmentSize - 1 - fromEnd; // near the end of the first segment: small records cross its boundary too
          withBudget({ network: segmentSize, managed: 64 * segmentSize, segmentSize }, (b) => {
            const owner = {};
            const writer = new RecordSerializer(c.type.createSerializer(), b);
            const segments: MemorySegment[] = [];
            const used: number[] = [];
            for (const v of values) {
              writer.serializeRecord(v);
              let pieces = 0;
              while (writer.hasPendingBytes) {
                if (segments.length === 0 || used[used.length - 1] === segmentSize) {
                  segments.push(...b.memoryManager.allocatePages(owner, 1));
                  used.push(segments.length === 1 ? startAt : 0);
                }
                used[used.length - 1]! += writer.copyTo(segments[segments.length - 1]!, used[used.length - 1]!);
                pieces++;
              }
              mostPieces = Math.max(mostPieces, pieces);
            }
            const reader = new RecordDeserializer(c.type.createSerializer());
            const back: T[] = [];
            segments.forEach((seg, i) => {
              const from = i === 0 ? startAt : 0;
              reader.setNextBuffer(seg, from, used[i]! - from);
              while (reader.hasNext()) back.push(reader.next());
            });
            expect(reader.hasPartialRecord).to.equal(false);
            expect(back).to.deep.equal(values);
            b.memoryManager.releaseAll(owner);
          });
        }),
        { numRuns: Math.max(10, runs / 5) },
      );
      expect(mostPieces, 'some record crossed a segment boundary').to.be.at.least(2);
    });

    it('snapshot → restore gives the same type, whose serializer reads the bytes', () => {
      const restored = readTypeSnapshot(writeTypeSnapshot(c.type));
      expect(restored.equals(c.type)).to.equal(true);
      expect(restored.toString()).to.equal(c.type.toString());
      fc.assert(
        fc.property(c.values, (v) => {
          const out = new DataOutputSerializer();
          c.type.createSerializer().serialize(v, out);
          expect(restored.createSerializer().deserialize(new DataInputDeserializer(out.toUint8Array()))).to.deep.equal(v);
        }),
        { numRuns: 20 },
      );
    });

    if (c.order === undefined) {
      it('is not a key type: a comparator is refused', () => {
        expect(c.type.isKeyType).to.equal(false);
        expect(() => new TypeComparator(c.type)).to.throw(/cannot be a key: it has no order/);
      });
      return;
    }
    const order = c.order;
    const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);

    it('orders values as the plain-JS reference does', () => {
      const cmp = new TypeComparator(c.type);
      fc.assert(
        fc.property(c.values, c.values, (a, b) => {
          expect(sign(cmp.compare(a, b))).to.equal(sign(order(a, b)));
        }),
        { numRuns: runs * 2 },
      );
    });

    it('the wasm comparator orders serialized records as the reference does', () => {
      withBudget({ network: 16384, managed: 4 * 16384, segmentSize: 16384 }, (b) => {
        const owner = {};
        const [sa, sb] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
        const serializer = c.type.createSerializer();
        const cmp = new TypeComparator(c.type).forMemory(b);
        const put = (seg: MemorySegment, v: T) => {
          const out = new DataOutputSerializer();
          serializer.serialize(v, out);
          if (out.position > seg.size - 8) return false;
          seg.putBytes(3, out.view()); // unaligned on purpose
          return true;
        };
        fc.assert(
          fc.property(c.values, c.values, (x, y) => {
            if (!put(sa, x) || !put(sb, y)) return;
            expect(sign(cmp.compare(sa, 3, sb, 3)), `compare(${fc.stringify(x)}, ${fc.stringify(y)})`).to.equal(sign(order(x, y)));
            expect(cmp.compare(sa, 3, sa, 3)).to.equal(0);
          }),
          { numRuns: runs * 2 },
        );
        b.memoryManager.releaseAll(owner);
      });
    });

    it('normalized keys order as the reference whenever they differ, and decide it when not prefix-only', () => {
      for (const bytes of [undefined, 1, 3, 8, 24]) {
        const cmp = new TypeComparator(c.type, undefined, bytes === undefined ? {} : { normalizedKeyBytes: bytes });
        const n = cmp.normalizedKeyLength;
        fc.assert(
          fc.property(c.values, c.values, (a, b) => {
            const ka = new Uint8Array(n + 2).fill(0xee);
            const kb = new Uint8Array(n + 2).fill(0xee);
            cmp.putNormalizedKey(a, ka, 1);
            cmp.putNormalizedKey(b, kb, 1);
            expect(ka[0]).to.equal(0xee);
            expect(ka[n + 1], 'the key stays within its length').to.equal(0xee);
            let byKey = 0;
            for (let i = 1; i <= n && byKey === 0; i++) byKey = sign(ka[i]! - kb[i]!);
            const expected = sign(order(a, b));
            if (byKey !== 0) expect(byKey).to.equal(expected);
            else if (!cmp.isNormalizedKeyPrefixOnly) expect(expected).to.equal(0);
          }),
          { numRuns: runs },
        );
      }
    });

    it('equal keys hash equally, in wasm over their bytes', () => {
      withBudget({ network: 4096, managed: 0, segmentSize: 4096 }, (b) => {
        const hasher = new KeyHasher(c.type, b);
        const serializer = c.type.createSerializer();
        fc.assert(
          fc.property(c.values, c.values, (x, y) => {
            expect(hasher.hash(x)).to.equal(hasher.hash(serializer.copy(x)));
            if (order(x, y) === 0) expect(hasher.hash(x), 'equal keys, different hashes').to.equal(hasher.hash(y));
          }),
          { numRuns: runs },
        );
      });
    });
  });
}
