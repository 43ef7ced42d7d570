// Two-stream operators: union (same type, merged) and connect (two inputs,
// possibly of different types, for a CoMap, CoFlatMap or CoProcess function,
// optionally keyed on both sides), against plain-JS references.
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigurationError, CoProcessFunction, OutputTag, StreamExecutionEnvironment, Types, type Collector, type CoFlatMapFunction, type CoMapFunction, type ProcessContext } from 'weir';
import { bySubtask, envIn, envOf, expectOperatorFailure, expectSameMultiset, groupBy, jobFailure, range, refusal, sharedBudget, WhereAmI, type At } from './operatorKit.js';

const PARALLELISMS = [1, 2, 3] as const;
const ints = fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 80 });

/** True when `sub` appears in `seq` in order (not necessarily contiguous). */
function isSubsequence<T>(sub: readonly T[], seq: readonly T[]): boolean {
  let i = 0;
  for (const x of seq) if (i < sub.length && x === sub[i]) i++;
  return i === sub.length;
}

describe('DataStream union and connect', () => {
  describe('union', () => {
    it('holds every record of every input, as a multiset, at parallelism 1, 2 and 3; at 1 each input keeps its order', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(ints, ints, ints, fc.integer({ min: 0, max: 60 }), fc.constantFrom(...PARALLELISMS), async (a, b, c, n, p) => {
          const env = envIn(mem, p);
          const tagged = (xs: number[], tag: string) => xs.map((x) => `${tag}${x}`);
          const sa = env.fromCollection(tagged(a, 'a'));
          const sb = env.fromCollection(tagged(b, 'b'));
          const sc = env.fromCollection(tagged(c, 'c')).map((s) => s).setParallelism(3);
          const seq = env.fromSequence(1, n + 1).map((i) => `s${i}`);
          const out = await sa.union(sb, sc, seq).map((s) => s).setParallelism(p).executeAndCollect();
          const expected = [...tagged(a, 'a'), ...tagged(b, 'b'), ...tagged(c, 'c'), ...range(1, n + 1).map((i) => `s${i}`)];
          expectSameMultiset(out, expected, `parallelism ${p}`);
          if (p === 1) {
            expect(isSubsequence(tagged(a, 'a'), out), 'first input in order').to.equal(true);
            expect(isSubsequence(tagged(b, 'b'), out), 'second input in order').to.equal(true);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('of a stream with itself holds each record twice (as in Flink)', async () => {
      for (const p of PARALLELISMS) {
        const s = envOf(p).fromCollection(range(1, 20));
        expectSameMultiset(await s.union(s).executeAndCollect(), [...range(1, 20), ...range(1, 20)], `parallelism ${p}`);
      }
    });

    it('runs on empty inputs and one record, and with no other stream', async () => {
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        expect(await env.fromCollection<number>([]).union(env.fromCollection<number>([])).map((x) => x).executeAndCollect()).to.deep.equal([]);
        expect(await env.fromElements(1).union(env.fromCollection<number>([])).map((x) => x + 1).executeAndCollect()).to.deep.equal([2]);
        expectSameMultiset(await env.fromElements(1, 2).union().executeAndCollect(), [1, 2]);
      }
    });

    it('of a main and a side output, keyed after the union: per-key totals equal the reference', async () => {
      const odd = new OutputTag<{ k: number; v: number }>('odd');
      const env = envOf(3);
      const main = env
        .fromCollection(range(1, 200))
        .process((x: number, ctx: ProcessContext, out: Collector<{ k: number; v: number }>) => (x % 2 ? ctx.output(odd, { k: x % 5, v: x }) : out.collect({ k: x % 5, v: x })));
      const sums = await main
        .union(main.getSideOutput(odd))
        .keyBy((r) => r.k)
        .sum('v')
        .executeAndCollect();
      expect(sums.length).to.equal(200);
      const finals = new Map<number, number>();
      for (const r of sums) finals.set(r.k, Math.max(finals.get(r.k) ?? 0, r.v));
      for (const k of [0, 1, 2, 3, 4]) expect(finals.get(k), `key ${k}`).to.equal(range(1, 200).filter((x) => x % 5 === k).reduce((t, x) => t + x, 0));
    });

    it('refuses streams of another environment', () => {
      const a = envOf(1).fromElements(1);
      const b = StreamExecutionEnvironment.getExecutionEnvironment().fromElements(2);
      expect(() => a.union(b)).to.throw(ConfigurationError, /union: all streams must come from the same StreamExecutionEnvironment/);
    });

    it('fails with the operator after the union and the record named', async () => {
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        const job = env
          .fromCollection(range(0, 300))
          .union(env.fromCollection(range(1000, 1300)))
          .map((x) => {
            if (x === 1150) throw new Error('from the second input');
            return x;
          })
          .name('after union')
          .executeAndCollect();
        expectOperatorFailure(await jobFailure(job), 'after union', 1150, 'from the second input');
      }
    });
  });

  describe('connect', () => {
    const coMap: CoMapFunction<number, string, string> = {
      map1: (x) => `n${x}`,
      map2: (s) => `s${s.length}`,
    };

    it('map: map1 on the first input, map2 on the second, as a multiset; at parallelism 1 each input keeps its order', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(ints, fc.array(fc.string({ maxLength: 30 }), { maxLength: 60 }), fc.constantFrom(...PARALLELISMS), async (a, b, p) => {
          const env = envIn(mem, p);
          const out = await env.fromCollection(a).connect(env.fromCollection(b)).map(coMap).setParallelism(p).executeAndCollect();
          expectSameMultiset(out, [...a.map(coMap.map1), ...b.map(coMap.map2)], `parallelism ${p}`);
          if (p === 1) {
            expect(out.filter((s) => s.startsWith('n'))).to.deep.equal(a.map(coMap.map1));
            expect(out.filter((s) => s.startsWith('s'))).to.deep.equal(b.map(coMap.map2));
          }
        }),
        { numRuns: 30 },
      );
    });

    it('flatMap: flatMap1 and flatMap2, equal to the reference', async () => {
      const mem = sharedBudget('1kb');
      const fm: CoFlatMapFunction<number, { word: string }, string> = {
        flatMap1: (x, out) => range(1, Math.abs(x) % 4).forEach((i) => out.collect(`${x}.${i}`)),
        flatMap2: (r, out) => r.word.split('').forEach((ch) => out.collect(ch)),
      };
      await fc.assert(
        fc.asyncProperty(ints, fc.array(fc.record({ word: fc.string({ maxLength: 6 }) }), { maxLength: 40 }), fc.constantFrom(...PARALLELISMS), async (a, b, p) => {
          const env = envIn(mem, p);
          const out = await env.fromCollection(a).connect(env.fromCollection(b)).flatMap(fm).executeAndCollect();
          const reference: string[] = [];
          const collector = { collect: (s: string) => void reference.push(s) };
          a.forEach((x) => fm.flatMap1(x, collector));
          b.forEach((r) => fm.flatMap2(r, collector));
          expectSameMultiset(out, reference, `parallelism ${p}`);
        }),
        { numRuns: 25 },
      );
    });

    it('process: a CoProcessFunction with side outputs and its runtime context', async () => {
      const rejects = new OutputTag<string>('rejects');
      class Join extends CoProcessFunction<number, string, string> {
        processElement1(x: number, ctx: ProcessContext, out: Collector<string>) {
          if (x < 0) ctx.output(rejects, `neg ${x}`);
          else out.collect(`num ${x} @${this.getRuntimeContext().getNumberOfParallelSubtasks()}`);
        }
        processElement2(s: string, ctx: ProcessContext, out: Collector<string>) {
          if (s === '') ctx.output(rejects, 'empty');
          else out.collect(`str ${s} @${this.getRuntimeContext().getNumberOfParallelSubtasks()}`);
        }
      }
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        const main: string[] = [];
        const side: string[] = [];
        const joined = env.fromElements(1, -2, 3).connect(env.fromElements('a', '', 'b')).process(new Join()).name('join');
        joined.sinkTo((s) => void main.push(s));
        joined.getSideOutput(rejects).sinkTo((s) => void side.push(s));
        await env.execute();
        expectSameMultiset(main, [`num 1 @${p}`, `num 3 @${p}`, `str a @${p}`, `str b @${p}`], `main, p=${p}`);
        expectSameMultiset(side, ['neg -2', 'empty'], `side, p=${p}`);
      }
    });

    it('runs when one input or both are empty, and on one record', async () => {
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        expect(await env.fromCollection<number>([]).connect(env.fromCollection<string>([])).map(coMap).executeAndCollect()).to.deep.equal([]);
        expect(await env.fromElements(4).connect(env.fromCollection<string>([])).map(coMap).executeAndCollect()).to.deep.equal(['n4']);
        expect(await env.fromCollection<number>([]).connect(env.fromElements('xyz')).map(coMap).executeAndCollect()).to.deep.equal(['s3']);
      }
    });

    it('keyBy(k1, k2): records of both inputs with equal keys meet in one subtask, equal to a per-key reference', async () => {
      const mem = sharedBudget('1kb');
      const orders = fc.array(fc.record({ user: fc.integer({ min: 0, max: 40 }), amount: fc.integer({ min: 1, max: 9 }) }), { maxLength: 80 });
      const names = fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), name: fc.string({ maxLength: 4 }) }), { maxLength: 40 });
      await fc.assert(
        fc.asyncProperty(orders, names, fc.constantFrom(...PARALLELISMS), async (os, ns, p) => {
          const env = envIn(mem, p);
          // Per instance: how many records of each key it saw from either side.
          class Count extends CoProcessFunction<{ user: number; amount: number }, { id: number; name: string }, { key: number; seen: number; subtask: number }> {
            private readonly seen = new Map<number, number>();
            private bump(key: number, out: Collector<{ key: number; seen: number; subtask: number }>) {
              const n = (this.seen.get(key) ?? 0) + 1;
              this.seen.set(key, n);
              out.collect({ key, seen: n, subtask: this.getRuntimeContext().getIndexOfThisSubtask() });
            }
            processElement1(o: { user: number; amount: number }, _ctx: ProcessContext, out: Collector<{ key: number; seen: number; subtask: number }>) {
              this.bump(o.user, out);
            }
            processElement2(n: { id: number; name: string }, _ctx: ProcessContext, out: Collector<{ key: number; seen: number; subtask: number }>) {
              this.bump(n.id, out);
            }
          }
          const out = await env
            .fromCollection(os)
            .connect(env.fromCollection(ns).map((n) => n).setParallelism(2))
            .keyBy(
              (o) => o.user,
              (n) => n.id,
            )
            .process(new Count())
            .executeAndCollect();
          const perKey = groupBy(out, (r) => r.key);
          const reference = groupBy([...os.map((o) => o.user), ...ns.map((n) => n.id)], (k) => k);
          expect([...perKey.keys()].sort((x, y) => x - y)).to.deep.equal([...reference.keys()].sort((x, y) => x - y));
          for (const [key, records] of perKey) {
            expect(new Set(records.map((r) => r.subtask)).size, `key ${key} in one subtask`).to.equal(1);
            // One instance saw every record of the key: counts 1..n.
            expect(records.map((r) => r.seen).sort((x, y) => x - y), `key ${key}`).to.deep.equal(range(1, reference.get(key)!.length));
          }
        }),
        { numRuns: 30 },
      );
    });

    it('keyBy(k1, k2) with a declared key type, and string keys against number keys made strings', async () => {
      const env = envOf(3);
      const out = await env
        .fromCollection(range(0, 99))
        .connect(env.fromCollection(range(0, 99).map((i) => `${i % 10}`)))
        .keyBy(
          (x) => `${x % 10}`,
          (s) => s,
          Types.STRING,
        )
        .map(new (class {
          map1(x: number) {
            return { side: 1, key: `${x % 10}` };
          }
          map2(s: string) {
            return { side: 2, key: s };
          }
        })() as CoMapFunction<number, string, { side: number; key: string }>)
        .map(new WhereAmI<{ side: number; key: string }>())
        .executeAndCollect();
      const home = new Map<string, number>();
      for (const r of out as At<{ side: number; key: string }>[]) {
        expect(home.get(r.value.key) ?? r.subtask, `key ${r.value.key}`).to.equal(r.subtask);
        home.set(r.value.key, r.subtask);
      }
      expect(home.size).to.equal(10);
      expect(bySubtask(out, 3).flat().length).to.equal(200);
    });

    for (const p of PARALLELISMS) {
      it(`fails naming the operator and a record of either input (parallelism ${p})`, async () => {
        const env = envOf(p, { segmentSize: '1kb' });
        const first = await jobFailure(
          env
            .fromCollection(range(0, 400))
            .connect(env.fromCollection(range(0, 400).map((i) => ({ i }))))
            .map({
              map1: (x: number) => {
                if (x === 399) throw new Error('first input broke');
                return x;
              },
              map2: (r: { i: number }) => r.i,
            })
            .name('co-map')
            .executeAndCollect(),
        );
        expectOperatorFailure(first, 'co-map', 399, 'first input broke');
        const second = await jobFailure(
          env
            .fromCollection(range(0, 400))
            .connect(env.fromCollection(range(0, 400).map((i) => ({ i }))))
            .flatMap({
              flatMap1: (x: number, out: Collector<number>) => out.collect(x),
              flatMap2: (r: { i: number }, out: Collector<number>) => {
                if (r.i === 7) throw new Error('second input broke');
                out.collect(r.i);
              },
            })
            .name('co-flat')
            .executeAndCollect(),
        );
        expectOperatorFailure(second, 'co-flat', { i: 7 }, 'second input broke');
        const keyed = await jobFailure(
          env
            .fromCollection(range(0, 100))
            .connect(env.fromCollection(['a', 'b', 'boom']))
            .keyBy(
              (x) => String(x),
              (s) => s,
            )
            .process(
              new (class extends CoProcessFunction<number, string, string> {
                processElement1(x: number, _c: ProcessContext, out: Collector<string>) {
                  out.collect(String(x));
                }
                processElement2(s: string) {
                  if (s === 'boom') throw new Error('keyed co-process broke');
                }
              })(),
            )
            .name('co-process')
            .executeAndCollect(),
        );
        expectOperatorFailure(keyed, 'co-process', 'boom', 'keyed co-process broke');
      });
    }

    it('refuses a function where an object with both methods is needed, and streams of another environment', async () => {
      const env = envOf(1);
      const c = env.fromElements(1).connect(env.fromElements('a'));
      const e1 = await refusal(() => c.map(((x: number) => x) as never).executeAndCollect());
      expect(e1).to.be.instanceOf(ConfigurationError);
      expect(e1.message).to.equal('map on connected streams (Co-Map): expected an object with map1() and map2() methods, got function');
      const e2 = await refusal(() => env.fromElements(1).connect(env.fromElements('a')).flatMap({ flatMap1: () => undefined } as never).executeAndCollect());
      expect(e2).to.be.instanceOf(ConfigurationError);
      expect(e2.message).to.equal('flatMap on connected streams (Co-Flat Map): expected an object with flatMap1() and flatMap2() methods');
      expect(() => env.fromElements(1).connect(envOf(1).fromElements(2))).to.throw(ConfigurationError, /connect: both streams must come from the same StreamExecutionEnvironment/);
    });
  });
});
