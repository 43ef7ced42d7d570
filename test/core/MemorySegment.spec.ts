// MemorySegment: typed get/put for every type and byte order at every offset
// class, bounds and use-after-release errors, and the wasm bulk operations
// against plain-JS references.
import { expect } from 'chai';
import fc from 'fast-check';
import { MemorySegment, MemorySegmentError } from 'weir';
import { budget } from '../support/leaks.js';

type Accessor<T> = {
  name: string;
  width: number;
  arb: fc.Arbitrary<T>;
  get(s: MemorySegment, o: number): T;
  put(s: MemorySegment, o: number, v: T): void;
  /** The same write through a DataView over a plain ArrayBuffer: the reference bytes. */
  ref(dv: DataView, o: number, v: T): void;
};

const f32 = fc.float({ noNaN: true }).map(Math.fround);
const f64 = fc.double({ noNaN: true });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const safe = fc.maxSafeInteger();

function accessors(): Accessor<any>[] {
  const list: Accessor<any>[] = [];
  const add = <T>(name: string, width: number, arb: fc.Arbitrary<T>, get: Accessor<T>['get'], put: Accessor<T>['put'], ref: Accessor<T>['ref']) =>
    list.push({ name, width, arb, get, put, ref });
  add('Int8', 1, fc.integer({ min: -128, max: 127 }), (s, o) => s.getInt8(o), (s, o, v) => s.putInt8(o, v), (d, o, v) => d.setInt8(o, v));
  add('Uint8', 1, fc.integer({ min: 0, max: 255 }), (s, o) => s.getUint8(o), (s, o, v) => s.putUint8(o, v), (d, o, v) => d.setUint8(o, v));
  for (const be of [false, true]) {
    const sfx = be ? 'BE' : '';
    const le = !be;
    const m = (base: string) => `${base}${sfx}`;
    const call = (s: any, name: string, ...args: unknown[]) => s[name](...args);
    add(m('Int16'), 2, fc.integer({ min: -32768, max: 32767 }), (s, o) => call(s, m('getInt16'), o), (s, o, v) => call(s, m('putInt16'), o, v), (d, o, v) => d.setInt16(o, v, le));
    add(m('Uint16'), 2, fc.integer({ min: 0, max: 65535 }), (s, o) => call(s, m('getUint16'), o), (s, o, v) => call(s, m('putUint16'), o, v), (d, o, v) => d.setUint16(o, v, le));
    add(m('Int32'), 4, fc.integer(), (s, o) => call(s, m('getInt32'), o), (s, o, v) => call(s, m('putInt32'), o, v), (d, o, v) => d.setInt32(o, v, le));
    add(m('Uint32'), 4, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (s, o) => call(s, m('getUint32'), o), (s, o, v) => call(s, m('putUint32'), o, v), (d, o, v) => d.setUint32(o, v, le));
    add(m('Int64'), 8, safe, (s, o) => call(s, m('getInt64'), o), (s, o, v) => call(s, m('putInt64'), o, v), (d, o, v) => d.setBigInt64(o, BigInt(v), le));
    add(m('BigInt64'), 8, i64, (s, o) => call(s, m('getBigInt64'), o), (s, o, v) => call(s, m('putBigInt64'), o, v), (d, o, v) => d.setBigInt64(o, v, le));
    add(m('BigUint64'), 8, u64, (s, o) => call(s, m('getBigUint64'), o), (s, o, v) => call(s, m('putBigUint64'), o, v), (d, o, v) => d.setBigUint64(o, v, le));
    add(m('Float32'), 4, f32, (s, o) => call(s, m('getFloat32'), o), (s, o, v) => call(s, m('putFloat32'), o, v), (d, o, v) => d.setFloat32(o, v, le));
    add(m('Float64'), 8, f64, (s, o) => call(s, m('getFloat64'), o), (s, o, v) => call(s, m('putFloat64'), o, v), (d, o, v) => d.setFloat64(o, v, le));
  }
  return list;
}

