// Keyed streams: keyBy + reduce and the rolling aggregations sum, min, max,
// minBy and maxBy, on object fields, tuple positions and plain numbers, with
// Flink's semantics (sum/min/max keep the other fields of the key's first
// record; minBy/maxBy return whole records, ties to the first or the last),
// checked per key against a plain-JS reference: with a parallelism-1 source
// each key's sequence of rolling results must be the reference's, in input
// order, whatever the parallelism of the keyed operator.
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigurationError, JobExecutionError, ProcessFunction, Types, type Collector, type KeyedStream, type ProcessContext, type SingleOutputStreamOperator } from 'weir';
import { bySubtask, envIn, envOf, expectOperatorFailure, expectSameMultiset, groupBy, jobFailure, range, sharedBudget, WhereAmI } from './operatorKit.js';

const PARALLELISMS = [1, 2, 3] as const;

interface Rec {
  k: string;
  v: number;
  id: number;
}
const recs = fc
  .array(fc.record({ k: fc.constantFrom('a', 'b', 'c', 'd', 'e'), v: fc.integer({ min: -20, max: 20 }) }), { maxLength: 100 })
  .map((rs) => rs.map((r, id): Rec => ({ ...r, id })));

type Kind = 'sum' | 'min' | 'max' | 'minBy' | 'maxBy';

/** The reference: Flink's rolling aggregation of one field, per key, in input order. */
function rolling<T>(xs: readonly T[], keyOf: (x: T) => unknown, kind: Kind, get: (x: T) => number, set: (x: T, v: number) => T, first = true): T[] {
  const acc = new Map<unknown, T>();
  return xs.map((x) => {
    const k = keyOf(x);
    const prev = acc.get(k);
    let next: T;
    if (prev === undefined) next = x;
    else {
      const a = get(prev);
      const b = get(x);
      switch (kind) {
        case 'sum':
          next = set(prev, a + b);
          break;
        case 'min':
          next = set(prev, Math.min(a, b));
          break;
        case 'max':
          next = set(prev, Math.max(a, b));
          break;
        case 'minBy':
          next = b < a ? x : b > a ? prev : first ? prev : x;
          break;
        case 'maxBy':
          next = b > a ? x : b < a ? prev : first ? prev : x;
          break;
      }
    }
    acc.set(k, next);
    return next;
  });
}

function aggregate<T, K>(keyed: KeyedStream<T, K>, kind: Kind, field: string | number, first: boolean): SingleOutputStreamOperator<T> {
  if (kind === 'minBy' || kind === 'maxBy') return keyed[kind](field, first);
  return keyed[kind](field);
}

/** Expects the same records per key, in the same order per key. */
function expectSamePerKey<T>(actual: readonly T[], expected: readonly T[], keyOf: (x: T) => unknown, message: string): void {
  expect(actual.length, `${message}: count`).to.equal(expected.length);
  const a = groupBy(actual, keyOf);
  const e = groupBy(expected, keyOf);
  expect([...a.keys()].sort(), `${message}: keys`).to.deep.equal([...e.keys()].sort());
  for (const [k, seq] of e) expect(a.get(k), `${message}: key ${String(k)}`).to.deep.equal(seq);
}

