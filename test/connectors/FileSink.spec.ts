// FileSink: records land in the part file of their bucket, one series of part
// files per subtask, rolled by size; every record written exactly once, in
// batches, one write at a time; end of input, a failure and a cancel close
// every file; bad settings and bad bucket ids are refused with errors naming
// the sink and the value. Runs on an in-memory file system (so in the browser
// too); one test writes real files in Node.
import { expect } from 'chai';
import {
  DataGeneratorSource,
  DefaultRollingPolicy,
  FileSink,
  JobCancellationError,
  JobExecutionError,
  ConfigurationError,
  RateLimiterStrategy,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  Types,
  nodeFileSinkFileSystem,
  WatermarkStrategy,
  type BucketAssignerContext,
} from 'weir';
import { MemorySinkFileSystem } from '../support/memoryFileSystem.js';
import { budget } from '../support/leaks.js';

const env = (parallelism = 1) => StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, memory: budget({ network: '1mb', managed: '256kb', segmentSize: '4kb' }) });
const line = (x: number) => `${String(x).padStart(9, '0')}\n`; // 10 bytes
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every line of every file under `dir`, as numbers, sorted. */
function allLines(fs: MemorySinkFileSystem, dir = '/out'): number[] {
  return fs
    .paths()
    .filter((p) => p.startsWith(`${dir}/`))
    .flatMap((p) => fs.text(p).split('\n').slice(0, -1).map(Number))
    .sort((a, b) => a - b);
}

async function expectRejection(promise: Promise<unknown>, message: RegExp, type?: new (...args: any[]) => Error): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (type !== undefined) expect(error).to.be.instanceOf(type);
    const text = `${(error as Error).message} ${String((error as { cause?: Error }).cause?.message ?? '')}`;
    expect(text).to.match(message);
    return error as Error;
  }
  throw new Error(`expected a rejection matching ${message}`);
}

