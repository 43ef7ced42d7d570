// Partitioning (rebalance, shuffle, broadcast, rescale, forward, global,
// partitionCustom, and the default between operators), parallelism per
// operator, and the operator settings name, uid, disableChaining,
// startNewChain and returns. Which subtask got which record is read from
// getRuntimeContext().getIndexOfThisSubtask() in a RichMapFunction.
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigurationError, JobExecutionError, RichMapFunction, SerializationError, Types, type DataStream, type JobExecutionResult } from 'weir';
import { bySubtask, envIn, envOf, expectSameMultiset, jobFailure, range, refusal, sharedBudget, WhereAmI } from './operatorKit.js';

/** Runs `stream` into an array with env.execute(), to read the job's metrics too. */
async function executeInto<T>(stream: { sinkTo(fn: (v: T) => void): unknown; getExecutionEnvironment(): { execute(): Promise<JobExecutionResult> } }): Promise<{ out: T[]; result: JobExecutionResult }> {
  const out: T[] = [];
  stream.sinkTo((v: T) => void out.push(v));
  const result = await stream.getExecutionEnvironment().execute();
  return { out, result };
}

/** The job's tasks as `name ×parallelism`, sorted. */
function tasksOf(result: JobExecutionResult): string[] {
  return [...new Set(result.metrics.tasks.map((t) => `${t.name} ×${t.parallelism}`))].sort();
}

