// The runtime's contracts: credit-based backpressure bounds what is in
// flight and shows in the metrics; the buffer timeout; cancellation and
// failures end the job with every buffer back; sources are pulled and sinks
// wait for their writers.
import { expect } from 'chai';
import {
  AverageAccumulator,
  DataGeneratorSource,
  Histogram,
  IntCounter,
  ListAccumulator,
  LongCounter,
  RichFilterFunction,
  JobCancellationError,
  JobExecutionError,
  RateLimiterStrategy,
  RichMapFunction,
  SerializationError,
  StreamExecutionEnvironment,
  Types,
  type MemoryOptions,
  type StreamExecutionOptions,
} from 'weir';
import { budget } from '../support/leaks.js';

const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function environment(options: StreamExecutionOptions = {}, memory: MemoryOptions = { network: '2mb', managed: '64kb', segmentSize: '4kb' }) {
  return StreamExecutionEnvironment.getExecutionEnvironment({ memory: budget(memory), ...options });
}

describe('runtime: credit-based backpressure', function () {
  this.timeout(60000);

  it('a slow sink stops the source within the buffers the pools hold; the metrics show HIGH, then OK; nothing lost, order kept per channel', async () => {
    const N = 1_000_000;
    const SEGMENT = 4096;
    const EXCLUSIVE = 2;
    const FLOATING = 8;
    const env = environment({ parallelism: 1, exclusiveBuffersPerChannel: EXCLUSIVE, floatingBuffersPerGate: FLOATING }, { network: '2mb', managed: '64kb', segmentSize: '4kb' });
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    let sum = 0;
    let last = -1;
    let ordered = true;
    const slowUntil = performance.now() + 1200;
    env
      .fromSource(new DataGeneratorSource((i) => ((produced = i + 1), i), N, RateLimiterStrategy.perSecond(250_000), Types.LONG), 'numbers')
      .rebalance()
      .sinkTo({
        invoke(x: number) {
          consumed++;
          maxAhead = Math.max(maxAhead, produced - consumed);
          sum += x;
          if (x <= last) ordered = false;
          last = x;
          return performance.now() < slowUntil ? sleep(1) : undefined;
        },
      })
      .name('slow sink');
    const client = env.executeAsync('backpressure');
    const levels: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sleep(100);
        const source = client.getMetrics().tasks.find((t) => t.name.startsWith('Source: numbers'));
        if (source !== undefined) levels.push(source.backPressureLevel);
      }
    })();
    const result = await client.getJobExecutionResult();
    sampling = false;
    await sampler;

    expect(consumed).to.equal(N);
    expect(sum).to.equal((N * (N - 1)) / 2);
    expect(ordered, 'records of one channel arrive in the order they were sent').to.equal(true);
    // In flight at most: the writer's pool (1 channel: 1×exclusive + floating) and the
    // receiver's exclusive and floating buffers, each holding SEGMENT/12 LONG records.
    const perBuffer = Math.ceil(SEGMENT / (4 + 8));
    const bound = (EXCLUSIVE + FLOATING + EXCLUSIVE + FLOATING) * perBuffer + 1;
    expect(maxAhead, `source ran ${maxAhead} records ahead of the sink (bound ${bound})`).to.be.at.most(bound);
    expect(maxAhead).to.be.greaterThan(perBuffer); // it was blocked by full buffers, not by chance
    const firstHigh = levels.indexOf('HIGH');
    expect(firstHigh, `levels sampled: ${levels.join(' ')}`).to.be.at.least(0);
    expect(levels.slice(firstHigh).includes('OK'), `levels sampled: ${levels.join(' ')}`).to.equal(true);
    const sourceTask = result.metrics.tasks.find((t) => t.name.startsWith('Source: numbers'))!;
    const sinkTask = result.metrics.tasks.find((t) => t.name === 'slow sink')!;
    expect(sourceTask.numRecordsOut).to.equal(N);
    expect(sinkTask.numRecordsIn).to.equal(N);
    expect(sinkTask.operators[0]!.numRecordsIn).to.equal(N);
  });

  it('a keyed job with parallelism 3 keeps each channel in order and loses nothing under a slow phase', async () => {
    const N = 60_000;
    const env = environment({ parallelism: 3 });
    const seen = new Map<number, number[]>();
    const slowUntil = performance.now() + 150;
    env
      .fromSequence(0, N - 1)
      .setParallelism(1)
      .keyBy((x) => x % 11)
      .sinkTo({
        invoke(x: number, ctx) {
          const list = seen.get(ctx.subtask) ?? seen.set(ctx.subtask, []).get(ctx.subtask)!;
          list.push(x);
          return performance.now() < slowUntil && x % 100 === 0 ? sleep(1) : undefined;
        },
      });
    await env.execute();
    const all = [...seen.values()].flat().sort((a, b) => a - b);
    expect(all.length).to.equal(N);
    expect(all.every((x, i) => x === i)).to.equal(true);
    for (const list of seen.values()) expect(list.every((x, i) => i === 0 || x > list[i - 1]!)).to.equal(true);
  });

  it('refuses a job whose buffers do not fit the network memory, naming the pool and what to change', async () => {
    const env = environment({ parallelism: 3 }, { network: '64kb', managed: '64kb', segmentSize: '4kb' });
    env.fromSequence(1, 10).keyBy((x) => x).map((x) => x).keyBy((x) => x).print();
    await expectRejection(env.execute(), /network buffers|raise the network memory/);
  });
});