describe('FileSink', function () {
  this.timeout(30000);

  it('writes each record once into its bucket, one part file per bucket and subtask', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(2);
    const sink = FileSink.forRowFormat('/out', line)
      .withBucketAssigner((x: number) => `mod=${x % 3}/half=${x < 500 ? 0 : 1}`)
      .withFileSystem(fs)
      .build();
    e.fromElements(...range(1000)).rebalance().sinkTo(sink).name('files');
    await e.execute();
    expect(allLines(fs)).to.deep.equal(range(1000));
    for (const path of fs.paths()) {
      const m = /^\/out\/mod=(\d)\/half=(\d)\/part-([01])-0$/.exec(path);
      expect(m, path).to.not.equal(null);
      for (const x of fs.text(path).split('\n').slice(0, -1).map(Number)) {
        expect(x % 3, path).to.equal(Number(m![1]));
        expect(x < 500 ? 0 : 1, path).to.equal(Number(m![2]));
      }
    }
    expect(fs.paths().length).to.equal(12); // 6 buckets × 2 subtasks (rebalance feeds both every bucket)
    expect(fs.openFiles).to.equal(0);
  });

  it('keeps at most maxOpenParts part files open, finishing the one of the bucket that went longest without a record', async () => {
    const fs = new MemorySinkFileSystem();
    let mostOpen = 0;
    const create = fs.create.bind(fs);
    fs.create = async (path) => {
      const stream = await create(path);
      mostOpen = Math.max(mostOpen, fs.openFiles);
      return stream;
    };
    const e = env(1);
    // Runs of 5 records per bucket, three buckets in turn: each new run finds the other two open.
    const sink = FileSink.forRowFormat('/out', line).withBucketAssigner((x: number) => `b${Math.floor(x / 5) % 3}`).withMaxOpenParts(2).withFileSystem(fs).build();
    e.fromElements(...range(300)).sinkTo(sink);
    await e.execute();
    expect(mostOpen).to.equal(2);
    expect(fs.openFiles).to.equal(0);
    expect(allLines(fs)).to.deep.equal(range(300));
    for (const path of fs.paths()) {
      const m = /^\/out\/b(\d)\/part-0-(\d+)$/.exec(path);
      expect(m, path).to.not.equal(null);
      const xs = fs.text(path).split('\n').slice(0, -1).map(Number);
      // Each part file holds one run: the bucket's file was finished while the other two were used.
      expect(xs, path).to.have.length(5);
      for (const x of xs) expect(Math.floor(x / 5) % 3, path).to.equal(Number(m![1]));
    }
    expect(fs.paths()).to.have.length(60);
    expect(() => FileSink.forRowFormat('/out', line).withMaxOpenParts(0)).to.throw(ConfigurationError, /FileSink\(\/out\)\.withMaxOpenParts: expected a whole number ≥ 1, got 0/);
  });

  it('keeps the order of arrival within a part file, and writes nothing for empty input', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(1);
    e.fromElements(...range(300)).sinkTo(FileSink.forRowFormat('/out', line).withFileSystem(fs).build());
    await e.execute();
    expect(fs.paths()).to.deep.equal(['/out/part-0-0']);
    expect(fs.text('/out/part-0-0')).to.equal(range(300).map(line).join(''));

    const empty = new MemorySinkFileSystem();
    const e2 = env(2);
    e2.fromElements(1, 2).filter(() => false).sinkTo(FileSink.forRowFormat('/out', line).withFileSystem(empty).build());
    await e2.execute();
    expect(empty.files.size).to.equal(0);
    expect(empty.openFiles).to.equal(0);
  });

  it('rolls to the next part file once one holds more than the maximum part size', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(1);
    const policy = DefaultRollingPolicy.builder().withMaxPartSize(100).withRolloverInterval(Number.POSITIVE_INFINITY).build<number>();
    e.fromElements(...range(100)).sinkTo(FileSink.forRowFormat('/out', line).withRollingPolicy(policy).withFileSystem(fs).build());
    await e.execute();
    // A part takes records while it holds ≤ 100 bytes: 11 lines of 10 bytes, then the next part.
    const paths = range(10).map((i) => `/out/part-0-${i}`);
    expect(fs.paths().sort()).to.deep.equal(paths.sort());
    expect(range(10).map((i) => fs.text(`/out/part-0-${i}`)).join('')).to.equal(range(100).map(line).join(''));
    for (let i = 0; i < 9; i++) expect(fs.text(`/out/part-0-${i}`).length).to.equal(110);
    expect(fs.openFiles).to.equal(0);
  });

  it('rolls with a policy of its own, and names parts with the configured prefix and suffix', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(1);
    const everyFifty = { shouldRollOnEvent: (_part: unknown, x: number) => x % 50 === 0 };
    e.fromElements(...range(120))
      .sinkTo(FileSink.forRowFormat('/out', new SimpleStringEncoder<number>()).withRollingPolicy(everyFifty).withOutputFileConfig({ partPrefix: 'bids', partSuffix: '.txt' }).withFileSystem(fs).build());
    await e.execute();
    expect(fs.paths()).to.deep.equal(['/out/bids-0-0.txt', '/out/bids-0-1.txt', '/out/bids-0-2.txt']);
    expect(fs.text('/out/bids-0-1.txt')).to.equal(range(50).map((i) => `${i + 50}\n`).join(''));
  });

  it('writes in batches of at most the buffer size, one write at a time, waiting for a slow disk', async () => {
    const fs = new MemorySinkFileSystem();
    fs.writeDelay = 2;
    let concurrent = 0;
    let maxConcurrent = 0;
    const create = fs.create.bind(fs);
    fs.create = async (path) => {
      const out = await create(path);
      return {
        write: async (bytes) => {
          maxConcurrent = Math.max(maxConcurrent, ++concurrent);
          try {
            await out.write(bytes);
          } finally {
            concurrent--;
          }
        },
        close: () => out.close(),
      };
    };
    const e = env(1);
    const big = 'x'.repeat(199) + '\n';
    e.fromElements(...range(200)).sinkTo(
      FileSink.forRowFormat('/out', (x: number) => (x === 100 ? big : line(x)))
        .withWriteBufferSize(64)
        .withFileSystem(fs)
        .build(),
    );
    await e.execute();
    expect(maxConcurrent).to.equal(1);
    expect(fs.writes.filter((n) => n > 64)).to.deep.equal([200]); // only the record larger than the buffer
    expect(fs.writes.filter((n) => n <= 64).every((n) => n === 60 || n % 10 === 0)).to.equal(true);
    expect(fs.writes.length).to.be.within(34, 36); // 1990 bytes of lines in writes of 60, the big record alone
    expect(fs.text('/out/part-0-0')).to.equal(range(200).map((x) => (x === 100 ? big : line(x))).join(''));
  });

  it('takes bytes from the encoder, and gives the bucket assigner the record timestamp', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(1);
    const seen: Array<number | null> = [];
    const assigner = {
      getBucketId(x: number, ctx: BucketAssignerContext) {
        seen.push(ctx.timestamp());
        expect(ctx.currentProcessingTime()).to.be.a('number');
        return x < 2 ? 'low' : 'high';
      },
    };
    e.fromElements(0, 1, 2, 3)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => 1000 + x))
      .sinkTo(FileSink.forRowFormat('/out', { encode: (x: number) => new Uint8Array([65 + x, 10]) }).withBucketAssigner(assigner).withFileSystem(fs).build());
    await e.execute();
    expect(fs.text('/out/low/part-0-0')).to.equal('A\nB\n');
    expect(fs.text('/out/high/part-0-0')).to.equal('C\nD\n');
    expect(seen).to.deep.equal([1000, 1001, 1002, 1003]);
  });

  it('refuses to overwrite the part files of an earlier run', async () => {
    const fs = new MemorySinkFileSystem();
    for (const expectFailure of [false, true]) {
      const e = env(1);
      e.fromElements(1, 2).sinkTo(FileSink.forRowFormat('/out', line).withFileSystem(fs).build());
      if (!expectFailure) await e.execute();
      else await expectRejection(e.execute(), /FileSink\(\/out\): cannot create part file \/out\/part-0-0: EEXIST/, JobExecutionError);
    }
    expect(fs.text('/out/part-0-0')).to.equal(line(1) + line(2));
    expect(fs.openFiles).to.equal(0);
  });

  it('a full disk fails the job with an error naming the sink and the file; every file is closed', async () => {
    const fs = new MemorySinkFileSystem();
    fs.diskBytes = 500;
    const e = env(2);
    e.fromElements(...range(1000)).rebalance().sinkTo(FileSink.forRowFormat('/out', line).withBucketAssigner((x: number) => `b${x % 4}`).withWriteBufferSize(64).withFileSystem(fs).build());
    await expectRejection(e.execute(), /FileSink\(\/out\): writing \d+ bytes to \/out\/b\d\/part-\d-0 failed: ENOSPC/, JobExecutionError);
    expect(fs.openFiles).to.equal(0);
    const lines = allLines(fs);
    expect(new Set(lines).size, 'no record twice').to.equal(lines.length);
  });

  it('a failure upstream closes every file, writing what was buffered (each record once)', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(2);
    e.fromElements(...range(1000))
      .map((x) => {
        if (x === 700) throw new Error('bad record');
        return x;
      }, Types.INT)
      .rebalance()
      .sinkTo(FileSink.forRowFormat('/out', line).withBucketAssigner((x: number) => `b${x % 4}`).withFileSystem(fs).build());
    await expectRejection(e.execute(), /bad record/, JobExecutionError);
    expect(fs.openFiles).to.equal(0);
    const lines = allLines(fs);
    expect(new Set(lines).size).to.equal(lines.length);
    expect(lines.every((x) => x < 700)).to.equal(true);
  });

  it('a cancelled job closes every file; whole lines only', async () => {
    const fs = new MemorySinkFileSystem();
    fs.writeDelay = 1;
    const e = env(2);
    const endless = new DataGeneratorSource((i) => i, 1e12, RateLimiterStrategy.perSecond(50_000), Types.LONG);
    e.fromSource(endless, 'endless')
      .sinkTo(FileSink.forRowFormat('/out', line).withBucketAssigner((x: number) => `b${x % 3}`).withWriteBufferSize(128).withFileSystem(fs).build());
    const client = e.executeAsync('to cancel');
    await sleep(200);
    await client.cancel();
    await expectRejection(client.getJobExecutionResult(), /cancelled/, JobCancellationError);
    expect(fs.openFiles).to.equal(0);
    expect(fs.files.size).to.be.above(0);
    for (const p of fs.paths()) expect(fs.text(p)).to.match(/^(\d+\n)*$/);
    const lines = allLines(fs);
    expect(new Set(lines).size).to.equal(lines.length);
  });

  it('refuses bad settings with errors naming the sink and the value', () => {
    const fs = new MemorySinkFileSystem();
    expect(() => FileSink.forRowFormat('', line)).to.throw(ConfigurationError, /FileSink.forRowFormat: the base path must be a non-empty string, got "" \(string\)/);
    expect(() => FileSink.forRowFormat(42 as unknown as string, line)).to.throw(ConfigurationError, /got 42 \(number\)/);
    expect(() => FileSink.forRowFormat('/out', 'csv' as never)).to.throw(ConfigurationError, /FileSink\(\/out\): the encoder must be a function or an object with encode\(\), got "csv"/);
    const b = FileSink.forRowFormat<number>('/out', line);
    expect(() => b.withBucketAssigner(7 as never)).to.throw(ConfigurationError, /FileSink\(\/out\).withBucketAssigner: expected a function or an object with getBucketId\(\), got 7/);
    expect(() => b.withRollingPolicy({} as never)).to.throw(ConfigurationError, /FileSink\(\/out\).withRollingPolicy: expected a RollingPolicy .*got an object/);
    expect(() => b.withOutputFileConfig({ partPrefix: 'a/b' })).to.throw(ConfigurationError, /FileSink\(\/out\).withOutputFileConfig: partPrefix must be .*got "a\/b"/);
    expect(() => b.withOutputFileConfig({ partPrefix: '' })).to.throw(ConfigurationError, /partPrefix must be a non-empty string/);
    expect(() => b.withWriteBufferSize(0)).to.throw(ConfigurationError, /FileSink\(\/out\).withWriteBufferSize: the size must be at least 1 byte, got 0/);
    expect(() => b.withWriteBufferSize('lots')).to.throw(ConfigurationError, /cannot read memory size "lots"/);
    expect(() => b.withFileSystem({ join: () => '' } as never)).to.throw(ConfigurationError, /FileSink\(\/out\).withFileSystem: expected a FileSinkFileSystem/);
    expect(() => DefaultRollingPolicy.builder().withMaxPartSize(0)).to.throw(ConfigurationError, /withMaxPartSize: the size must be at least 1 byte, got 0/);
    expect(() => DefaultRollingPolicy.builder().withRolloverInterval(-5)).to.throw(ConfigurationError, /withRolloverInterval: expected a positive number of ms, got -5/);
    expect(b.withFileSystem(fs).build().basePath).to.equal('/out');
  });

  for (const [what, id] of [
    ['a parent segment', '../elsewhere'],
    ['an absolute path', '/etc'],
    ['an empty segment', 'a//b'],
    ['a number', 3],
  ] as const) {
    it(`fails the job when the bucket assigner returns ${what}, naming the sink and the id`, async () => {
      const fs = new MemorySinkFileSystem();
      const e = env(1);
      e.fromElements(1).sinkTo(FileSink.forRowFormat('/out', line).withBucketAssigner(() => id as string).withFileSystem(fs).build());
      const shown = typeof id === 'string' ? JSON.stringify(id).replace(/[/.]/g, '\\$&') : `${id} \\(number\\)`;
      await expectRejection(e.execute(), new RegExp(`FileSink\\(/out\\): the bucket assigner returned ${shown}`), JobExecutionError);
      expect(fs.files.size).to.equal(0);
    });
  }

  it('fails the job when the encoder returns neither a string nor bytes', async () => {
    const fs = new MemorySinkFileSystem();
    const e = env(1);
    e.fromElements(1).sinkTo(FileSink.forRowFormat('/out', () => 42 as unknown as string).withFileSystem(fs).build());
    await expectRejection(e.execute(), /FileSink\(\/out\): the encoder returned 42 \(number\); expected a string or a Uint8Array/, JobExecutionError);
    expect(fs.openFiles).to.equal(0);
  });

  it('writes real files through node:fs in Node', async function () {
    const nodeFs = nodeFileSinkFileSystem();
    if (nodeFs === undefined) this.skip(); // browsers have no node:fs
    type Fs = { mkdtempSync(p: string): string; readFileSync(p: string, e: string): string; readdirSync(p: string): string[]; rmSync(p: string, o: object): void };
    const getBuiltin = (globalThis as unknown as { process: { getBuiltinModule(n: string): unknown } }).process.getBuiltinModule;
    const fs = getBuiltin('node:fs') as Fs;
    const { tmpdir } = getBuiltin('node:os') as { tmpdir(): string };
    const { join } = getBuiltin('node:path') as { join(...p: string[]): string };
    const dir = fs.mkdtempSync(join(tmpdir(), 'weir-filesink-'));
    try {
      const e = env(2);
      e.fromElements(...range(500)).rebalance().sinkTo(FileSink.forRowFormat(dir, line).withBucketAssigner((x: number) => `2026-01-0${1 + (x % 3 === 0 ? 1 : 0)}/12-00`).build());
      await e.execute();
      const read: number[] = [];
      for (const day of fs.readdirSync(dir).sort()) {
        expect(fs.readdirSync(join(dir, day))).to.deep.equal(['12-00']);
        const parts = fs.readdirSync(join(dir, day, '12-00')).sort();
        expect(parts).to.deep.equal(['part-0-0', 'part-1-0']);
        for (const p of parts) read.push(...fs.readFileSync(join(dir, day, '12-00', p), 'utf8').split('\n').slice(0, -1).map(Number));
      }
      expect(read.sort((a, b) => a - b)).to.deep.equal(range(500));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without node:fs and without a file system given, the job fails saying so', async function () {
    if (nodeFileSinkFileSystem() !== undefined) this.skip(); // only where there is no node:fs (browsers)
    const e = env(1);
    e.fromElements(1).sinkTo(FileSink.forRowFormat('/out', line).build());
    await expectRejection(e.execute(), /FileSink\(\/out\): there is no file system here \(no node:fs\); give one with withFileSystem\(\)/, JobExecutionError);
  });
});
