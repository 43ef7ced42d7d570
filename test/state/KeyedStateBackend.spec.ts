// The keyed state backend: each state kind against a plain JS Map reference
// under random operations over keys of several types and namespaces; merging
// namespaces; descriptors by name; errors (no key, bad values, an exhausted
// budget) that name the state and leave it usable; key groups as keyBy
// routes them; growth over many pages; every page returned on dispose.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  AggregatingStateDescriptor,
  ConfigurationError,
  KeyedStateBackend,
  KeyHasher,
  ListStateDescriptor,
  MapStateDescriptor,
  MemoryBudgetError,
  ReducingStateDescriptor,
  SerializationError,
  TimeWindow,
  TimeWindowNamespaceType,
  Types,
  ValueStateDescriptor,
  WeirError,
  type MemoryBudget,
  type TypeInformation,
} from 'weir';
import { budget, withBudget } from '../support/leaks.js';

const small = { network: '64kb', managed: '2mb', segmentSize: '4kb' } as const;

function backendOf<K>(b: MemoryBudget, keyType: TypeInformation<K>, operatorName = 'test-op', clock?: () => number) {
  return new KeyedStateBackend<K>({ keyType, budget: b, operatorName, maxParallelism: 128, ...(clock ? { clock } : {}) });
}

interface KeyCase<K> {
  name: string;
  type: TypeInformation<K>;
  arb: fc.Arbitrary<K>;
  id: (k: K) => unknown;
}
const Point = Types.OBJECT<{ x: number; tag: string }>({ x: Types.INT, tag: Types.STRING });
const keyCases: KeyCase<any>[] = [
  { name: 'STRING', type: Types.STRING, arb: fc.oneof(fc.constantFrom('', 'a', 'b', 'ab', '\u{1F600}'), fc.string({ maxLength: 6 })), id: (k) => k },
  { name: 'DOUBLE', type: Types.DOUBLE, arb: fc.oneof(fc.constantFrom(0, -0, 1, -1, 0.5, Number.NaN, 1e300), fc.integer({ min: -20, max: 20 })), id: (k: number) => (k === 0 ? 0 : k) },
  { name: 'GENERIC objects', type: Types.GENERIC, arb: fc.record({ a: fc.integer({ min: 0, max: 4 }), b: fc.constantFrom('x', 'y', [1, 2]) }), id: (k) => JSON.stringify(k) },
  { name: 'OBJECT', type: Point, arb: fc.record({ x: fc.integer({ min: -3, max: 3 }), tag: fc.constantFrom('p', 'q', '') }), id: (k) => JSON.stringify(k) },
];