describe('MemorySegment', () => {
  const SIZE = 1024;
  let owner: object;
  let seg: MemorySegment;
  let other: MemorySegment;
  let b: ReturnType<typeof budget>;

  beforeEach(() => {
    b = budget({ network: 4 * SIZE, managed: 8 * SIZE, segmentSize: SIZE });
    owner = { name: 'spec' };
    [seg, other] = b.memoryManager.allocatePages(owner, 2) as [MemorySegment, MemorySegment];
  });
  afterEach(() => b.memoryManager.releaseAll(owner));

  describe('typed get/put', () => {
    for (const acc of accessors()) {
      const offsets = (w: number) => [0, 1, 3, 7, SIZE / 2 + 5, SIZE - w - 1, SIZE - w];
      it(`${acc.name}: round-trips and writes the same bytes as a DataView, at start, end and unaligned offsets`, () => {
        fc.assert(
          fc.property(acc.arb, fc.constantFrom(...offsets(acc.width)), (value, offset) => {
            seg.fill(0, SIZE, 0xa5);
            acc.put(seg, offset, value);
            expect(acc.get(seg, offset)).to.deep.equal(Object.is(value, -0) ? -0 : value);
            const ref = new DataView(new ArrayBuffer(acc.width));
            acc.ref(ref, 0, value);
            expect([...seg.view(offset, acc.width)]).to.deep.equal([...new Uint8Array(ref.buffer)]);
            // Bytes around the value are untouched.
            if (offset > 0) expect(seg.getUint8(offset - 1)).to.equal(0xa5);
            if (offset + acc.width < SIZE) expect(seg.getUint8(offset + acc.width)).to.equal(0xa5);
          }),
          { numRuns: 60 },
        );
      });

      it(`${acc.name}: refuses out-of-bounds and non-integer offsets with a RangeError naming segment, offset and length`, () => {
        for (const bad of [-1, SIZE - acc.width + 1, SIZE, 2 ** 31, 1.5, Number.NaN]) {
          expect(() => acc.get(seg, bad), `get at ${bad}`).to.throw(RangeError, new RegExp(`MemorySegment #${seg.id}: access of ${acc.width} bytes at offset ${bad}`));
          expect(() => acc.put(seg, bad, fc.sample(acc.arb, 1)[0]), `put at ${bad}`).to.throw(RangeError, /out of bounds \(segment size 1024\)/);
        }
      });
    }

    it('NaN payloads of float64 survive a round trip as NaN', () => {
      seg.putFloat64(0, Number.NaN);
      seg.putFloat64BE(8, Number.NaN);
      expect(seg.getFloat64(0)).to.be.NaN;
      expect(seg.getFloat64BE(8)).to.be.NaN;
    });

    it('putInt64 refuses numbers that are not safe integers; getInt64 refuses stored values beyond them', () => {
      for (const bad of [2 ** 53, -(2 ** 53), 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => seg.putInt64(0, bad)).to.throw(RangeError, /not a safe integer/);
        expect(() => seg.putInt64BE(0, bad)).to.throw(RangeError, /not a safe integer/);
      }
      seg.putBigInt64(0, 2n ** 60n);
      expect(() => seg.getInt64(0)).to.throw(RangeError, /outside the safe-integer range; read it with getBigInt64/);
      seg.putBigInt64BE(8, -(2n ** 60n));
      expect(() => seg.getInt64BE(8)).to.throw(RangeError, /outside the safe-integer range/);
      seg.putInt64(16, Number.MIN_SAFE_INTEGER);
      expect(seg.getBigInt64(16)).to.equal(BigInt(Number.MIN_SAFE_INTEGER));
    });

    it('big-endian unsigned values compare byte-wise in numeric order (what normalized keys rely on)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (x, y) => {
          seg.putUint32BE(0, x);
          other.putUint32BE(0, y);
          expect(Math.sign(seg.compare(other, 0, 0, 4))).to.equal(Math.sign(x - y));
        }),
      );
    });

    it('getBytes/putBytes copy between the segment and Uint8Arrays, with bounds on both sides', () => {
      const src = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
      seg.putBytes(SIZE - 30, src, 10);
      const dst = new Uint8Array(35);
      seg.getBytes(SIZE - 30, dst, 5, 30);
      expect([...dst.subarray(5)]).to.deep.equal([...src.subarray(10)]);
      expect(() => seg.putBytes(SIZE - 29, src, 10)).to.throw(RangeError, /access of 30 bytes at offset 995/);
      expect(() => seg.putBytes(0, src, 30, 20)).to.throw(RangeError, /putBytes source of 40 bytes has no 20 bytes at 30/);
      expect(() => seg.getBytes(0, dst, 30, 10)).to.throw(RangeError, /getBytes target of 35 bytes/);
      expect(() => seg.getBytes(0, dst, 0, -1)).to.throw(RangeError, /getBytes length must be a non-negative integer/);
      for (const bad of [Number.NaN, 2.7, -1]) {
        expect(() => seg.getBytes(0, dst, bad, 4), `targetOffset ${bad}`).to.throw(RangeError, /getBytes target of 35 bytes cannot take 4 bytes/);
        expect(() => seg.putBytes(0, src, bad, 4), `sourceOffset ${bad}`).to.throw(RangeError, /putBytes source of 40 bytes has no 4 bytes/);
      }
    });
  });

  describe('bulk operations in wasm', () => {
    const region = fc
      .record({ len: fc.integer({ min: 0, max: 200 }), a: fc.nat(SIZE), b: fc.nat(SIZE) })
      .filter(({ len, a, b }) => a + len <= SIZE && b + len <= SIZE);

    function randomize(s: MemorySegment, seed: number) {
      const v = s.view(0, SIZE);
      let x = seed | 1;
      for (let i = 0; i < SIZE; i++) {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        v[i] = x & 0xff;
      }
    }

    const refCompare = (x: Uint8Array, y: Uint8Array) => {
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return 0;
    };

    it('copyTo between segments equals Uint8Array.set, for any offsets and lengths', () => {
      fc.assert(
        fc.property(region, fc.integer(), ({ len, a, b: o }, seed) => {
          randomize(seg, seed);
          randomize(other, seed + 1);
          const expected = other.view(0, SIZE).slice();
          expected.set(seg.view(a, len), o);
          seg.copyTo(a, other, o, len);
          expect(other.view(0, SIZE)).to.deep.equal(expected);
        }),
      );
    });

    it('copyTo within one segment handles overlap as copyWithin does', () => {
      fc.assert(
        fc.property(region, fc.integer(), ({ len, a, b: o }, seed) => {
          randomize(seg, seed);
          const expected = seg.view(0, SIZE).slice();
          expected.copyWithin(o, a, a + len);
          seg.copyTo(a, seg, o, len);
          expect(seg.view(0, SIZE)).to.deep.equal(expected);
        }),
      );
    });

    it('compare and equalTo agree with a byte-wise reference, wherever the first difference falls', () => {
      fc.assert(
        fc.property(region, fc.integer(), fc.nat(), fc.integer({ min: 1, max: 255 }), ({ len, a, b: o }, seed, at, delta) => {
          randomize(seg, seed);
          // Make the two ranges equal, then maybe differ at one position.
          seg.copyTo(a, other, o, len);
          if (len > 0 && at % 3 !== 0) {
            const i = at % len;
            other.putUint8(o + i, (other.getUint8(o + i) + delta) & 0xff);
          }
          const x = seg.view(a, len).slice();
          const y = other.view(o, len).slice();
          expect(Math.sign(seg.compare(other, a, o, len))).to.equal(Math.sign(refCompare(x, y)));
          expect(Math.sign(other.compare(seg, o, a, len))).to.equal(-Math.sign(refCompare(x, y)));
          expect(seg.equalTo(other, a, o, len)).to.equal(refCompare(x, y) === 0);
        }),
      );
    });

    it('swapBytes exchanges the two ranges and refuses overlapping ones', () => {
      fc.assert(
        fc.property(region, fc.integer(), ({ len, a, b: o }, seed) => {
          randomize(seg, seed);
          randomize(other, seed ^ 0x5555);
          const x = seg.view(a, len).slice();
          const y = other.view(o, len).slice();
          seg.swapBytes(other, a, o, len);
          expect(seg.view(a, len)).to.deep.equal(y);
          expect(other.view(o, len)).to.deep.equal(x);
        }),
      );
      expect(() => seg.swapBytes(seg, 0, 8, 16)).to.throw(RangeError, /overlapping ranges/);
      seg.swapBytes(seg, 0, 16, 16); // adjacent ranges are fine
    });

    it('fill sets exactly the given range', () => {
      seg.fill(0, SIZE, 1);
      seg.fill(17, 100, 0x1ff);
      const v = seg.view(0, SIZE);
      expect(v[16]).to.equal(1);
      expect([...v.subarray(17, 117)].every((x) => x === 0xff)).to.equal(true);
      expect(v[117]).to.equal(1);
    });

    it('bulk operations check bounds on both segments', () => {
      expect(() => seg.copyTo(SIZE - 4, other, 0, 8)).to.throw(RangeError, new RegExp(`#${seg.id}: access of 8 bytes at offset ${SIZE - 4}`));
      expect(() => seg.copyTo(0, other, SIZE - 4, 8)).to.throw(RangeError, new RegExp(`#${other.id}: access of 8 bytes at offset ${SIZE - 4}`));
      expect(() => seg.compare(other, 0, 0, SIZE + 1)).to.throw(RangeError);
      expect(() => seg.fill(0, -1)).to.throw(RangeError, /fill length must be a non-negative integer, got -1/);
    });

    it('refuses to mix segments of two budgets', () => {
      const b2 = budget({ network: 4 * SIZE, managed: 4 * SIZE, segmentSize: SIZE });
      const o2 = {};
      const [foreign] = b2.memoryManager.allocatePages(o2, 1);
      expect(() => seg.copyTo(0, foreign!, 0, 8)).to.throw(MemorySegmentError, /another memory budget/);
      b2.memoryManager.releaseAll(o2);
    });
  });

  describe('release', () => {
    it('a released handle refuses every access, even after the segment is handed out again', () => {
      const id = seg.id;
      b.memoryManager.release(owner, seg);
      expect(seg.isReleased).to.equal(true);
      expect(() => seg.getInt32(0)).to.throw(MemorySegmentError, new RegExp(`MemorySegment #${id} was released by MemoryManager owner "spec": access of 4 bytes at offset 0 after release`));
      expect(() => seg.view(0, 1)).to.throw(MemorySegmentError);
      expect(() => seg.copyTo(0, other, 0, 1)).to.throw(MemorySegmentError);
      expect(() => other.copyTo(0, seg, 0, 1)).to.throw(MemorySegmentError);
      const [again] = b.memoryManager.allocatePages(owner, 1);
      expect(again!.id).to.equal(id);
      again!.putInt32(0, 7);
      expect(() => seg.putInt32(0, 8)).to.throw(MemorySegmentError);
      expect(again!.getInt32(0)).to.equal(7);
    });
  });
});