describe('DataStream partitioning and operator settings', () => {
  describe('partitioners', () => {
    it('rebalance: round-robin, every subtask within one record of the others, nothing lost', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.constantFrom(2, 3), fc.constantFrom(1, 2), async (n, p, up) => {
          const env = envIn(mem, up);
          const source = up === 1 ? env.fromCollection(range(1, n)) : env.fromSequence(1, n).map((x) => x);
          const out = await source.rebalance().map(new WhereAmI<number>()).setParallelism(p).executeAndCollect();
          const seen = bySubtask(out, p);
          expectSameMultiset(seen.flat(), range(1, n));
          if (up === 1) {
            const sizes = seen.map((s) => s.length);
            expect(Math.max(...sizes) - Math.min(...sizes), `sizes ${sizes}`).to.be.at.most(1);
          } else {
            for (const s of seen) expect(s.length, 'each subtask').to.be.at.least(Math.floor(n / p) - up);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('is the default between operators of different parallelism (forward when it is the same, which chains)', async () => {
      const { out, result } = await executeInto(envOf(3).fromCollection(range(1, 90)).map(new WhereAmI<number>()).name('tag'));
      const seen = bySubtask(out, 3);
      expect(seen.map((s) => s.length)).to.deep.equal([30, 30, 30]);
      expect(tasksOf(result)).to.deep.equal(['Source: Collection Source ×1', 'tag -> Sink: Sink ×3']);
    });

    it('shuffle: every record once, spread over every subtask', async () => {
      for (const p of [2, 3]) {
        const out = await envOf(1).fromCollection(range(1, 600)).shuffle().map(new WhereAmI<number>()).setParallelism(p).executeAndCollect();
        const seen = bySubtask(out, p);
        expectSameMultiset(seen.flat(), range(1, 600));
        for (const s of seen) expect(s.length, `a subtask of ${p}`).to.be.within(600 / p / 2, (600 / p) * 1.5);
      }
    });

    it('broadcast: every record to every subtask, in order', async () => {
      for (const p of [1, 2, 3]) {
        const xs = range(1, 200).map((i) => ({ i, pad: 'z'.repeat(i % 40) }));
        const out = await envOf(1, { segmentSize: '1kb' }).fromCollection(xs).broadcast().map(new WhereAmI<(typeof xs)[number]>()).setParallelism(p).executeAndCollect();
        for (const s of bySubtask(out, p)) expect(s).to.deep.equal(xs);
      }
    });

    it('broadcast from a parallel operator: every subtask gets all records of every producer', async () => {
      const out = await envOf(2).fromSequence(1, 100).broadcast().map(new WhereAmI<number>()).setParallelism(3).executeAndCollect();
      for (const s of bySubtask(out, 3)) expectSameMultiset(s, range(1, 100));
    });

    it('rescale: each producer feeds only its own subset of consumers (2 → 4 and 4 → 2)', async () => {
      // fromSequence(1, 400) at parallelism 2: subtask 0 reads 1..200, subtask 1 reads 201..400.
      const up = await envOf(2).fromSequence(1, 400).rescale().map(new WhereAmI<number>()).setParallelism(4).executeAndCollect();
      const fanOut = bySubtask(up, 4);
      expectSameMultiset([...fanOut[0]!, ...fanOut[1]!], range(1, 200), 'consumers 0 and 1: producer 0');
      expectSameMultiset([...fanOut[2]!, ...fanOut[3]!], range(201, 400), 'consumers 2 and 3: producer 1');
      for (const s of fanOut) expect(s.length).to.equal(100);
      // At parallelism 4, subtask i reads (100 i, 100 (i+1)]; consumer 0 gets producers 0 and 1.
      const down = await envOf(4).fromSequence(1, 400).rescale().map(new WhereAmI<number>()).setParallelism(2).executeAndCollect();
      const fanIn = bySubtask(down, 2);
      expectSameMultiset(fanIn[0]!, range(1, 200), 'consumer 0');
      expectSameMultiset(fanIn[1]!, range(201, 400), 'consumer 1');
    });

    it('forward: subtask i to subtask i, through the network when chaining is off', async () => {
      for (const p of [1, 2, 3]) {
        const { out, result } = await executeInto(envOf(p).fromSequence(1, 300).map((x) => x).name('pre').forward().map(new WhereAmI<number>()).name('post').disableChaining());
        const seen = bySubtask(out, p);
        for (let i = 0; i < p; i++) {
          const from = Math.floor((i * 300) / p) + 1;
          const to = Math.floor(((i + 1) * 300) / p);
          expect([...seen[i]!].sort((a, b) => a - b), `subtask ${i}`).to.deep.equal(range(from, to));
        }
        expect(tasksOf(result)).to.deep.equal([`Source: Sequence Source -> pre ×${p}`, `Sink: Sink ×${p}`, `post ×${p}`].sort());
      }
    });

    it('forward with a change of parallelism is refused at execute, naming both operators', async () => {
      const e = await refusal(() => envOf(2).fromElements(1, 2).name('numbers').forward().map((x) => x).name('double').executeAndCollect());
      expect(e).to.be.instanceOf(ConfigurationError);
      expect(e.message).to.equal(
        'Forward partitioning does not allow a change of parallelism: "numbers" has parallelism 1, "double" 2; use rebalance(), rescale(), shuffle(), broadcast() or global()',
      );
      const e2 = await refusal(() => envOf(3).fromSequence(1, 9).map((x) => x).name('three').forward().map((x) => x).setParallelism(2).executeAndCollect());
      expect(e2.message).to.include('"three" has parallelism 3, "Map" 2');
    });

    it('global: every record to subtask 0, in order', async () => {
      for (const p of [1, 2, 3]) {
        const out = await envOf(p).fromCollection(range(1, 100)).global().map(new WhereAmI<number>()).setParallelism(p).executeAndCollect();
        const seen = bySubtask(out, p);
        expect(seen[0]).to.deep.equal(range(1, 100));
        for (const s of seen.slice(1)) expect(s).to.deep.equal([]);
      }
    });

    it('partitionCustom: each record to the subtask the partitioner picks for its key', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ id: fc.nat(1000), name: fc.string({ maxLength: 5 }) }), { maxLength: 100 }), fc.constantFrom(1, 2, 3), async (xs, p) => {
          const calls: number[] = [];
          const out = await envIn(mem, 1)
            .fromCollection(xs)
            .partitionCustom(
              (key: number, n: number) => {
                calls.push(n);
                return (key * 7) % n;
              },
              (r) => r.id,
            )
            .map(new WhereAmI<(typeof xs)[number]>())
            .setParallelism(p)
            .executeAndCollect();
          const seen = bySubtask(out, p);
          for (let i = 0; i < p; i++) expect(seen[i], `subtask ${i}`).to.deep.equal(xs.filter((r) => (r.id * 7) % p === i));
          expect(calls.length, 'the partitioner is asked once per record').to.equal(xs.length);
          for (const n of calls) expect(n).to.equal(p);
        }),
        { numRuns: 25 },
      );
    });

    it('partitionCustom: an index out of range, or not an integer, fails the job naming the index and the range', async () => {
      for (const [p, index] of [
        [2, 2],
        [3, -1],
        [2, 0.5],
        [1, 1],
      ] as const) {
        const job = envOf(1)
          .fromCollection(range(1, 10))
          .name('numbers')
          .partitionCustom((k: number) => (k === 4 ? index : 0), (x) => x)
          .map((x) => x)
          .setParallelism(p)
          .executeAndCollect();
        const e = await jobFailure(job);
        expect(e, `p=${p}, index ${index}`).to.be.instanceOf(JobExecutionError);
        expect((e as JobExecutionError).record).to.equal(4);
        expect((e as Error).message).to.include(`partitionCustom: the partitioner returned ${index}; it must be an integer from 0 to ${p - 1}`);
        expect((e as Error).message).to.include('"numbers"');
      }
    });

    it('partitionCustom: a throwing partitioner or key selector fails naming the record; a partitioner that is not a function is refused', async () => {
      const e = await jobFailure(
        envOf(2)
          .fromCollection(range(1, 50))
          .partitionCustom(
            (k: number) => {
              if (k === 30) throw new Error('no partition for 30');
              return 0;
            },
            (x) => x,
          )
          .map((x) => x)
          .executeAndCollect(),
      );
      expect(e).to.be.instanceOf(JobExecutionError);
      expect((e as JobExecutionError).record).to.equal(30);
      expect((e as Error).message).to.include('no partition for 30');
      const s = envOf(2).fromElements(1);
      expect(() => s.partitionCustom(3 as never, (x) => x)).to.throw(ConfigurationError, /partitionCustom: the partitioner must be a function, got number/);
      expect(() => s.partitionCustom(() => 0, 'id' as never)).to.throw(ConfigurationError, /partitionCustom: expected a function or an object with a getKey\(\) method, got string/);
    });

    it('every partitioner on empty input and on one record', async () => {
      const ways: Record<string, (s: DataStream<number>) => DataStream<number>> = {
        rebalance: (s) => s.rebalance(),
        shuffle: (s) => s.shuffle(),
        broadcast: (s) => s.broadcast(),
        rescale: (s) => s.rescale(),
        global: (s) => s.global(),
        custom: (s) => s.partitionCustom((k: number, n: number) => k % n, (x) => x),
      };
      for (const [name, way] of Object.entries(ways)) {
        expect(await way(envOf(1).fromCollection<number>([])).map((x: number) => x).setParallelism(3).executeAndCollect(), `${name}, empty`).to.deep.equal([]);
        const one = await way(envOf(1).fromElements(5)).map((x: number) => x).setParallelism(3).executeAndCollect();
        expect(one, `${name}, one record`).to.deep.equal(name === 'broadcast' ? [5, 5, 5] : [5]);
      }
    });
  });

  describe('parallelism per operator', () => {
    it('each operator runs at its own parallelism and sees every subtask index', async () => {
      const env = envOf(2);
      class Check extends RichMapFunction<number, number> {
        constructor(private readonly label: string) {
          super();
        }
        map(x: number) {
          const c = this.getRuntimeContext();
          seen.push(`${this.label} ${c.getIndexOfThisSubtask()}/${c.getNumberOfParallelSubtasks()}`);
          return x;
        }
      }
      const seen: string[] = [];
      const { out, result } = await executeInto(
        env
          .fromSequence(1, 600)
          .setParallelism(3)
          .map(new Check('a'))
          .name('a')
          .setParallelism(3)
          .map(new Check('b'))
          .name('b')
          .setParallelism(1)
          .map(new Check('c'))
          .name('c')
          .setParallelism(3)
          .map(new Check('d'))
          .name('d'),
      );
      expectSameMultiset(out, range(1, 600));
      expect([...new Set(seen)].sort()).to.deep.equal(['a 0/3', 'a 1/3', 'a 2/3', 'b 0/1', 'c 0/3', 'c 1/3', 'c 2/3', 'd 0/2', 'd 1/2']);
      expect(tasksOf(result)).to.deep.equal(['Source: Sequence Source -> a ×3', 'b ×1', 'c ×3', 'd -> Sink: Sink ×2']);
      expect(result.metrics.tasks.length).to.equal(3 + 1 + 3 + 2);
    });

    it('at parallelism 1, 2 and 3 of the environment, operators default to it', async () => {
      for (const p of [1, 2, 3]) {
        const out = await envOf(p).fromSequence(1, 60).map(new WhereAmI<number>()).executeAndCollect();
        const seen = bySubtask(out, p);
        expect(seen.map((s) => s.length)).to.deep.equal(Array.from({ length: p }, () => 60 / p));
      }
    });

    it('a non-parallel source refuses a parallelism above 1, naming the source', async () => {
      for (const make of [(env: ReturnType<typeof envOf>) => env.fromElements(1, 2), (env: ReturnType<typeof envOf>) => env.fromCollection([1, 2])]) {
        const e = await refusal(() => make(envOf(2)).setParallelism(2).executeAndCollect());
        expect(e).to.be.instanceOf(ConfigurationError);
        expect(e.message).to.equal('"Collection Source" is not a parallel source: its parallelism must be 1, got 2');
      }
      expect(await envOf(2).fromElements(1, 2).setParallelism(1).executeAndCollect()).to.have.members([1, 2]);
    });

    it('refuses parallelism that is not an integer ≥ 1, or above the max parallelism', async () => {
      const s = envOf(1).fromElements(1).map((x) => x).name('m');
      for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => s.setParallelism(bad), String(bad)).to.throw(ConfigurationError, /^m: parallelism must be an integer ≥ 1, got/);
      const e = await refusal(() => envOf(1, { maxParallelism: 4 }).fromSequence(1, 10).map((x) => x).name('wide').setParallelism(5).executeAndCollect());
      expect(e.message).to.equal('"wide": parallelism 5 is above the max parallelism 4');
    });
  });

  describe('chaining, names, uids and types', () => {
    const pipeline = (env: ReturnType<typeof envOf>) => env.fromSequence(1, 50).name('numbers').map((x) => x + 1).name('plus').filter((x) => x % 2 === 0).name('even');

    it('chains operators of equal parallelism and forward edges into one task', async () => {
      const { out, result } = await executeInto(pipeline(envOf(2)).map((x) => x).name('last'));
      expectSameMultiset(out, range(2, 51).filter((x) => x % 2 === 0));
      expect(tasksOf(result)).to.deep.equal(['Source: numbers -> plus -> even -> last -> Sink: Sink ×2']);
    });

    it('disableChaining: the operator runs in a task of its own', async () => {
      const { out, result } = await executeInto(pipeline(envOf(2)).disableChaining().map((x) => x).name('last'));
      expectSameMultiset(out, range(2, 51).filter((x) => x % 2 === 0));
      expect(tasksOf(result)).to.deep.equal(['Source: numbers -> plus ×2', 'even ×2', 'last -> Sink: Sink ×2']);
    });

    it('startNewChain: a new chain starts at the operator and continues after it', async () => {
      const { out, result } = await executeInto(pipeline(envOf(2)).startNewChain().map((x) => x).name('last'));
      expectSameMultiset(out, range(2, 51).filter((x) => x % 2 === 0));
      expect(tasksOf(result)).to.deep.equal(['Source: numbers -> plus ×2', 'even -> last -> Sink: Sink ×2']);
    });

    it('chained operators pass the same object; across a task boundary it is a copy', async () => {
      const env = envOf(1);
      const made: object[] = [];
      const sameChained: boolean[] = [];
      const sameAcross: boolean[] = [];
      const s = env.fromElements(1, 2).map((i) => {
        const o = { i };
        made.push(o);
        return o;
      });
      s.map((o) => sameChained.push(made.includes(o))).sinkTo(() => undefined);
      s.map((o) => sameAcross.push(made.includes(o))).disableChaining().sinkTo(() => undefined);
      await env.execute();
      expect(sameChained).to.deep.equal([true, true]);
      expect(sameAcross).to.deep.equal([false, false]);
    });

    it('name: names the task, the runtime context and errors; an empty name is refused', async () => {
      let taskName = '';
      class Named extends RichMapFunction<number, number> {
        override open() {
          taskName = this.getRuntimeContext().getTaskName();
        }
        map(x: number) {
          if (x === 3) throw new Error('three');
          return x;
        }
      }
      const e = await jobFailure(envOf(1).fromElements(1, 2, 3).map(new Named()).name('my operator').executeAndCollect());
      expect(taskName).to.equal('my operator');
      expect((e as JobExecutionError).operator).to.equal('my operator');
      expect(() => envOf(1).fromElements(1).map((x) => x).name('')).to.throw(ConfigurationError, /name: expected a non-empty string, got ""/);
      expect(() => envOf(1).fromElements(1).sinkTo(() => undefined).name('')).to.throw(ConfigurationError, /name: expected a non-empty string/);
    });

    it('uid: shows in errors and metrics; the same uid twice is refused naming both', async () => {
      const env = envOf(2);
      const e = await jobFailure(
        env
          .fromElements(1)
          .map((): number => {
            throw new Error('x');
          })
          .name('mapper')
          .uid('mapper-v1')
          .executeAndCollect(),
      );
      expect((e as JobExecutionError).uid).to.equal('mapper-v1');
      expect((e as Error).message).to.match(/^Operator "mapper" \(uid "mapper-v1"\) subtask 1\/2 failed on record 1: x$/);

      const { result } = await executeInto(env.fromSequence(1, 4).map((x) => x).uid('m1'));
      expect(result.metrics.tasks[0]!.operators.map((o) => o.uid)).to.deep.equal([undefined, 'm1', undefined]);

      const a = env.fromElements(1).map((x) => x).name('first').uid('same');
      a.uid('same'); // the same operator again: fine
      expect(() => a.map((x) => x).uid('same')).to.throw(ConfigurationError, /^uid "same" is already used by "first"$/);
      expect(() => a.sinkTo(() => undefined).uid('same'), 'a sink').to.throw(ConfigurationError, /^uid "same" is already used by "first"$/);
      expect(() => a.uid('')).to.throw(ConfigurationError, /uid: expected a non-empty string/);
    });

    it('uid: a job that was executed frees its uids for the next job built on the environment', async () => {
      const env = envOf(1);
      const build = () => env.fromElements(1, 2).map((x) => x * 2).uid('doubler');
      expect(await build().executeAndCollect()).to.deep.equal([2, 4]);
      expect(await build().executeAndCollect()).to.deep.equal([2, 4]);
    });

    it('returns: records cross the network as the declared type', async () => {
      const xs = [0.1, 1.5, 2 ** 40 + 0.5];
      const declared = await envOf(2).fromCollection(xs).map((x) => x).returns(Types.FLOAT).rebalance().map((x) => x).executeAndCollect();
      expectSameMultiset(declared, xs.map((x) => Math.fround(x)));
      const inferred = await envOf(2).fromCollection(xs).map((x) => x).rebalance().map((x) => x).executeAndCollect();
      expectSameMultiset(inferred, xs);
      // The type argument of map does the same as returns.
      const typed = await envOf(2).fromCollection(xs).map((x) => x, Types.FLOAT).rebalance().map((x) => x).executeAndCollect();
      expectSameMultiset(typed, xs.map((x) => Math.fround(x)));
    });

    it('returns: a record that does not match the declared type fails naming the operator that emitted it and the field', async () => {
      const e = await jobFailure(
        envOf(1)
          .fromElements({ id: 1, name: 'a' }, { id: 2, name: 7 as unknown as string })
          .map((r) => r)
          .name('emitter')
          .returns(Types.OBJECT({ id: Types.INT, name: Types.STRING }))
          .rebalance()
          .map((r) => r)
          .setParallelism(2)
          .executeAndCollect(),
      );
      expect(e).to.be.instanceOf(JobExecutionError);
      expect((e as JobExecutionError).operator).to.equal('emitter');
      expect((e as JobExecutionError).record).to.deep.equal({ id: 2, name: 7 });
      expect((e as JobExecutionError).cause).to.be.instanceOf(SerializationError);
      expect((e as Error).message).to.include('name: expected STRING');
    });
  });
});