describe('runtime: buffer timeout', function () {
  this.timeout(20000);

  async function* trickle(n: number, everyMs: number) {
    for (let i = 0; i < n; i++) {
      await sleep(everyMs);
      yield performance.now();
    }
  }

  it('with 0, each record is sent at once (a sink that waits for the next record never stalls)', async () => {
    const env = environment({ parallelism: 1, bufferTimeout: 0 });
    let release: (() => void) | undefined;
    async function* lockstep() {
      for (let i = 0; i < 5; i++) {
        yield i;
        await new Promise<void>((resolve) => (release = resolve)); // the sink must see i first
      }
    }
    const got: number[] = [];
    env
      .fromAsyncIterable(lockstep(), Types.INT)
      .rebalance()
      .sinkTo((x: number) => {
        got.push(x);
        release?.();
      });
    await env.execute();
    expect(got).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('with 100 ms, a trickle of records arrives within about 100 ms of being emitted', async () => {
    // Records 400 ms apart: held until the end of the input, they would wait 1200, 800 and 400 ms.
    // The bound leaves room for a loaded machine's timers without letting that pass.
    const env = environment({ parallelism: 1, bufferTimeout: 100 });
    const delays: number[] = [];
    env
      .fromAsyncIterable(trickle(4, 400), Types.DOUBLE)
      .rebalance()
      .sinkTo((sentAt: number) => {
        delays.push(performance.now() - sentAt);
      });
    await env.execute();
    expect(delays).to.have.length(4);
    for (const d of delays) expect(d, `delays ${delays.map((x) => x.toFixed(0)).join(', ')} ms`).to.be.below(100 + 250);
  });

  it('with -1, partly filled buffers wait for the end of the input', async () => {
    const env = environment({ parallelism: 1, bufferTimeout: -1 });
    const delays: number[] = [];
    env
      .fromAsyncIterable(trickle(3, 150), Types.DOUBLE)
      .rebalance()
      .sinkTo((sentAt: number) => {
        delays.push(performance.now() - sentAt);
      });
    await env.execute();
    expect(delays).to.have.length(3);
    expect(delays[0], `the first record waited ${delays[0]!.toFixed(0)} ms`).to.be.above(250);
  });

  it('refuses a negative timeout other than -1', () => {
    expect(() => environment({ bufferTimeout: -5 })).to.throw(/bufferTimeout must be -1/);
  });
});

describe('runtime: cancellation', function () {
  this.timeout(20000);

  const endless = () => new DataGeneratorSource((i) => i, 1e12, RateLimiterStrategy.perSecond(100_000), Types.LONG);

  it('JobClient.cancel() stops a running job; the result rejects with JobCancellationError; every buffer is back', async () => {
    const env = environment({ parallelism: 2 });
    env.fromSource(endless(), 'endless').keyBy((x) => x % 5).map((x) => x + 1).sinkTo(() => undefined);
    const client = env.executeAsync('to cancel');
    await sleep(150);
    expect(client.getJobStatus()).to.equal('RUNNING');
    await client.cancel();
    expect(client.getJobStatus()).to.equal('CANCELED');
    await expectRejection(client.getJobExecutionResult(), /was cancelled/, JobCancellationError);
  });

  it('an AbortSignal cancels the job', async () => {
    const env = environment({ parallelism: 2 });
    env.fromSource(endless(), 'endless').rebalance().sinkTo(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    await expectRejection(env.execute({ signal: controller.signal }), /was cancelled: user gave up/, JobCancellationError);
  });

  it('a signal aborted before the start cancels at once', async () => {
    const env = environment();
    let seen = 0;
    env.fromSequence(1, 10).sinkTo(() => void seen++);
    await expectRejection(env.execute({ signal: AbortSignal.abort('no') }), /cancelled/, JobCancellationError);
    expect(seen).to.equal(0);
  });

  it('executeAndCollect with a limit stops an endless job after that many records', async () => {
    const env = environment({ parallelism: 2 });
    const first = await env.fromSource(endless(), 'endless').keyBy((x) => x % 3).map((x) => x * 10).executeAndCollect({ limit: 7 });
    expect(first).to.have.length(7);
    for (const x of first) expect(x % 10).to.equal(0);
  });

  it('leaving a collectAsync loop early stops the job', async () => {
    const env = environment({ parallelism: 2 });
    const got: number[] = [];
    for await (const x of env.fromSource(endless(), 'endless').rebalance().collectAsync({ bufferSize: 4 })) {
      got.push(x);
      if (got.length === 20) break;
    }
    expect(got).to.have.length(20);
  });

  it('collectAsync yields every record in order for a parallelism-1 job and holds at most bufferSize', async () => {
    const env = environment({ parallelism: 1 });
    const got: number[] = [];
    for await (const x of env.fromSequence(1, 5000).map((x) => x * 2).collectAsync({ bufferSize: 8 })) {
      got.push(x);
      if (got.length % 1000 === 0) await sleep(1);
    }
    expect(got).to.deep.equal(Array.from({ length: 5000 }, (_, i) => (i + 1) * 2));
  });
});

describe('runtime: failures', function () {
  this.timeout(20000);

  it('an error in a user function fails the job with one naming the operator, the subtask and the record', async () => {
    const env = environment({ parallelism: 2 });
    const job = env
      .fromSequence(1, 10_000)
      .keyBy((x) => x % 4)
      .map((x) => {
        if (x === 4321) throw new Error('no 4321 here');
        return x;
      })
      .name('picky')
      .uid('picky-1')
      .executeAndCollect();
    const error = await expectRejection(job, /Operator "picky" \(uid "picky-1"\) subtask \d\/2 failed on record 4321: no 4321 here/, JobExecutionError);
    expect(error.operator).to.equal('picky');
    expect(error.uid).to.equal('picky-1');
    expect(error.record).to.equal(4321);
    expect((error.cause as Error).message).to.equal('no 4321 here');
  });

  it('a record that does not match the declared type is refused naming the operator that emitted it and the field', async () => {
    const env = environment({ parallelism: 1 });
    const job = env
      .fromElements({ id: 1 }, { id: 'two' as unknown as number })
      .map((r) => r)
      .returns(Types.OBJECT({ id: Types.INT }))
      .name('shape')
      .rebalance()
      .print();
    void job;
    const error = await expectRejection(env.execute(), /Operator "shape".*failed on record \{"id":"two"\}: id: expected INT/, JobExecutionError);
    expect(error.cause).to.be.instanceOf(SerializationError);
  });

  it('a failing async sink fails the job and names the sink', async () => {
    const env = environment({ parallelism: 1 });
    env
      .fromSequence(1, 100)
      .sinkTo({ invoke: async (x: number) => { await sleep(0); if (x === 50) throw new Error('disk full'); } })
      .name('store');
    await expectRejection(env.execute(), /Operator "store".*failed on record 50: disk full/, JobExecutionError);
  });

  it('a source that throws fails the job naming the source', async () => {
    const env = environment();
    async function* broken() {
      yield 1;
      throw new Error('connection reset');
    }
    env.fromAsyncIterable(broken()).name('feed').sinkTo(() => undefined);
    await expectRejection(env.execute(), /Operator "feed".*failed: connection reset/, JobExecutionError);
  });

  it('an error in open() fails the job before any record, and close() still runs', async () => {
    let closed = 0;
    class Opener extends RichMapFunction<number, number> {
      override open() {
        throw new Error('no connection');
      }
      override close() {
        closed++;
      }
      map(x: number) {
        return x;
      }
    }
    const env = environment({ parallelism: 2 });
    env.fromSequence(1, 100).map(new Opener()).name('opener').sinkTo(() => undefined);
    await expectRejection(env.execute(), /Operator "opener".*failed: no connection/, JobExecutionError);
    expect(closed).to.equal(2);
  });

  it('refuses to execute an environment without sinks', async () => {
    const env = environment();
    env.fromSequence(1, 10).map((x) => x);
    await expectRejection(env.execute(), /No operators defined/);
  });
});

describe('runtime: sources and sinks', function () {
  this.timeout(20000);

  it('a WHATWG ReadableStream is pulled only as far as the job can take', async () => {
    let pulled = 0;
    const stream = new ReadableStream<number>(
      {
        pull(controller) {
          if (pulled === 100_000) controller.close();
          else controller.enqueue(pulled++);
        },
      },
      new CountQueuingStrategy({ highWaterMark: 1 }),
    );
    const env = environment({ parallelism: 1 });
    let maxAhead = 0;
    let consumed = 0;
    env
      .fromReadableStream(stream, Types.INT)
      .rebalance()
      .sinkTo(async () => {
        consumed++;
        maxAhead = Math.max(maxAhead, pulled - consumed);
        if (consumed < 100) await sleep(0);
      });
    await env.execute();
    expect(consumed).to.equal(100_000);
    // 20 buffers of 4 KiB in flight, 512 INT records each (4-byte length + 4 bytes), plus the stream's own queue
    expect(maxAhead).to.be.at.most(20 * 512 + 2);
    expect(maxAhead).to.be.above(0);
  });

  it('a WritableStream sink waits for the stream when its queue is full, and is closed at the end', async () => {
    const written: number[] = [];
    let emitted = 0;
    let maxQueued = 0;
    let closed = false;
    const stream = new WritableStream<number>(
      {
        async write(x) {
          written.push(x);
          maxQueued = Math.max(maxQueued, emitted - written.length);
          if (x % 10 === 0) await sleep(0);
        },
        close() {
          closed = true;
        },
      },
      new CountQueuingStrategy({ highWaterMark: 4 }),
    );
    const env = environment({ parallelism: 1 }); // map and sink chained: emitted - written is the stream's queue
    env
      .fromSequence(1, 500)
      .map((x) => (emitted++, x))
      .sinkTo(stream);
    await env.execute();
    expect(written).to.deep.equal(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(closed).to.equal(true);
    expect(maxQueued, 'records queued in the WritableStream').to.be.at.most(4);
  });

  it('a Node Readable in object mode is read lazily, and a Node Writable is written with its backpressure (Node only)', async function () {
    if (!inNode) this.skip();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the specs are compiled without Node's types
    const { Readable, Writable } = (globalThis as any).process.getBuiltinModule('node:stream');
    let reads = 0;
    const readable = new Readable({
      objectMode: true,
      highWaterMark: 8,
      read() {
        this.push(reads < 2000 ? { n: reads++ } : null);
      },
    });
    const got: number[] = [];
    let maxPending = 0;
    let pending = 0;
    const writable = new Writable({
      objectMode: true,
      highWaterMark: 4,
      write(chunk: { n: number }, _enc: unknown, done: () => void) {
        pending--;
        got.push(chunk.n);
        setTimeout(done, 0);
      },
    });
    const write = writable.write.bind(writable);
    writable.write = ((chunk: unknown, ...rest: unknown[]) => {
      pending++;
      maxPending = Math.max(maxPending, writable.writableLength + 1);
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof writable.write;
    const env = environment({ parallelism: 1 });
    env.fromNodeReadable<{ n: number }>(readable).rebalance().sinkTo(writable);
    await env.execute();
    expect(got).to.deep.equal(Array.from({ length: 2000 }, (_, i) => i));
    expect(writable.writableFinished).to.equal(true);
    expect(maxPending, 'the sink waited for drain instead of filling the Writable').to.be.at.most(5);
    expect(pending).to.equal(0);
  });

  it('print() writes one line per record, prefixed with the subtask when parallel', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const env = environment({ parallelism: 2 });
      env.fromElements({ a: 1 }, { a: 2 }, { a: 3 }).rebalance().print();
      await env.execute();
      const env1 = environment({ parallelism: 1 });
      env1.fromElements('x').print('tag');
      await env1.execute();
    } finally {
      console.log = log;
    }
    expect(lines.slice(0, 3).map((l) => l.replace(/^[12]> /, '')).sort()).to.deep.equal(['{"a":1}', '{"a":2}', '{"a":3}']);
    for (const l of lines.slice(0, 3)) expect(l).to.match(/^[12]> /);
    expect(lines[3]).to.equal('tag> x');
  });

  it('a DataGeneratorSource splits its count between instances and keeps to its rate', async () => {
    const env = environment({ parallelism: 2 });
    const started = performance.now();
    const got = await env.fromSource(new DataGeneratorSource((i) => i, 400, RateLimiterStrategy.perSecond(2000)), 'gen').executeAndCollect();
    const took = performance.now() - started;
    expect(got.slice().sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 400 }, (_, i) => i));
    expect(took, `400 records at 2000/s took ${took.toFixed(0)} ms`).to.be.above(150);
  });

  it('refuses sources and sinks of the wrong kind with a clear error', () => {
    const env = environment();
    expect(() => env.fromCollection(42 as unknown as number[])).to.throw(/fromCollection: expected an iterable, got number/);
    expect(() => env.fromAsyncIterable([1] as unknown as AsyncIterable<number>)).to.throw(/expected an async iterable/);
    expect(() => env.fromSequence(5, 1)).to.throw(/from ≤ to/);
    expect(() => env.fromSequence(1, 10).sinkTo(42 as never)).to.throw(/sinkTo: expected a SinkFunction/);
    expect(() => new DataGeneratorSource((i) => i, -1)).to.throw(/count must be/);
    expect(() => RateLimiterStrategy.perSecond(0)).to.throw(/rate must be/);
  });
});

describe('runtime: metrics', function () {
  this.timeout(20000);

  it('counts records per task and per operator, and names tasks after their chains', async () => {
    const env = environment({ parallelism: 2 });
    env
      .fromSequence(1, 1000)
      .name('nums')
      .filter((x) => x % 2 === 0)
      .name('even')
      .keyBy((x) => x % 7)
      .map((x) => x)
      .name('same')
      .sinkTo(() => undefined)
      .name('drop');
    const result = await env.execute('metrics');
    const names = [...new Set(result.metrics.tasks.map((t) => t.name))].sort();
    expect(names).to.deep.equal(['Source: nums -> even', 'same -> drop']);
    const sum = (name: string, f: (t: (typeof result.metrics.tasks)[number]) => number) =>
      result.metrics.tasks.filter((t) => t.name === name).reduce((a, t) => a + f(t), 0);
    expect(sum('Source: nums -> even', (t) => t.numRecordsOut)).to.equal(500);
    expect(sum('same -> drop', (t) => t.numRecordsIn)).to.equal(500);
    const even = result.metrics.tasks.filter((t) => t.name.startsWith('Source')).flatMap((t) => t.operators.filter((o) => o.name === 'even'));
    expect(even.reduce((a, o) => a + o.numRecordsIn, 0)).to.equal(1000);
    expect(even.reduce((a, o) => a + o.numRecordsOut, 0)).to.equal(500);
    for (const t of result.metrics.tasks) {
      expect(t.busyTimeMsPerSecond + t.idleTimeMsPerSecond + t.backPressuredTimeMsPerSecond).to.be.closeTo(1000, 1e-6);
      expect(['OK', 'LOW', 'HIGH']).to.include(t.backPressureLevel);
    }
    expect(result.netRuntime).to.be.greaterThan(0);
  });
});

async function expectRejection<E extends Error = Error>(promise: Promise<unknown>, message: RegExp, type?: new (...args: any[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (type !== undefined) expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.match(message);
    return error as E;
  }
  throw new Error(`expected a rejection matching ${message}`);
}

describe('runtime: accumulators', function () {
  it('merges each instance’s accumulators by name into the result, and shows them while running', async () => {
    // Accumulators are made in open(): fields set in a constructor are shared by the
    // instances' shallow copies.
    class Counting extends RichFilterFunction<number> {
      private odd!: IntCounter;
      private seen!: Histogram;
      private mean!: AverageAccumulator;
      override open() {
        this.odd = new IntCounter();
        this.seen = new Histogram();
        this.mean = new AverageAccumulator();
        this.getRuntimeContext().addAccumulator('odd', this.odd);
        this.getRuntimeContext().addAccumulator('mod3', this.seen);
        this.getRuntimeContext().addAccumulator('mean', this.mean);
      }
      filter(x: number) {
        if (x % 2 === 1) this.odd.add(1);
        this.seen.add(x % 3);
        this.mean.add(x);
        return true;
      }
    }
    const env = environment({ parallelism: 3 });
    env.fromSequence(1, 300).filter(new Counting()).sinkTo(() => undefined);
    const result = await env.execute();
    expect(result.getAccumulatorResult('odd')).to.equal(150);
    expect(result.getAccumulatorResult<Map<number, number>>('mod3')).to.deep.equal(new Map([[1, 100], [2, 100], [0, 100]]));
    expect(result.getAccumulatorResult('mean')).to.equal(150.5);
    expect(result.getAccumulatorResult('nothing')).to.equal(undefined);
  });

  it('refuses an accumulator name added twice, and values of the wrong kind', async () => {
    const env = environment();
    env
      .fromSequence(1, 3)
      .map(new (class extends RichMapFunction<number, number> {
        override open() {
          this.getRuntimeContext().addAccumulator('n', new LongCounter());
          this.getRuntimeContext().addAccumulator('n', new LongCounter());
        }
        map(x: number) {
          return x;
        }
      })())
      .name('twice')
      .sinkTo(() => undefined);
    await expectRejection(env.execute(), /Operator "twice".*the accumulator "n" already exists/, JobExecutionError);
    expect(() => new IntCounter().add(1.5)).to.throw(/IntCounter.add: expected an integer, got 1.5/);
    expect(() => new LongCounter().add(2 ** 60)).to.throw(/safe integer/);
    const list = new ListAccumulator<string>();
    list.add('a');
    const other = list.clone();
    other.add('b');
    list.merge(other);
    expect(list.getLocalValue()).to.deep.equal(['a', 'a', 'b']);
  });
});

describe('runtime: aggregations on a typed stream', () => {
  const Row = Types.OBJECT({ k: Types.STRING, n: Types.LONG, s: Types.STRING });

  it('check the field against the type when the job is built', () => {
    const env = environment();
    const keyed = env.fromElements({ k: 'a', n: 1, s: 'x' }).returns(Row).keyBy((r) => r.k);
    expect(() => keyed.sum('m')).to.throw(/sum\("m"\): OBJECT<.*> has no field "m" \(fields: k, n, s\)/);
    expect(() => keyed.max('s')).to.throw(/max\("s"\): field "s" of OBJECT<.*> is STRING, not a number type/);
  });

  it('keep the other fields of the key’s first record and the field order of the type', async () => {
    const env = environment({ parallelism: 2 });
    const rows = [
      { k: 'a', n: 1, s: 'first' },
      { k: 'b', n: 5, s: 'b1' },
      { k: 'a', n: 2, s: 'second' },
      { k: 'a', n: 4, s: 'third' },
    ];
    const out = await env.fromCollection(rows, Row).keyBy((r) => r.k).sum('n').executeAndCollect();
    const a = out.filter((r) => r.k === 'a');
    expect(a).to.deep.equal([
      { k: 'a', n: 1, s: 'first' },
      { k: 'a', n: 3, s: 'first' },
      { k: 'a', n: 7, s: 'first' },
    ]);
    expect(Object.keys(a[2]!)).to.deep.equal(['k', 'n', 's']);
  });
});

describe('runtime: cases found in review', function () {
  this.timeout(30000);

  it('one record that emits far more than the pools hold is written out in linear time, in order', async () => {
    const env = environment({ parallelism: 1 }, { network: '1mb', managed: '64kb', segmentSize: '4kb' });
    const n = 300_000;
    let expected = 0;
    let ordered = true;
    const started = performance.now();
    env
      .fromElements(1)
      .flatMap((_x: number, out) => {
        for (let i = 0; i < n; i++) out.collect(i);
      }, Types.LONG)
      .rebalance()
      .sinkTo((x: number) => {
        if (x !== expected++) ordered = false;
      });
    await env.execute();
    expect(expected).to.equal(n);
    expect(ordered).to.equal(true);
    expect(performance.now() - started, 'took too long: quadratic overflow?').to.be.below(10_000);
  });

  it('keys without a key type hash alike in every producer, whatever keys each saw first', async () => {
    const env = environment({ parallelism: 2 });
    // producer 0 reads 0..4 and first sees the key [], producer 1 reads 5..9 and first sees [1]
    const out = await env
      .fromSequence(0, 9)
      .map((i) => ({ key: i === 0 ? [] : i === 5 ? [1] : [7], n: 1 }), Types.OBJECT({ key: Types.LIST(Types.DOUBLE), n: Types.INT }))
      .keyBy((r) => r.key)
      .sum('n')
      .executeAndCollect();
    const seven = out.filter((r) => r.key.length === 1 && r.key[0] === 7).map((r) => r.n);
    expect(Math.max(...seven)).to.equal(8);
  });

  it('a cancel ends a job whose open() never settles, and every buffer comes back', async () => {
    const env = environment({ parallelism: 2 });
    env
      .fromSequence(1, 10)
      .rebalance()
      .map({ open: () => new Promise<void>(() => undefined), map: (x: number) => x })
      .sinkTo(() => undefined);
    const client = env.executeAsync();
    await sleep(50);
    await client.cancel();
    expect(client.getJobStatus()).to.equal('CANCELED');
  });

  it('a sink whose finish() never settles does not keep a cancelled job alive', async () => {
    const env = environment();
    env.fromElements(1, 2, 3).sinkTo({ invoke: () => undefined, finish: () => new Promise<void>(() => undefined) });
    const client = env.executeAsync();
    await sleep(50);
    await client.cancel();
    expect(client.getJobStatus()).to.equal('CANCELED');
  });

  it('a sink is not called again after a cancel closed it', async () => {
    const calls: string[] = [];
    const env = environment();
    env
      .fromElements(1)
      .flatMap((_x: number, out) => {
        for (let i = 0; i < 5; i++) out.collect(i);
      })
      .sinkTo({
        async invoke(v: number) {
          calls.push(`invoke ${v}`);
          await sleep(60);
        },
        close() {
          calls.push('close');
        },
      });
    const client = env.executeAsync();
    await sleep(20);
    await client.cancel();
    await sleep(200);
    expect(calls).to.deep.equal(['invoke 0', 'close']);
  });

  it('a Writable or WritableStream sink refuses a parallelism above 1', () => {
    const env = environment();
    const sink = env.fromSequence(1, 10).sinkTo(new WritableStream<number>());
    expect(() => sink.setParallelism(2)).to.throw(/parallelism must be 1 \(a WritableStream sink writes to one stream\), got 2/);
  });

  it('a Node Writable destroyed during the job fails it instead of hanging (Node only)', async function () {
    if (!inNode) this.skip();
    const { Writable } = (globalThis as any).process.getBuiltinModule('node:stream');
    const writable = new Writable({ objectMode: true, highWaterMark: 4, write: (_c: unknown, _e: unknown, cb: () => void) => setTimeout(cb, 1) });
    setTimeout(() => writable.destroy(), 60);
    const env = environment();
    env.fromSource(new DataGeneratorSource((i) => i, 100_000, RateLimiterStrategy.perSecond(5000), Types.LONG), 'slow').sinkTo(writable);
    await expectRejection(env.execute(), /the Writable was destroyed/, JobExecutionError);
  });

  it('an accumulator object shared by the instances counts once', async () => {
    const shared = new IntCounter();
    const env = environment({ parallelism: 3 });
    env
      .fromSequence(1, 30)
      .filter({
        open(ctx) {
          ctx.addAccumulator('n', shared);
        },
        filter() {
          shared.add(1);
          return true;
        },
      })
      .sinkTo(() => undefined);
    const result = await env.execute();
    expect(result.getAccumulatorResult('n')).to.equal(30);
  });

  it('a function with ES private fields fails with an error that says why', async () => {
    class Counting extends RichMapFunction<number, number> {
      #n = 0;
      map(x: number) {
        return x * 100 + ++this.#n;
      }
    }
    const job = environment({ parallelism: 1 }).fromElements(1, 2).map(new Counting()).name('counting').executeAndCollect();
    await expectRejection(job, /Operator "counting".*ES private fields \(#x\) do not survive the copy/, JobExecutionError);
  });

  it('one function object used by two operators and two runs: each operator instance has its own copy', async () => {
    const tag = {
      n: 0,
      map(x: string) {
        return `${x}:${++this.n}`;
      },
    };
    const env = environment({ parallelism: 1 });
    expect(await env.fromElements('a', 'b').map(tag).map(tag).executeAndCollect()).to.deep.equal(['a:1:1', 'b:2:2']);
    expect(await env.fromElements('a').map(tag).executeAndCollect()).to.deep.equal(['a:1']);
    expect(tag.n).to.equal(0);
  });

  it('a source reader may return any thenable', async () => {
    let i = 0;
    const out = await environment()
      .fromSource({
        parallel: false,
        createReader: () => ({
          next: () => ({ then: (resolve: (r: IteratorResult<number>) => void) => resolve(i < 3 ? { done: false, value: ++i } : { done: true, value: undefined }) }) as unknown as Promise<IteratorResult<number>>,
        }),
      })
      .executeAndCollect();
    expect(out).to.deep.equal([1, 2, 3]);
  });

  it('a union whose inputs differ in type aggregates with the checked path', async () => {
    const env = environment({ parallelism: 1 });
    const typed = env.fromElements({ k: 'b', n: 10 }).returns(Types.OBJECT({ k: Types.STRING, n: Types.INT }));
    const other = env.fromElements({ k: 'b', n: '20' as unknown as number });
    const job = typed.union(other).keyBy((r) => r.k).sum('n').executeAndCollect();
    await expectRejection(job, /field "n" of record .* is "20", not a number/, JobExecutionError);
  });

  it('an accumulator object added under two names counts under both', async () => {
    const env = environment({ parallelism: 2 });
    env
      .fromSequence(1, 10)
      .filter({
        open(ctx) {
          const c = new IntCounter();
          ctx.addAccumulator('seen', c);
          ctx.addAccumulator('seen-again', c);
          (this as unknown as { c: IntCounter }).c = c;
        },
        filter() {
          (this as unknown as { c: IntCounter }).c.add(1);
          return true;
        },
      })
      .sinkTo(() => undefined);
    const result = await env.execute();
    expect(result.accumulators).to.deep.equal({ seen: 10, 'seen-again': 10 });
  });

  it('tasks that finished are not reported busy', async () => {
    const env = environment({ parallelism: 1 });
    env.fromSequence(1, 200).disableChaining().rebalance().sinkTo(async () => sleep(1));
    const client = env.executeAsync();
    const result = await client.getJobExecutionResult();
    const source = result.metrics.tasks.find((t) => t.name.startsWith('Source'))!;
    expect(source.busyTimeMsPerSecond, 'a source that ended long before the job').to.be.below(500);
    expect(source.idleTimeMsPerSecond).to.be.above(500);
  });

  it('a key selector returning keys of several types is refused naming the key', async () => {
    const env = environment({ parallelism: 2 });
    env
      .fromSequence(1, 10)
      .keyBy((x) => (x < 5 ? x : (`k${x}` as unknown as number)))
      .sum()
      .sinkTo(() => undefined);
    await expectRejection(env.execute(), /keyBy: the key "k5" cannot be hashed as DOUBLE/, JobExecutionError);
  });
});