describe('KeyedStateBackend', () => {
  describe('ValueState against a Map', () => {
    for (const kc of keyCases) {
      it(`follows a Map for ${kc.name} keys`, () => {
        const op = fc.oneof(
          fc.record({ t: fc.constant('update' as const), k: kc.arb, v: fc.record({ n: fc.integer(), s: fc.string({ maxLength: 30 }) }) }),
          fc.record({ t: fc.constant('read' as const), k: kc.arb }),
          fc.record({ t: fc.constant('clear' as const), k: kc.arb }),
        );
        fc.assert(
          fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
            withBudget(small, (b) => {
              const backend = backendOf(b, kc.type);
              const state = backend.getState(new ValueStateDescriptor('v', Types.OBJECT({ n: Types.INT, s: Types.STRING })));
              const ref = new Map<unknown, unknown>();
              for (const o of ops) {
                backend.setCurrentKey(o.k);
                const id = kc.id(o.k);
                if (o.t === 'update') {
                  state.update(o.v);
                  ref.set(id, o.v);
                } else if (o.t === 'clear') {
                  state.clear();
                  ref.delete(id);
                } else expect(state.value()).to.deep.equal(ref.get(id) ?? null);
              }
              for (const o of ops) {
                backend.setCurrentKey(o.k);
                expect(state.value()).to.deep.equal(ref.get(kc.id(o.k)) ?? null);
              }
              expect(backend.numEntries).to.equal(ref.size);
              backend.dispose();
            });
          }),
          { numRuns: 40 },
        );
      });
    }

    it('follows a Map through 60k random updates, reads and clears while its index grows (1 KiB segments)', () => {
      const backend = backendOf(budget({ network: '64kb', managed: '8mb', segmentSize: '1kb' }), Types.INT);
      const s = backend.getState(new ValueStateDescriptor('v', Types.STRING));
      const m = backend.getMapState(new MapStateDescriptor('m', Types.INT, Types.INT));
      const ref = new Map<number, string>();
      const mref = new Map<number, Map<number, number>>();
      let x = 12345;
      const next = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % n;
      for (let i = 0; i < 60_000; i++) {
        const k = next(4000);
        backend.setCurrentKey(k);
        const r = next(10);
        if (r < 4) {
          const v = 'v'.repeat(next(40)) + k;
          s.update(v);
          ref.set(k, v);
        } else if (r < 6) {
          s.clear();
          ref.delete(k);
        } else if (r < 8) {
          expect(s.value()).to.equal(ref.get(k) ?? null);
        } else {
          const uk = next(20);
          const mm = mref.get(k) ?? new Map<number, number>();
          mref.set(k, mm);
          if (r === 8) {
            m.put(uk, i);
            mm.set(uk, i);
          } else {
            m.remove(uk);
            mm.delete(uk);
          }
        }
      }
      for (let k = 0; k < 4000; k++) {
        backend.setCurrentKey(k);
        expect(s.value()).to.equal(ref.get(k) ?? null);
        const mm = mref.get(k) ?? new Map<number, number>();
        expect(new Map(m.entries())).to.deep.equal(mm);
      }
      backend.dispose();
    });

    it('returns a new object per read, and the default value when empty', () => {
      const backend = backendOf(budget(small), Types.STRING);
      const s = backend.getState(new ValueStateDescriptor('v', Types.OBJECT({ n: Types.INT }), { n: 7 }));
      backend.setCurrentKey('a');
      expect(s.value()).to.deep.equal({ n: 7 });
      s.update({ n: 1 });
      const a = s.value()!;
      a.n = 99;
      expect(s.value()).to.deep.equal({ n: 1 });
      s.update(null as never);
      expect(s.value()).to.deep.equal({ n: 7 });
      backend.dispose();
    });

    it('keeps values whose size changes (in place when they fit, moved when they grow)', () => {
      const backend = backendOf(budget(small), Types.INT);
      const s = backend.getState(new ValueStateDescriptor('v', Types.STRING));
      for (let round = 0; round < 5; round++) {
        for (let k = 0; k < 300; k++) {
          backend.setCurrentKey(k);
          s.update('x'.repeat((k * 7 + round * 13) % 200));
        }
        for (let k = 0; k < 300; k++) {
          backend.setCurrentKey(k);
          expect(s.value()).to.equal('x'.repeat((k * 7 + round * 13) % 200));
        }
      }
      backend.dispose();
    });
  });

  describe('ListState against arrays', () => {
    it('follows a reference with add, addAll, update, clear and merges over keys and TimeWindow namespaces', () => {
      const windows = [new TimeWindow(0, 10), new TimeWindow(10, 20), new TimeWindow(-20, 0)];
      const op = fc.oneof(
        fc.record({ t: fc.constant('add' as const), k: fc.integer({ min: 0, max: 5 }), w: fc.nat(2), v: fc.string({ maxLength: 40 }) }),
        fc.record({ t: fc.constant('addAll' as const), k: fc.integer({ min: 0, max: 5 }), w: fc.nat(2), vs: fc.array(fc.string({ maxLength: 10 }), { maxLength: 30 }) }),
        fc.record({ t: fc.constant('update' as const), k: fc.integer({ min: 0, max: 5 }), w: fc.nat(2), vs: fc.array(fc.string({ maxLength: 10 }), { maxLength: 30 }) }),
        fc.record({ t: fc.constant('clear' as const), k: fc.integer({ min: 0, max: 5 }), w: fc.nat(2) }),
        fc.record({ t: fc.constant('get' as const), k: fc.integer({ min: 0, max: 5 }), w: fc.nat(2) }),
        fc.record({ t: fc.constant('merge' as const), k: fc.integer({ min: 0, max: 5 }), w: fc.nat(2), from: fc.array(fc.nat(2), { maxLength: 3 }) }),
      );
      fc.assert(
        fc.property(fc.array(op, { maxLength: 150, size: 'max' }), (ops) => {
          withBudget(small, (b) => {
            const backend = backendOf(b, Types.INT);
            const state = backend.getPartitionedState(new ListStateDescriptor('contents', Types.STRING), TimeWindowNamespaceType);
            const ref = new Map<string, string[]>();
            const id = (k: number, w: number) => `${k}/${w}`;
            for (const o of ops) {
              backend.setCurrentKey(o.k);
              state.setCurrentNamespace(windows[o.w]!);
              const cur = ref.get(id(o.k, o.w)) ?? [];
              switch (o.t) {
                case 'add':
                  state.add(o.v);
                  ref.set(id(o.k, o.w), [...cur, o.v]);
                  break;
                case 'addAll':
                  state.addAll(o.vs);
                  if (cur.length + o.vs.length > 0) ref.set(id(o.k, o.w), [...cur, ...o.vs]);
                  break;
                case 'update':
                  state.update(o.vs);
                  if (o.vs.length === 0) ref.delete(id(o.k, o.w));
                  else ref.set(id(o.k, o.w), [...o.vs]);
                  break;
                case 'clear':
                  state.clear();
                  ref.delete(id(o.k, o.w));
                  break;
                case 'get':
                  expect(state.get()).to.deep.equal(cur);
                  break;
                case 'merge': {
                  state.mergeNamespaces(windows[o.w]!, o.from.map((w) => windows[w]!));
                  let merged = cur;
                  for (const w of new Set(o.from)) {
                    if (w === o.w) continue;
                    merged = [...merged, ...(ref.get(id(o.k, w)) ?? [])];
                    ref.delete(id(o.k, w));
                  }
                  if (merged.length > 0) ref.set(id(o.k, o.w), merged);
                  break;
                }
              }
            }
            for (let k = 0; k <= 5; k++) {
              backend.setCurrentKey(k);
              for (let w = 0; w < 3; w++) {
                state.setCurrentNamespace(windows[w]!);
                expect(state.get()).to.deep.equal(ref.get(id(k, w)) ?? []);
              }
            }
            backend.dispose();
          });
        }),
        { numRuns: 60 },
      );
    });

    it('appends element by element over many blocks and pages', () => {
      const backend = backendOf(budget(small), Types.STRING);
      const l = backend.getListState(new ListStateDescriptor('l', Types.DOUBLE));
      backend.setCurrentKey('k');
      const expected: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        l.add(i * 0.5);
        expected.push(i * 0.5);
      }
      expect(l.get()).to.deep.equal(expected);
      expect(backend.pagesHeld).to.be.above(40);
      l.clear();
      expect(l.get()).to.deep.equal([]);
      backend.dispose();
    });

    it('refuses null elements and leaves the list as it was when addAll fails part-way', () => {
      const backend = backendOf(budget(small), Types.STRING);
      const l = backend.getListState(new ListStateDescriptor('names', Types.STRING));
      backend.setCurrentKey('k');
      l.addAll(['a', 'b']);
      expect(() => l.add(null as never)).to.throw(WeirError, /names/);
      expect(() => l.addAll(['c', 42 as never])).to.throw(SerializationError, /state "names".*42/);
      expect(() => l.update(['x', 43 as never])).to.throw(SerializationError, /43/);
      expect(l.get()).to.deep.equal(['a', 'b']);
      backend.dispose();
    });
  });

  describe('MapState against a Map', () => {
    it('follows a reference with put, remove, get, contains, entries, clear over keys and namespaces', () => {
      const op = fc.oneof(
        fc.record({ t: fc.constant('put' as const), k: fc.nat(4), w: fc.nat(1), uk: fc.string({ maxLength: 4 }), v: fc.integer() }),
        fc.record({ t: fc.constant('remove' as const), k: fc.nat(4), w: fc.nat(1), uk: fc.string({ maxLength: 4 }) }),
        fc.record({ t: fc.constant('get' as const), k: fc.nat(4), w: fc.nat(1), uk: fc.string({ maxLength: 4 }) }),
        fc.record({ t: fc.constant('iterate' as const), k: fc.nat(4), w: fc.nat(1) }),
        fc.record({ t: fc.constant('clear' as const), k: fc.nat(4), w: fc.nat(1) }),
      );
      const windows = [new TimeWindow(0, 5), new TimeWindow(5, 10)];
      fc.assert(
        fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
          withBudget(small, (b) => {
            const backend = backendOf(b, Types.DOUBLE);
            const state = backend.getPartitionedState(new MapStateDescriptor('m', Types.STRING, Types.INT), TimeWindowNamespaceType);
            const ref = new Map<string, Map<string, number>>();
            for (const o of ops) {
              backend.setCurrentKey(o.k);
              state.setCurrentNamespace(windows[o.w]!);
              const id = `${o.k}/${o.w}`;
              const m = ref.get(id) ?? new Map<string, number>();
              ref.set(id, m);
              switch (o.t) {
                case 'put':
                  state.put(o.uk, o.v);
                  m.set(o.uk, o.v);
                  break;
                case 'remove':
                  state.remove(o.uk);
                  m.delete(o.uk);
                  break;
                case 'get':
                  expect(state.get(o.uk)).to.equal(m.get(o.uk) ?? null);
                  expect(state.contains(o.uk)).to.equal(m.has(o.uk));
                  break;
                case 'clear':
                  state.clear();
                  m.clear();
                  break;
                case 'iterate': {
                  const sort = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : 1);
                  expect([...state.entries()].sort(sort)).to.deep.equal([...m.entries()].sort(sort));
                  expect([...state.keys()].sort()).to.deep.equal([...m.keys()].sort());
                  expect(state.isEmpty()).to.equal(m.size === 0);
                  break;
                }
              }
            }
            let entries = 0;
            for (const m of ref.values()) entries += m.size + (m.size > 0 ? 1 : 0); // entries plus one head per map
            expect(backend.numEntries).to.equal(entries);
            backend.dispose();
          });
        }),
        { numRuns: 60 },
      );
    });

    it('keeps entries whose values grow and shrink, with putAll from a Map', () => {
      const backend = backendOf(budget(small), Types.INT);
      const m = backend.getMapState(new MapStateDescriptor('m', Types.INT, Types.STRING));
      backend.setCurrentKey(1);
      m.putAll(new Map(Array.from({ length: 50 }, (_, i) => [i, 'v'.repeat(i)] as [number, string])));
      for (let i = 0; i < 50; i++) m.put(i, 'w'.repeat(100 - i));
      for (let i = 0; i < 50; i++) expect(m.get(i)).to.equal('w'.repeat(100 - i));
      expect([...m.values()].length).to.equal(50);
      backend.dispose();
    });
  });

  describe('ReducingState and AggregatingState', () => {
    it('reduce and aggregate per key and namespace, and merge namespaces', () => {
      const backend = backendOf(budget(small), Types.STRING);
      const sum = backend.getPartitionedState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b, Types.DOUBLE), TimeWindowNamespaceType);
      const avg = backend.getPartitionedState(
        new AggregatingStateDescriptor(
          'avg',
          {
            createAccumulator: () => ({ n: 0, total: 0 }),
            add: (v: number, acc: { n: number; total: number }) => ({ n: acc.n + 1, total: acc.total + v }),
            getResult: (acc: { n: number; total: number }) => acc.total / acc.n,
            merge: (a: { n: number; total: number }, b: { n: number; total: number }) => ({ n: a.n + b.n, total: a.total + b.total }),
          },
          Types.OBJECT({ n: Types.INT, total: Types.DOUBLE }),
        ),
        TimeWindowNamespaceType,
      );
      const w1 = new TimeWindow(0, 10);
      const w2 = new TimeWindow(5, 15);
      const w3 = new TimeWindow(0, 15);
      backend.setCurrentKey('a');
      sum.setCurrentNamespace(w1);
      avg.setCurrentNamespace(w1);
      expect(sum.get()).to.equal(null);
      expect(avg.get()).to.equal(null);
      [1, 2, 3].forEach((v) => (sum.add(v), avg.add(v)));
      sum.setCurrentNamespace(w2);
      avg.setCurrentNamespace(w2);
      [10, 20].forEach((v) => (sum.add(v), avg.add(v)));
      backend.setCurrentKey('b');
      sum.add(100);
      backend.setCurrentKey('a');
      sum.mergeNamespaces(w3, [w1, w2]);
      avg.mergeNamespaces(w3, [w1, w2]);
      sum.setCurrentNamespace(w3);
      avg.setCurrentNamespace(w3);
      expect(sum.get()).to.equal(36);
      expect(avg.get()).to.equal(36 / 5);
      sum.setCurrentNamespace(w1);
      expect(sum.get()).to.equal(null);
      backend.setCurrentKey('b');
      sum.setCurrentNamespace(w2);
      expect(sum.get()).to.equal(100);
      sum.clear();
      expect(sum.get()).to.equal(null);
      backend.dispose();
    });
  });

  describe('interleaved states', () => {
    it('keeps several value, reducing and list states over keys and namespaces apart (in-place writes never hit another entry)', () => {
      const op = fc.record({
        s: fc.nat(3),
        k: fc.nat(3),
        w: fc.nat(1),
        read: fc.boolean(),
        v: fc.integer({ min: -1000, max: 1000 }),
        big: fc.boolean(),
      });
      const windows = [new TimeWindow(0, 10), new TimeWindow(10, 20)];
      fc.assert(
        fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
          withBudget(small, (b) => {
            const backend = backendOf(b, Types.INT);
            const v1 = backend.getPartitionedState(new ValueStateDescriptor('v1', Types.STRING), TimeWindowNamespaceType);
            const v2 = backend.getPartitionedState(new ValueStateDescriptor('v2', Types.STRING), TimeWindowNamespaceType);
            const r = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, c) => a + c, Types.DOUBLE), TimeWindowNamespaceType);
            const l = backend.getPartitionedState(new ListStateDescriptor('l', Types.INT), TimeWindowNamespaceType);
            const ref = new Map<string, unknown>();
            for (const o of ops) {
              backend.setCurrentKey(o.k);
              const id = `${o.s}/${o.k}/${o.w}`;
              const text = (o.big ? 'long value ' : '') + String(o.v);
              switch (o.s) {
                case 0:
                case 1: {
                  const st = o.s === 0 ? v1 : v2;
                  st.setCurrentNamespace(windows[o.w]!);
                  if (o.read) expect(st.value()).to.equal(ref.get(id) ?? null);
                  else {
                    st.update(text);
                    ref.set(id, text);
                  }
                  break;
                }
                case 2:
                  r.setCurrentNamespace(windows[o.w]!);
                  if (o.read) expect(r.get()).to.equal(ref.get(id) ?? null);
                  else {
                    r.add(o.v);
                    ref.set(id, ((ref.get(id) as number | undefined) ?? 0) + o.v);
                  }
                  break;
                default:
                  l.setCurrentNamespace(windows[o.w]!);
                  if (o.read) expect(l.get()).to.deep.equal(ref.get(id) ?? []);
                  else {
                    l.add(o.v);
                    ref.set(id, [...((ref.get(id) as number[] | undefined) ?? []), o.v]);
                  }
              }
            }
            backend.dispose();
          });
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('descriptors, keys and errors', () => {
    it('gives the same state object for the same name, and refuses the name for another kind', () => {
      const backend = backendOf(budget(small), Types.STRING);
      const a = backend.getState(new ValueStateDescriptor('s', Types.INT));
      const b = backend.getState(new ValueStateDescriptor('s', Types.INT));
      expect(a).to.equal(b);
      expect(() => backend.getListState(new ListStateDescriptor('s', Types.INT))).to.throw(ConfigurationError, /"s".*value state.*list/);
      backend.dispose();
    });

    it('refuses state access without a current key', () => {
      const backend = backendOf(budget(small), Types.STRING, 'my-op');
      const s = backend.getState(new ValueStateDescriptor('count', Types.INT));
      expect(() => s.value()).to.throw(WeirError, /^No key set.*"count".*"my-op"/);
      backend.dispose();
    });

    it('names the state, the operator and the value that a serializer refuses, and keeps the old value', () => {
      const backend = backendOf(budget(small), Types.STRING, 'my-op');
      const s = backend.getState(new ValueStateDescriptor('count', Types.INT));
      backend.setCurrentKey('k');
      s.update(1);
      expect(() => s.update('one' as never)).to.throw(SerializationError, /"my-op".*state "count".*"one"/);
      expect(s.value()).to.equal(1);
      expect(() => backend.setCurrentKey(5 as never)).to.throw(SerializationError, /"my-op".*5.*STRING/);
      backend.dispose();
    });

    it('computes the key group that keyBy routes the key by', () => {
      const b = budget(small);
      for (const kc of keyCases) {
        const backend = backendOf(b, kc.type);
        const hasher = new KeyHasher(kc.type, b);
        fc.assert(
          fc.property(kc.arb, (k) => {
            backend.setCurrentKey(k);
            expect(backend.getCurrentKeyGroup()).to.equal(hasher.keyGroup(k === 0 ? 0 : k, 128));
            expect(backend.getCurrentKey()).to.deep.equal(k === 0 ? 0 : k);
          }),
          { numRuns: 100 },
        );
        backend.dispose();
      }
    });

    it('lists entries by key group and the keys of a state', () => {
      const backend = backendOf(budget(small), Types.INT);
      const s = backend.getState(new ValueStateDescriptor('v', Types.INT));
      const l = backend.getListState(new ListStateDescriptor('l', Types.INT));
      const groups = new Map<number, number>();
      for (let k = 0; k < 100; k++) {
        backend.setCurrentKey(k);
        s.update(k);
        if (k % 2 === 0) l.addAll([k, k]);
        groups.set(backend.getCurrentKeyGroup(), (groups.get(backend.getCurrentKeyGroup()) ?? 0) + (k % 2 === 0 ? 2 : 1));
      }
      expect(backend.getKeys('v').sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
      expect(backend.getKeys('l').length).to.equal(50);
      for (const [kg, n] of groups) {
        const entries = [...backend.serializedEntries(kg)];
        expect(entries.length).to.equal(n);
        expect(entries.every((e) => e.keyGroup === kg)).to.equal(true);
        for (const e of entries.filter((x) => x.kind === 'list')) expect(e.value.length).to.equal(8);
        for (const e of entries) expect(['v', 'l']).to.include(e.state);
      }
      backend.dispose();
    });
  });

  describe('memory', () => {
    it('grows over many pages: 200k keys in a few MiB of managed memory', () => {
      const b = budget({ network: '64kb', managed: '12mb', segmentSize: '32kb' });
      const backend = backendOf(b, Types.LONG);
      const s = backend.getState(new ValueStateDescriptor('v', Types.OBJECT({ a: Types.LONG, c: Types.INT })));
      for (let k = 0; k < 200_000; k++) {
        backend.setCurrentKey(k * 3);
        s.update({ a: k, c: k & 255 });
      }
      expect(backend.numEntries).to.equal(200_000);
      for (let k = 0; k < 200_000; k += 7) {
        backend.setCurrentKey(k * 3);
        expect(s.value()).to.deep.equal({ a: k, c: k & 255 });
      }
      expect(backend.pagesHeld * backend.pageSize).to.be.below(12 * 2 ** 20);
      backend.dispose();
      expect(b.memoryManager.pagesHeld()).to.equal(0);
    });

    it('reuses freed space: clearing and refilling does not take more pages', () => {
      const backend = backendOf(budget(small), Types.INT);
      const s = backend.getState(new ValueStateDescriptor('v', Types.STRING));
      const fill = () => {
        for (let k = 0; k < 5000; k++) {
          backend.setCurrentKey(k);
          s.update(`value ${k}`);
        }
      };
      fill();
      const pages = backend.pagesHeld;
      for (let round = 0; round < 3; round++) {
        for (let k = 0; k < 5000; k++) {
          backend.setCurrentKey(k);
          s.clear();
        }
        expect(backend.numEntries).to.equal(0);
        fill();
      }
      expect(backend.pagesHeld).to.equal(pages);
      backend.dispose();
    });

    it('returns its pages but a few when all state is cleared (a peak of windows that fired)', () => {
      const backend = backendOf(budget(small), Types.INT);
      const l = backend.getPartitionedState(new ListStateDescriptor('contents', Types.STRING), TimeWindowNamespaceType);
      const m = backend.getMapState(new MapStateDescriptor('m', Types.INT, Types.INT));
      const w = new TimeWindow(0, 10);
      for (let k = 0; k < 3000; k++) {
        backend.setCurrentKey(k);
        l.setCurrentNamespace(w);
        l.addAll([`a${k}`, `b${k}`]);
        m.put(k, k);
      }
      const minimal = 6; // meta, key, value, one index and one heap page
      expect(backend.pagesHeld).to.be.above(50);
      for (let k = 0; k < 3000; k++) {
        backend.setCurrentKey(k);
        l.clear();
        m.remove(k);
      }
      expect(backend.numEntries).to.equal(0);
      expect(backend.pagesHeld).to.be.at.most(minimal);
      backend.setCurrentKey(1);
      l.add('again');
      expect(l.get()).to.deep.equal(['again']);
      backend.dispose();
    });

    it('reports an exhausted budget naming the operator and the state, and stays usable for reads', () => {
      const b = budget({ network: '64kb', managed: '256kb', segmentSize: '4kb' });
      const backend = backendOf(b, Types.INT, 'window-op');
      const s = backend.getState(new ValueStateDescriptor('contents', Types.STRING));
      const l = backend.getListState(new ListStateDescriptor('list', Types.STRING));
      let written = 0;
      let error: unknown;
      try {
        for (let k = 0; k < 100_000; k++) {
          backend.setCurrentKey(k);
          s.update(`value of key ${k} `.repeat(3));
          written = k + 1;
        }
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(MemoryBudgetError);
      expect((error as Error).message).to.match(/Operator "window-op".*"contents".*managed/);
      expect(backend.numEntries).to.equal(written);
      for (let k = 0; k < written; k++) {
        backend.setCurrentKey(k);
        expect(s.value()).to.equal(`value of key ${k} `.repeat(3));
      }
      backend.setCurrentKey(written);
      expect(s.value()).to.equal(null);
      // A list that cannot grow is left as it was.
      backend.setCurrentKey(0);
      s.clear();
      l.add('first');
      expect(() => l.addAll(Array.from({ length: 2000 }, (_, i) => `element ${i} `.repeat(4)))).to.throw(MemoryBudgetError, /"list"/);
      expect(l.get()).to.deep.equal(['first']);
      backend.dispose();
    });

    it('refuses a value larger than a page, naming the state', () => {
      const backend = backendOf(budget(small), Types.INT);
      const s = backend.getState(new ValueStateDescriptor('big', Types.STRING));
      backend.setCurrentKey(1);
      expect(() => s.update('x'.repeat(10_000))).to.throw(MemoryBudgetError, /"big".*segment/);
      expect(s.value()).to.equal(null);
      backend.dispose();
    });

    it('refuses segments too small for its tables', () => {
      const backend = backendOf(budget({ network: '64kb', managed: '64kb', segmentSize: 512 }), Types.INT, 'tiny');
      expect(() => backend.setCurrentKey(1)).to.throw(ConfigurationError, /"tiny".*segmentSize/);
      backend.dispose();
    });

    it('returns every page on dispose, and refuses use afterwards', () => {
      const b = budget(small);
      const backend = backendOf(b, Types.INT);
      const s = backend.getMapState(new MapStateDescriptor('m', Types.INT, Types.INT));
      for (let k = 0; k < 1000; k++) {
        backend.setCurrentKey(k);
        s.put(k, k);
      }
      expect(backend.pagesHeld).to.be.above(4);
      backend.dispose();
      backend.dispose();
      expect(b.memoryManager.pagesHeld()).to.equal(0);
      expect(() => s.get(1)).to.throw(WeirError, /dispose/);
    });
  });
});

describe('KeyedStateBackend: found in review', () => {
  it('mergeNamespaces merges a namespace given twice once', () => {
    const backend = backendOf(budget(small), Types.STRING);
    const r = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b, Types.INT), Types.INT);
    backend.setCurrentKey('k');
    r.setCurrentNamespace(1);
    r.add(10);
    r.mergeNamespaces!(0, [1, 1, 1]);
    r.setCurrentNamespace(0);
    expect(r.get()).to.equal(10);
    backend.dispose();
  });

  it('a timer service refuses every use once its backend was disposed (its pages may belong to another operator)', () => {
    const b = budget({ network: '64kb', managed: '1mb', segmentSize: '1kb' });
    const first = backendOf(b, Types.INT, 'first');
    const timers = first.createTimerService('t', Types.INT);
    first.setCurrentKey(1);
    timers.registerEventTimeTimer(0, 5);
    first.dispose();
    const second = backendOf(b, Types.INT, 'second');
    const v = second.getState(new ValueStateDescriptor<number>('v', Types.INT));
    for (let i = 0; i < 50; i++) {
      second.setCurrentKey(i);
      v.update(i);
    }
    expect(() => timers.numEventTimeTimers()).to.throw(WeirError, /timer service "t" used after its state backend was disposed/);
    expect(() => timers.advanceWatermark(1e12, () => undefined)).to.throw(WeirError, /used after/);
    for (let i = 0; i < 50; i++) {
      second.setCurrentKey(i);
      expect(v.value()).to.equal(i);
    }
    second.dispose();
  });
});
