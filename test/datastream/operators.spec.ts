// The one-input operators of the DataStream API: map, flatMap, filter and
// process (with side outputs), against plain-JS references at parallelism 1
// (order kept) and 2 and 3 (as multisets); empty input, one record, records
// that span buffers; rich functions' lifecycle and runtime context; and user
// functions that throw: the job fails with a JobExecutionError naming the
// operator and the record, without hanging and with every buffer back.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  ConfigurationError,
  JobExecutionError,
  KeyedProcessFunction,
  OutputTag,
  ProcessFunction,
  RichFilterFunction,
  RichFlatMapFunction,
  RichMapFunction,
  Types,
  type Collector,
  type KeyedProcessContext,
  type ProcessContext,
} from 'weir';
import { envIn, envOf, expectOperatorFailure, expectSameMultiset, jobFailure, range, refusal, render, sharedBudget } from './operatorKit.js';

const PARALLELISMS = [1, 2, 3] as const;
const ints = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 120 });

describe('DataStream operators', () => {
  describe('map', () => {
    it('equals Array.prototype.map: in order at parallelism 1, as a multiset at 2 and 3', async () => {
      const mem = sharedBudget('1kb');
      for (const p of PARALLELISMS) {
        await fc.assert(
          fc.asyncProperty(ints, async (xs) => {
            const f = (x: number) => ({ x, label: `#${x}`.repeat(Math.abs(x) % 7) });
            const out = await envIn(mem, p).fromCollection(xs).map(f).setParallelism(p).executeAndCollect();
            if (p === 1) expect(out).to.deep.equal(xs.map(f));
            else expectSameMultiset(out, xs.map(f), `parallelism ${p}`);
          }),
          { numRuns: 20 },
        );
      }
    });

    it('runs on empty input and on one record', async () => {
      for (const p of PARALLELISMS) {
        expect(await envOf(p).fromCollection<number>([]).map((x) => x + 1).executeAndCollect(), `empty, p=${p}`).to.deep.equal([]);
        expect(await envOf(p).fromElements(41).map((x) => x + 1).executeAndCollect(), `one, p=${p}`).to.deep.equal([42]);
      }
    });

    it('carries records larger than a buffer (1 KiB segments, 5 KiB records) across the network', async () => {
      const xs = range(0, 40).map((i) => String.fromCharCode(97 + (i % 26)).repeat(5000 + i));
      const out = await envOf(3, { segmentSize: '1kb' }).fromCollection(xs).map((s) => s.toUpperCase()).executeAndCollect();
      expectSameMultiset(out, xs.map((s) => s.toUpperCase()));
    });

    it('takes an object with a map method, copied per subtask (each copy counts its own records)', async () => {
      const counter = {
        n: 0,
        map(_x: number) {
          this.n++;
          return this.n;
        },
      };
      const out = await envOf(2).fromCollection(range(1, 10)).rebalance().map(counter).executeAndCollect();
      // Two subtasks, round-robin: each copy counted 1..5; the original object was never touched.
      expect([...out].sort((a, b) => a - b)).to.deep.equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
      expect(counter.n).to.equal(0);
    });

    it('gives a RichMapFunction its runtime context, open before the first record and close after the last, per subtask', async () => {
      const events: string[] = [];
      class Scale extends RichMapFunction<number, number> {
        factor = 0;
        override open() {
          const c = this.getRuntimeContext();
          this.factor = 10 * (c.getIndexOfThisSubtask() + 1);
          events.push(`open ${c.getTaskName()} ${c.getIndexOfThisSubtask()}/${c.getNumberOfParallelSubtasks()} max=${c.getMaxNumberOfParallelSubtasks()} job=${c.getJobName()}`);
        }
        map(x: number) {
          events.push(`map ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
          return x * this.factor;
        }
        override close() {
          events.push(`close ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
        }
      }
      const out = await envOf(2, { maxParallelism: 64 }).fromCollection([1, 2, 3, 4]).rebalance().map(new Scale()).name('scale').executeAndCollect({ jobName: 'rich' });
      expectSameMultiset(out, [10, 30, 40, 80]);
      for (const s of [0, 1]) {
        const mine = events.filter((e) => e.endsWith(` ${s}`) || e.includes(` ${s}/`));
        expect(mine[0]).to.equal(`open scale ${s}/2 max=64 job=rich`);
        expect(mine.slice(1, -1)).to.deep.equal([`map ${s}`, `map ${s}`]);
        expect(mine.at(-1)).to.equal(`close ${s}`);
      }
      expect(() => new Scale().getRuntimeContext()).to.throw(ConfigurationError, /Scale: getRuntimeContext\(\) is available once the job runs/);
    });

    for (const p of PARALLELISMS) {
      for (const [where, at] of [
        ['the first', 0],
        ['a middle', 1234],
        ['the last', 2999],
      ] as const) {
        it(`fails the job with a JobExecutionError naming the operator and ${where} record (parallelism ${p})`, async () => {
          const xs = range(0, 2999).map((i) => ({ id: i, pad: 'x'.repeat(i % 50) }));
          const job = envOf(p, { segmentSize: '1kb' })
            .fromCollection(xs)
            .map((r) => {
              if (r.id === at) throw new Error(`bad id ${r.id}`);
              return r;
            })
            .name('checker')
            .setParallelism(p)
            .executeAndCollect();
          const e = expectOperatorFailure(await jobFailure(job), 'checker', xs[at], `bad id ${at}`);
          expect(e.subtask).to.be.within(0, p - 1);
          expect(e.cause).to.be.instanceOf(Error);
          expect((e.cause as Error).message).to.equal(`bad id ${at}`);
        });
      }
    }

    it('fails the job on one record, a thrown non-Error included', async () => {
      const job = envOf(2).fromElements('only').map((): string => {
        throw 'plain string'; // eslint-disable-line no-throw-literal
      }).name('thrower').executeAndCollect();
      const e = expectOperatorFailure(await jobFailure(job), 'thrower', 'only', 'plain string');
      expect(e.cause).to.equal('plain string');
    });

    it('fails with the failing operator named when it is chained behind others, and runs close() of every subtask', async () => {
      const closed: number[] = [];
      class Closing extends RichMapFunction<number, number> {
        map(x: number) {
          if (x === 77) throw new RangeError('seventy-seven');
          return x;
        }
        override close() {
          closed.push(this.getRuntimeContext().getIndexOfThisSubtask());
        }
      }
      const job = envOf(2)
        .fromSequence(1, 200)
        .map((x) => x * 1)
        .name('first')
        .map(new Closing())
        .name('second')
        .map((x) => x)
        .name('third')
        .executeAndCollect();
      const e = expectOperatorFailure(await jobFailure(job), 'second', 77, 'seventy-seven');
      expect(e.cause).to.be.instanceOf(RangeError);
      expect(closed.sort()).to.deep.equal([0, 1]);
    });

    it('an environment runs another job after one failed', async () => {
      const env = envOf(2);
      await jobFailure(
        env
          .fromElements(1, 2)
          .map((): number => {
            throw new Error('no');
          })
          .executeAndCollect(),
      );
      expect(await env.fromElements(1, 2).map((x) => x * 3).executeAndCollect()).to.have.members([3, 6]);
    });

    it('fails in open() with the operator named and no record', async () => {
      class BadOpen extends RichMapFunction<number, number> {
        override open() {
          throw new Error('cannot connect');
        }
        map(x: number) {
          return x;
        }
      }
      const e = await jobFailure(envOf(2).fromElements(1, 2, 3).map(new BadOpen()).name('opener').executeAndCollect());
      expect(e).to.be.instanceOf(JobExecutionError);
      expect((e as JobExecutionError).operator).to.equal('opener');
      expect((e as JobExecutionError).record).to.equal(undefined);
      expect((e as Error).message).to.match(/^Operator "opener" subtask \d\/2 failed: cannot connect$/);
    });

    it('refuses a map function that is neither a function nor an object with map()', async () => {
      for (const bad of [5, null, 'x => x', { mapp: (x: number) => x }]) {
        const e = await refusal(() => envOf(1).fromElements(1).map(bad as never).executeAndCollect());
        expect(e, render(bad)).to.be.instanceOf(ConfigurationError);
        expect(e.message).to.match(/^map \(Map\): expected a function or an object with a map\(\) method, got (number|null|string|object)$/);
      }
    });
  });

  describe('flatMap', () => {
    it('equals Array.prototype.flatMap: in order at parallelism 1, as a multiset at 2 and 3', async () => {
      const mem = sharedBudget('1kb');
      const f = (x: number) => range(1, Math.abs(x) % 5).map((i) => `${x}:${i}`);
      for (const p of PARALLELISMS) {
        await fc.assert(
          fc.asyncProperty(ints, async (xs) => {
            const out = await envIn(mem, p)
              .fromCollection(xs)
              .flatMap((x: number, c: Collector<string>) => f(x).forEach((y) => c.collect(y)))
              .setParallelism(p)
              .executeAndCollect();
            if (p === 1) expect(out).to.deep.equal(xs.flatMap(f));
            else expectSameMultiset(out, xs.flatMap(f), `parallelism ${p}`);
          }),
          { numRuns: 20 },
        );
      }
    });

    it('emits far more than its output buffers hold from one record (overdraft), in order', async () => {
      const out = await envOf(1, { segmentSize: '1kb', network: '256kb' })
        .fromElements(3000, 0, 2)
        .flatMap((n: number, c: Collector<{ i: number; s: string }>) => {
          for (let i = 0; i < n; i++) c.collect({ i, s: 'y'.repeat(i % 100) });
        })
        .disableChaining()
        .map((r) => r)
        .disableChaining()
        .executeAndCollect();
      const expected = [...range(0, 2999), 0, 1].map((i) => ({ i, s: 'y'.repeat(i % 100) }));
      expect(out).to.deep.equal(expected);
    });

    it('runs on empty input, one record, and records that emit nothing', async () => {
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        expect(await env.fromCollection<number>([]).flatMap((x: number, c: Collector<number>) => c.collect(x)).executeAndCollect()).to.deep.equal([]);
        expect(await env.fromElements(7).flatMap((x: number, c: Collector<number>) => [x, x].forEach((y) => c.collect(y))).executeAndCollect()).to.deep.equal([7, 7]);
        expect(await env.fromCollection(range(1, 50)).flatMap(() => undefined).executeAndCollect()).to.deep.equal([]);
      }
    });

    it('takes a RichFlatMapFunction and an object with flatMap()', async () => {
      class Split extends RichFlatMapFunction<string, string> {
        flatMap(line: string, out: Collector<string>) {
          for (const w of line.split(' ')) out.collect(`${w}@${this.getRuntimeContext().getNumberOfParallelSubtasks()}`);
        }
      }
      const env = envOf(2);
      expectSameMultiset(await env.fromElements('a b', 'c').flatMap(new Split()).executeAndCollect(), ['a@2', 'b@2', 'c@2']);
      const obj = { flatMap: (x: number, out: Collector<number>) => out.collect(-x) };
      expectSameMultiset(await env.fromElements(1, 2).flatMap(obj).executeAndCollect(), [-1, -2]);
    });

    for (const p of PARALLELISMS) {
      it(`fails after having emitted part of a record's output, naming operator and record (parallelism ${p})`, async () => {
        const job = envOf(p, { segmentSize: '1kb' })
          .fromCollection(range(0, 500))
          .flatMap((x: number, c: Collector<number>) => {
            c.collect(x);
            if (x === 321) throw new TypeError('half done');
            c.collect(x);
          })
          .name('exploder')
          .setParallelism(p)
          .executeAndCollect();
        expectOperatorFailure(await jobFailure(job), 'exploder', 321, 'half done');
      });
    }

    it('names the downstream operator when a record it collected fails there (not the flatMap)', async () => {
      const job = envOf(1)
        .fromElements(1, 2)
        .flatMap((x: number, c: Collector<number>) => c.collect(x * 10))
        .name('fm')
        .map((y) => {
          if (y === 20) throw new Error('twenty');
          return y;
        })
        .name('after')
        .executeAndCollect();
      expectOperatorFailure(await jobFailure(job), 'after', 20, 'twenty');
    });

    it('refuses a flatMap function that is not a function', async () => {
      const e = await refusal(() => envOf(1).fromElements(1).flatMap(42 as never).executeAndCollect());
      expect(e).to.be.instanceOf(ConfigurationError);
      expect(e.message).to.match(/flatMap \(Flat Map\): expected a function or an object with a flatMap\(\) method, got number/);
    });
  });

  describe('filter', () => {
    it('equals Array.prototype.filter: in order at parallelism 1, as a multiset at 2 and 3', async () => {
      const mem = sharedBudget('1kb');
      for (const p of PARALLELISMS) {
        await fc.assert(
          fc.asyncProperty(ints, fc.integer({ min: 2, max: 5 }), async (xs, m) => {
            const keep = (x: number) => x % m === 0;
            const out = await envIn(mem, p).fromCollection(xs).filter(keep).setParallelism(p).executeAndCollect();
            if (p === 1) expect(out).to.deep.equal(xs.filter(keep));
            else expectSameMultiset(out, xs.filter(keep), `parallelism ${p}`);
          }),
          { numRuns: 20 },
        );
      }
    });

    it('keeps the stream type for the network (records after a filter cross as the declared type)', async () => {
      // Source and filter are chained (the filter sees the exact doubles); the filter's output crosses as FLOAT.
      const out = await envOf(1)
        .fromCollection([0.1, 0.2, 0.3])
        .returns(Types.FLOAT)
        .filter((x) => x > 0.15)
        .rebalance()
        .map((x) => x)
        .setParallelism(2)
        .executeAndCollect();
      expectSameMultiset(out, [Math.fround(0.2), Math.fround(0.3)]);
    });

    it('passes everything, nothing, one record, and empty input', async () => {
      const env = envOf(3);
      expectSameMultiset(await env.fromCollection(range(1, 30)).filter(() => true).executeAndCollect(), range(1, 30));
      expect(await env.fromCollection(range(1, 30)).filter(() => false).executeAndCollect()).to.deep.equal([]);
      expect(await env.fromElements('one').filter((s) => s === 'one').executeAndCollect()).to.deep.equal(['one']);
      expect(await env.fromCollection<string>([]).filter(() => true).executeAndCollect()).to.deep.equal([]);
    });

    it('takes a RichFilterFunction (per-subtask state)', async () => {
      class EverySecond extends RichFilterFunction<number> {
        private seen = 0;
        filter() {
          return this.seen++ % 2 === 0;
        }
      }
      // Rebalanced over 2 subtasks: each sees 5 of 1..10 and keeps its 1st, 3rd and 5th.
      const out = await envOf(2).fromCollection(range(1, 10)).rebalance().filter(new EverySecond()).executeAndCollect();
      expect(out.length).to.equal(6);
    });

    for (const p of PARALLELISMS) {
      it(`fails with the operator and record named (parallelism ${p})`, async () => {
        const xs = range(0, 999).map((i) => ({ i }));
        const job = envOf(p)
          .fromCollection(xs)
          .filter((r) => {
            if (r.i === 500) throw new Error('cannot decide');
            return true;
          })
          .name('decider')
          .setParallelism(p)
          .executeAndCollect();
        expectOperatorFailure(await jobFailure(job), 'decider', { i: 500 }, 'cannot decide');
      });
    }
  });

  describe('process and side outputs', () => {
    const small = new OutputTag<number>('small', Types.INT);
    const words = new OutputTag<string>('words');

    function splitter() {
      return new (class extends ProcessFunction<number, number> {
        processElement(x: number, ctx: ProcessContext, out: Collector<number>) {
          if (x < 0) ctx.output(small, x);
          else if (x % 10 === 0) ctx.output(words, `w${x}`);
          else {
            out.collect(x);
            out.collect(x * 100);
          }
        }
      })();
    }

    it('sends main and side outputs where they belong, equal to a reference, at every parallelism', async () => {
      const mem = sharedBudget('1kb');
      for (const p of PARALLELISMS) {
        await fc.assert(
          fc.asyncProperty(ints, async (xs) => {
            const env = envIn(mem, p);
            const main: number[] = [];
            const smalls: number[] = [];
            const ws: string[] = [];
            const s = env.fromCollection(xs).process(splitter()).name('split').setParallelism(p);
            s.sinkTo((x) => void main.push(x));
            s.getSideOutput(small).sinkTo((x) => void smalls.push(x));
            // The second side output crosses the network to another parallelism.
            s.getSideOutput(words).map((w) => w.toUpperCase()).setParallelism(p === 3 ? 2 : 3).sinkTo((x) => void ws.push(x));
            await env.execute();
            expectSameMultiset(main, xs.filter((x) => x >= 0 && x % 10 !== 0).flatMap((x) => [x, x * 100]), 'main');
            expectSameMultiset(smalls, xs.filter((x) => x < 0), 'side output "small"');
            expectSameMultiset(ws, xs.filter((x) => x >= 0 && x % 10 === 0).map((x) => `W${x}`), 'side output "words"');
          }),
          { numRuns: 15 },
        );
      }
    });

    it('keeps the order of a side output at parallelism 1, and applies its declared type', async () => {
      const halves = new OutputTag<number>('halves', Types.FLOAT);
      const s = envOf(1)
        .fromCollection(range(1, 6))
        .process((x: number, ctx: ProcessContext, out: Collector<number>) => {
          ctx.output(halves, x + 0.1);
          out.collect(x);
        });
      const got = await s.getSideOutput(halves).rebalance().map((x) => x).executeAndCollect();
      expect(got).to.deep.equal(range(1, 6).map((x) => Math.fround(x + 0.1)));
    });

    it('drops side output records nobody reads, and reads one side output from two consumers', async () => {
      const unread = new OutputTag<string>('unread');
      const odd = new OutputTag<number>('odd');
      const env = envOf(2);
      const s = env.fromCollection(range(1, 20)).process((x: number, ctx: ProcessContext, out: Collector<number>) => {
        ctx.output(unread, 'ignored');
        if (x % 2 === 1) ctx.output(odd, x);
        else out.collect(x);
      });
      const a: number[] = [];
      const b: number[] = [];
      const m: number[] = [];
      s.getSideOutput(odd).sinkTo((x) => void a.push(x));
      s.getSideOutput(new OutputTag<number>('odd')).map((x) => -x).sinkTo((x) => void b.push(x));
      s.sinkTo((x) => void m.push(x));
      await env.execute();
      expectSameMultiset(a, range(1, 20).filter((x) => x % 2 === 1));
      expectSameMultiset(b, range(1, 20).filter((x) => x % 2 === 1).map((x) => -x));
      expectSameMultiset(m, range(1, 20).filter((x) => x % 2 === 0));
    });

    it('refuses reading one side output with two different types', () => {
      const s = envOf(1).fromElements(1).process((x: number, _ctx: ProcessContext, out: Collector<number>) => out.collect(x)).name('proc');
      s.getSideOutput(new OutputTag('late', Types.INT));
      expect(() => s.getSideOutput(new OutputTag('late', Types.STRING))).to.throw(ConfigurationError, /side output "late" of "proc" was already read with type/);
      expect(() => new OutputTag('')).to.throw(ConfigurationError, /OutputTag: the id must be a non-empty string/);
    });

    it('runs on empty input and one record; ctx.timestamp() is null without timestamps', async () => {
      const tag = new OutputTag<string>('t');
      for (const p of PARALLELISMS) {
        const env = envOf(p);
        const side: string[] = [];
        const main: (number | null | undefined)[] = [];
        const s = env.fromElements(5).process((x: number, ctx: ProcessContext, out: Collector<number | null | undefined>) => {
          ctx.output(tag, `side ${x}`);
          out.collect(ctx.timestamp());
        }, Types.NULLABLE(Types.DOUBLE));
        s.sinkTo((x) => void main.push(x));
        s.getSideOutput(tag).sinkTo((x) => void side.push(x));
        await env.execute();
        expect(main).to.deep.equal([null]);
        expect(side).to.deep.equal(['side 5']);
        expect(await envOf(p).fromCollection<number>([]).process((x: number, _c: ProcessContext, out: Collector<number>) => out.collect(x)).executeAndCollect()).to.deep.equal([]);
      }
    });

    it('gives a ProcessFunction its lifecycle and runtime context', async () => {
      const opened: number[] = [];
      class Tagger extends ProcessFunction<number, string> {
        override open() {
          opened.push(this.getRuntimeContext().getIndexOfThisSubtask());
        }
        processElement(x: number, _ctx: ProcessContext, out: Collector<string>) {
          out.collect(`${this.getRuntimeContext().getIndexOfThisSubtask()}:${x}`);
        }
      }
      const out = await envOf(3).fromCollection(range(0, 8)).rebalance().process(new Tagger()).executeAndCollect();
      expect(opened.sort()).to.deep.equal([0, 1, 2]);
      expect(out.length).to.equal(9);
      expect(new Set(out.map((s) => s.split(':')[0]))).to.deep.equal(new Set(['0', '1', '2']));
    });

    it('refuses getCurrentKey() on a stream that is not keyed', async () => {
      const job = envOf(1)
        .fromElements(1)
        .process((_x: number, ctx: ProcessContext, out: Collector<unknown>) => out.collect((ctx as KeyedProcessContext<unknown>).getCurrentKey()))
        .name('unkeyed')
        .executeAndCollect();
      expectOperatorFailure(await jobFailure(job), 'unkeyed', 1, 'getCurrentKey() can only be used on a keyed stream');
    });

    it('on a keyed stream: ctx.getCurrentKey() is the record key and all records of a key meet in one subtask', async () => {
      const mem = sharedBudget('1kb');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ k: fc.string({ maxLength: 3 }), v: fc.integer() }), { maxLength: 150 }), fc.constantFrom(1, 2, 3), async (xs, p) => {
          class KeyedTagger extends KeyedProcessFunction<string, { k: string; v: number }, { key: string; subtask: number; v: number }> {
            processElement(r: { k: string; v: number }, ctx: KeyedProcessContext<string>, out: Collector<{ key: string; subtask: number; v: number }>) {
              out.collect({ key: ctx.getCurrentKey(), subtask: this.getRuntimeContext().getIndexOfThisSubtask(), v: r.v });
            }
          }
          const out = await envIn(mem, p).fromCollection(xs).keyBy((r) => r.k).process(new KeyedTagger()).executeAndCollect();
          expectSameMultiset(out.map(({ key, v }) => ({ k: key, v })), xs);
          const where = new Map<string, number>();
          for (const r of out) {
            expect(where.get(r.key) ?? r.subtask, `key ${JSON.stringify(r.key)}`).to.equal(r.subtask);
            where.set(r.key, r.subtask);
          }
        }),
        { numRuns: 25 },
      );
    });

    for (const p of PARALLELISMS) {
      it(`fails with the operator and record named, also after side outputs (parallelism ${p})`, async () => {
        const side = new OutputTag<number>('side');
        const xs = range(0, 1500).map((i) => [i, `r${i}`] as [number, string]);
        const env = envOf(p, { segmentSize: '1kb' });
        const s = env
          .fromCollection(xs)
          .process((r: [number, string], ctx: ProcessContext, out: Collector<string>) => {
            ctx.output(side, r[0]);
            if (r[0] === 999) throw new Error('process broke');
            out.collect(r[1]);
          })
          .name('processor')
          .setParallelism(p);
        s.getSideOutput(side).sinkTo(() => undefined);
        s.sinkTo(() => undefined);
        expectOperatorFailure(await jobFailure(env.execute()), 'processor', [999, 'r999'], 'process broke');
      });
    }

    it('a keyed process fails with the record named, the key selector too', async () => {
      const job = envOf(2)
        .fromCollection(range(1, 100).map((i) => ({ id: i })))
        .keyBy((r) => r.id % 7)
        .process((r: { id: number }, _ctx: ProcessContext, out: Collector<number>) => {
          if (r.id === 50) throw new Error('fifty');
          out.collect(r.id);
        })
        .name('keyed proc')
        .executeAndCollect();
      expectOperatorFailure(await jobFailure(job), 'keyed proc', { id: 50 }, 'fifty');
    });
  });
});