describe('DataStream keyed operators', () => {
  describe('keyBy + reduce', () => {
    it('per key, emits the reference rolling reduce in input order, at parallelism 1, 2 and 3', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(recs, fc.constantFrom(...PARALLELISMS), async (xs, p) => {
          const concat = (a: Rec, b: Rec): Rec => ({ k: a.k, v: a.v * 3 + b.v, id: b.id });
          const out = await envIn(mem, p).fromCollection(xs).keyBy((r) => r.k).reduce(concat).executeAndCollect();
          const acc = new Map<string, Rec>();
          const reference = xs.map((x) => {
            const prev = acc.get(x.k);
            const next = prev === undefined ? x : concat(prev, x);
            acc.set(x.k, next);
            return next;
          });
          expectSamePerKey(out, reference, (r) => r.k, `parallelism ${p}`);
        }),
        { numRuns: 40 },
      );
    });

    it('with a parallel source (order across subtasks differs), the final value per key and the multiset of counts equal the reference', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(...PARALLELISMS), async (n, keys, p) => {
          const out = await envIn(mem, p)
            .fromSequence(0, n)
            .map((i) => ({ k: i % keys, n: 1, total: i }))
            .keyBy((r) => r.k)
            .reduce((a, b) => ({ k: a.k, n: a.n + b.n, total: a.total + b.total }))
            .executeAndCollect();
          const finals = new Map<number, { n: number; total: number }>();
          for (const r of out) if ((finals.get(r.k)?.n ?? 0) < r.n) finals.set(r.k, r);
          const ref = new Map<number, { n: number; total: number }>();
          for (const i of range(0, n)) {
            const r = ref.get(i % keys) ?? { n: 0, total: 0 };
            ref.set(i % keys, { n: r.n + 1, total: r.total + i });
          }
          expect(finals.size).to.equal(ref.size);
          for (const [k, r] of ref) expect(finals.get(k), `key ${k}`).to.deep.include(r);
          // Every count 1..n(key) appears once per key: each record was reduced exactly once.
          expectSameMultiset(
            out.map((r) => [r.k, r.n]),
            [...ref].flatMap(([k, r]) => range(1, r.n).map((c) => [k, c])),
          );
        }),
        { numRuns: 25 },
      );
    });

    it('sends every record of a key to one subtask, over many keys, using every subtask', async () => {
      const xs = range(0, 5999).map((i) => ({ key: `user-${i % 2000}`, i }));
      const out = await envOf(3, { segmentSize: '1kb' }).fromCollection(xs).keyBy((r) => r.key).map(new WhereAmI<{ key: string; i: number }>()).executeAndCollect();
      const seen = bySubtask(out, 3);
      const home = new Map<string, number>();
      seen.forEach((records, s) => {
        for (const r of records) {
          expect(home.get(r.key) ?? s, r.key).to.equal(s);
          home.set(r.key, s);
        }
      });
      expect(home.size).to.equal(2000);
      for (const records of seen) expect(records.length, 'each subtask has keys').to.be.above(1000);
    });

    it('runs on empty input and one record (the first record of a key is emitted as it is)', async () => {
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        expect(await env.fromCollection<number>([]).keyBy((x) => x).reduce((a, b) => a + b).executeAndCollect()).to.deep.equal([]);
        let calls = 0;
        const one = await env
          .fromElements({ k: 1, v: 'only' })
          .keyBy((r) => r.k)
          .reduce((a) => {
            calls++;
            return a;
          })
          .executeAndCollect();
        expect(one).to.deep.equal([{ k: 1, v: 'only' }]);
        expect(calls).to.equal(0);
      }
    });

    it('keys by composite keys (equal objects and arrays are one key), by a declared key type, and by an object with getKey()', async () => {
      const xs = range(0, 59).map((i) => ({ a: i % 2, b: `b${i % 3}`, v: 1 }));
      const byObject = await envOf(3).fromCollection(xs).keyBy((r) => ({ a: r.a, b: r.b })).sum('v').executeAndCollect();
      const byArray = await envOf(2).fromCollection(xs).keyBy((r) => [r.b, r.a]).sum('v').executeAndCollect();
      const byTyped = await envOf(2).fromCollection(xs).keyBy((r) => r.a * 10 + Number(r.b[1]), Types.INT).sum('v').executeAndCollect();
      const bySelector = await envOf(3).fromCollection(xs).keyBy({ getKey: (r: { a: number; b: string }) => `${r.a}/${r.b}` }).sum('v').executeAndCollect();
      for (const [name, out] of Object.entries({ byObject, byArray, byTyped, bySelector })) {
        const finals = new Map<string, number>();
        for (const r of out) finals.set(`${r.a}/${r.b}`, Math.max(finals.get(`${r.a}/${r.b}`) ?? 0, r.v));
        expect(finals.size, name).to.equal(6);
        expect([...finals.values()], name).to.deep.equal([10, 10, 10, 10, 10, 10]);
      }
    });

    it('a budget runs keyed job after keyed job (key hashers do not use up its scratch area)', async function () {
      const mem = sharedBudget('4kb');
      for (let i = 0; i < 150; i++) {
        const out = await envIn(mem, 2)
          .fromElements(1, 2, 3, 4)
          .keyBy((x) => x % 2, Types.INT)
          .sum()
          .executeAndCollect();
        expectSameMultiset(out, [1, 2, 4, 6], `job ${i + 1}`);
      }
    });

    it('treats 0 and -0 as one key (as JS equality does), whatever the parallelism', async () => {
      // (-3) % 3 is -0: a key selector like x % n yields both zeros.
      const xs = [-3, 3, -6, 6, 0, -0, 1, -1];
      const counts: Record<number, string> = {};
      for (const p of [1, 2, 4]) {
        const out = await envOf(p)
          .fromCollection(xs)
          .map((x) => ({ k: x % 3, n: 1 }))
          .keyBy((r) => r.k)
          .sum('n')
          .executeAndCollect();
        const finals = new Map<number, number>();
        for (const r of out) finals.set(r.k, Math.max(finals.get(r.k) ?? 0, r.n));
        counts[p] = JSON.stringify([...finals].sort((a, b) => a[0] - b[0]));
      }
      expect(counts[1]).to.equal(JSON.stringify([[-1, 1], [0, 6], [1, 1]]));
      expect(counts[2], 'parallelism 2').to.equal(counts[1]);
      expect(counts[4], 'parallelism 4').to.equal(counts[1]);
    });

    for (const p of PARALLELISMS) {
      it(`fails with the operator and the incoming record named when the reduce function throws (parallelism ${p})`, async () => {
        const xs = range(0, 2000).map((i) => ({ k: i % 13, v: i }));
        const job = envOf(p, { segmentSize: '1kb' })
          .fromCollection(xs)
          .keyBy((r) => r.k)
          .reduce((a, b) => {
            if (b.v === 1700) throw new Error('overflow');
            return { k: a.k, v: a.v + b.v };
          })
          .name('summer')
          .executeAndCollect();
        expectOperatorFailure(await jobFailure(job), 'summer', { k: 1700 % 13, v: 1700 }, 'overflow');
      });
    }

    for (const p of PARALLELISMS) {
      it(`fails naming the record when the key selector throws (parallelism ${p})`, async () => {
        const job = envOf(p)
          .fromCollection(range(0, 300).map((i) => ({ i })))
          .keyBy((r) => {
            if (r.i === 222) throw new Error('no key');
            return r.i % 5;
          })
          .reduce((a) => a)
          .executeAndCollect();
        const e = await jobFailure(job);
        expect(e).to.be.instanceOf(JobExecutionError);
        expect((e as JobExecutionError).record).to.deep.equal({ i: 222 });
        expect((e as Error).message).to.include('on record {"i":222}').and.include('no key');
      });
    }

    it('refuses a key selector or reduce function that is not a function', async () => {
      const env = envOf(1);
      expect(() => env.fromElements(1).keyBy(3 as never)).to.throw(ConfigurationError, /keyBy: expected a function or an object with a getKey\(\) method, got number/);
      let e: unknown;
      try {
        await env.fromElements(1).keyBy((x) => x).reduce('sum' as never).executeAndCollect();
      } catch (error) {
        e = error;
      }
      expect(e).to.be.instanceOf(ConfigurationError);
      expect((e as Error).message).to.match(/reduce \(Keyed Reduce\): expected a function or an object with a reduce\(\) method, got string/);
    });
  });

  describe('rolling aggregations', () => {
    const kinds: [Kind, boolean][] = [
      ['sum', true],
      ['min', true],
      ['max', true],
      ['minBy', true],
      ['minBy', false],
      ['maxBy', true],
      ['maxBy', false],
    ];

    for (const [kind, first] of kinds) {
      const label = kind.endsWith('By') ? `${kind}(first=${first})` : kind;

      it(`${label} by field name equals the reference per key, at parallelism 1, 2 and 3`, async () => {
        const mem = sharedBudget('1kb');
        await fc.assert(
          fc.asyncProperty(recs, fc.constantFrom(...PARALLELISMS), async (xs, p) => {
            const out = await aggregate(envIn(mem, p).fromCollection(xs).keyBy((r) => r.k), kind, 'v', first).executeAndCollect();
            const reference = rolling(xs, (r) => r.k, kind, (r) => r.v, (r, v) => ({ ...r, v }), first);
            expectSamePerKey(out, reference, (r) => r.k, `${label}, parallelism ${p}`);
          }),
          { numRuns: 20 },
        );
      });

      it(`${label} by position on tuples equals the reference per key`, async () => {
        const mem = sharedBudget('1kb');
        await fc.assert(
          fc.asyncProperty(recs, fc.constantFrom(...PARALLELISMS), async (rs, p) => {
            const xs = rs.map((r): [string, number, number] => [r.k, r.v, r.id]);
            const out = await aggregate(envIn(mem, p).fromCollection(xs).keyBy((t) => t[0]), kind, 1, first).executeAndCollect();
            const reference = rolling(xs, (t) => t[0], kind, (t) => t[1], (t, v): [string, number, number] => [t[0], v, t[2]], first);
            expectSamePerKey(out, reference, (t) => t[0], `${label} on tuples, parallelism ${p}`);
          }),
          { numRuns: 20 },
        );
      });
    }

    it('on plain numbers (field 0, the default): in order at parallelism 1, as a multiset at 2 and 3', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 80 }), fc.constantFrom(...PARALLELISMS), async (xs, p) => {
          const key = (x: number) => Math.abs(x) % 4;
          for (const kind of ['sum', 'min', 'max', 'minBy', 'maxBy'] as const) {
            const env = envIn(mem, 1);
            const keyed = env.fromCollection(xs).keyBy(key);
            const out = await (kind === 'sum' ? keyed.sum() : keyed[kind]()).setParallelism(p).executeAndCollect();
            const reference = rolling(xs, key, kind, (x) => x, (_x, v) => v);
            if (p === 1) expect(out, kind).to.deep.equal(reference);
            else expectSameMultiset(out, reference, `${kind}, parallelism ${p}`);
          }
        }),
        { numRuns: 20 },
      );
    });

    it('sum, min and max keep the other fields of the key’s first record; minBy and maxBy return whole records', async () => {
      const xs = [
        { k: 'x', v: 3, tag: 'first' },
        { k: 'x', v: 5, tag: 'second' },
        { k: 'x', v: 1, tag: 'third' },
        { k: 'x', v: 5, tag: 'fourth' },
        { k: 'y', v: 7, tag: 'only y' },
      ];
      for (const p of PARALLELISMS) {
        const run = (f: (s: KeyedStream<(typeof xs)[number], string>) => SingleOutputStreamOperator<(typeof xs)[number]>) =>
          f(envOf(1).fromCollection(xs).keyBy((r) => r.k)).setParallelism(p).executeAndCollect();
        const xOnly = (out: typeof xs) => out.filter((r) => r.k === 'x').map((r) => `${r.v}:${r.tag}`);
        expect(xOnly(await run((s) => s.sum('v'))), `sum, p=${p}`).to.deep.equal(['3:first', '8:first', '9:first', '14:first']);
        expect(xOnly(await run((s) => s.min('v'))), `min, p=${p}`).to.deep.equal(['3:first', '3:first', '1:first', '1:first']);
        expect(xOnly(await run((s) => s.max('v'))), `max, p=${p}`).to.deep.equal(['3:first', '5:first', '5:first', '5:first']);
        expect(xOnly(await run((s) => s.minBy('v'))), `minBy, p=${p}`).to.deep.equal(['3:first', '3:first', '1:third', '1:third']);
        expect(xOnly(await run((s) => s.maxBy('v'))), `maxBy, p=${p}`).to.deep.equal(['3:first', '5:second', '5:second', '5:second']);
        expect(xOnly(await run((s) => s.maxBy('v', false))), `maxBy last, p=${p}`).to.deep.equal(['3:first', '5:second', '5:second', '5:fourth']);
        const ties = [
          { k: 'x', v: 2, tag: 'a' },
          { k: 'x', v: 2, tag: 'b' },
        ];
        const tie = (f: (s: KeyedStream<(typeof xs)[number], string>) => SingleOutputStreamOperator<(typeof xs)[number]>) =>
          f(envOf(1).fromCollection(ties).keyBy((r) => r.k)).setParallelism(p).executeAndCollect();
        expect(xOnly(await tie((s) => s.minBy('v'))), `minBy tie, p=${p}`).to.deep.equal(['2:a', '2:a']);
        expect(xOnly(await tie((s) => s.minBy('v', false))), `minBy tie last, p=${p}`).to.deep.equal(['2:a', '2:b']);
        expect((await run((s) => s.sum('v'))).filter((r) => r.k === 'y'), 'a key of one record').to.deep.equal([xs[4]]);
      }
    });

    it('aggregate bigint fields', async () => {
      const xs = [
        { k: 1, big: 2n ** 61n, n: 'a' },
        { k: 1, big: 2n ** 61n, n: 'b' },
        { k: 1, big: -5n, n: 'c' },
      ];
      const env = envOf(2);
      expect((await env.fromCollection(xs).keyBy((r) => r.k).sum('big').executeAndCollect()).map((r) => r.big)).to.deep.equal([2n ** 61n, 2n ** 62n, 2n ** 62n - 5n]);
      expect((await env.fromCollection(xs).keyBy((r) => r.k).minBy('big').executeAndCollect()).map((r) => r.n)).to.deep.equal(['a', 'a', 'c']);
      expect((await env.fromCollection(xs).keyBy((r) => r.k).min('big').executeAndCollect()).map((r) => `${r.big}/${r.n}`)).to.deep.equal([
        `${2n ** 61n}/a`,
        `${2n ** 61n}/a`,
        '-5/a',
      ]);
      // A sum beyond the declared BIGINT range (int64) is refused where it is serialized, naming the field.
      const over = await jobFailure(env.fromCollection(xs.slice(0, 2).map((r) => ({ ...r, big: r.big * 4n }))).keyBy((r) => r.k).sum('big').executeAndCollect());
      expect((over as Error).message).to.include('big: expected BIGINT');
    });

    it('runs on empty input and one record', async () => {
      for (const p of PARALLELISMS) {
        expect(await envOf(p).fromCollection<{ k: number; v: number }>([]).keyBy((r) => r.k).sum('v').executeAndCollect()).to.deep.equal([]);
        expect(await envOf(p).fromElements({ k: 1, v: 2 }).keyBy((r) => r.k).maxBy('v').executeAndCollect()).to.deep.equal([{ k: 1, v: 2 }]);
        expect(await envOf(p).fromElements(9).keyBy((x) => x).min().executeAndCollect()).to.deep.equal([9]);
      }
    });

    it('sum on a field that is not a number fails naming the field and the value', async () => {
      const xs = [
        { k: 1, name: 'ann', v: 1 },
        { k: 1, name: 'bob', v: 2 },
      ];
      const e = await jobFailure(envOf(2).fromCollection(xs).keyBy((r) => r.k).sum('name').name('total').executeAndCollect());
      expect(e).to.be.instanceOf(JobExecutionError);
      expect((e as JobExecutionError).operator).to.equal('total');
      expect((e as Error).message).to.include('sum("name")').and.include('field "name"').and.include('"ann"').and.include('not a number');
    });

    it('sum on a field that is not a number is refused even when every key has one record', async () => {
      // Whether the job fails must not depend on how many records a key has.
      const xs = [
        { k: 1, name: 'ann' },
        { k: 2, name: 'bob' },
      ];
      const e = await jobFailure(envOf(2).fromCollection(xs).keyBy((r) => r.k).sum('name').name('total').executeAndCollect());
      expect(e).to.be.instanceOf(JobExecutionError);
      expect((e as JobExecutionError).operator).to.equal('total');
      expect((e as Error).message).to.include('field "name"').and.match(/"ann"|"bob"/).and.include('not a number');
    });

    it('refuses missing fields, positions on objects, mixed bigint and number, and bad field expressions', async () => {
      const env = envOf(1);
      const pair = [
        { k: 1, v: 1 },
        { k: 1, v: 2 },
      ];
      const missing = await jobFailure(env.fromCollection(pair).keyBy((r) => r.k).max('w').executeAndCollect());
      expect((missing as Error).message).to.include('max("w"): field "w"').and.include('is undefined, not a number');
      const position = await jobFailure(env.fromCollection(pair).keyBy((r) => r.k).sum().executeAndCollect());
      expect((position as Error).message).to.include('sum(0): field 0');
      const mixed = await jobFailure(
        env
          .fromCollection<{ k: number; v: number | bigint }>([
            { k: 1, v: 1n },
            { k: 1, v: 2 },
          ])
          .returns(Types.GENERIC as never)
          .keyBy((r) => r.k)
          .sum('v')
          .executeAndCollect(),
      );
      expect((mixed as Error).message).to.include('cannot add number 2 to bigint "1n"');
      const keyed = env.fromElements({ k: 1, v: 1 }).keyBy((r) => r.k);
      expect(() => keyed.sum(-1)).to.throw(ConfigurationError, /sum: the field must be a field name or a position \(integer ≥ 0\), got -1/);
      expect(() => keyed.minBy(1.5)).to.throw(ConfigurationError, /minBy: the field must be .* got 1\.5/);
      expect(() => keyed.max(null as never)).to.throw(ConfigurationError, /max: the field must be/);
    });
  });

  describe('keyed process', () => {
    it('keeps per-key state in a process function keyed by a string, equal to a reference count', async () => {
      const mem = sharedBudget('4kb');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 200 }), fc.constantFrom(...PARALLELISMS), async (xs, p) => {
          const out = await envIn(mem, p)
            .fromCollection(xs)
            .keyBy((s) => s)
            .process(
              new (class extends ProcessFunction<string, [string, number]> {
                counts = new Map<string, number>();
                processElement(s: string, _ctx: ProcessContext, out: Collector<[string, number]>) {
                  const n = (this.counts.get(s) ?? 0) + 1;
                  this.counts.set(s, n);
                  out.collect([s, n]);
                }
              })(),
            )
            .executeAndCollect();
          const seen = new Map<string, number>();
          const reference = xs.map((s): [string, number] => {
            seen.set(s, (seen.get(s) ?? 0) + 1);
            return [s, seen.get(s)!];
          });
          expectSamePerKey(out, reference, (t) => t[0], `parallelism ${p}`);
        }),
        { numRuns: 25 },
      );
    });
  });
});
