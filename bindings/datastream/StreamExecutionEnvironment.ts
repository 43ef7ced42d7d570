/**
 * StreamExecutionEnvironment: where a job is built and run (Flink's). It
 * holds the defaults (parallelism, buffer timeout, memory), creates sources,
 * and executes every sink defined on it as one job.
 *
 * Memory: a job runs inside a {@link MemoryBudget}: the one given as
 * `memory`, or one made for the job from `memory` options (and disposed when
 * the job ends). The job's network buffers (record writers' pools, input
 * channels' exclusive and floating buffers) come from its network share.
 *
 * @example
 * ```ts
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, bufferTimeout: 10 });
 * env.fromSequence(1, 100).map((x) => x * 2).print();
 * const result = await env.execute('double');
 * console.log(result.netRuntime, result.metrics.tasks);
 * ```
 */
import { ConfigurationError } from '../errors.js';
import { MemoryBudget, type MemoryOptions } from '../core/MemoryBudget.js';
import { DEFAULT_MAX_PARALLELISM, UPPER_BOUND_MAX_PARALLELISM } from '../types/KeyGroupRangeAssignment.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';
import { Job, type JobExecutionResult } from '../runtime/Job.js';
import { SourceOperator } from '../runtime/operators.js';
import { checkParallelism, Transformation } from '../runtime/Transformation.js';
import { SingleOutputStreamOperator } from './DataStream.js';
import { JobClient } from './JobClient.js';
import { SystemProcessingTimeService, type ProcessingTimeService } from '../eventtime/ProcessingTimeService.js';
import { WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import { asyncIterableSource, collectionSource, readableStreamSource, sequenceSource, type Source } from './sources.js';

/** Options of {@link StreamExecutionEnvironment.getExecutionEnvironment}. */
export interface StreamExecutionOptions {
  /** Default parallelism of operators (default 1). */
  parallelism?: number;
  /** Number of key groups (default 128). */
  maxParallelism?: number;
  /** A budget to run in, or the options of one to create per job (default 64 MiB network, 128 MiB managed). */
  memory?: MemoryBudget | MemoryOptions;
  /**
   * Longest time (ms) a partly filled buffer waits before it is sent
   * (default 100); 0 sends every record at once, -1 only full buffers.
   */
  bufferTimeout?: number;
  /** Buffers each input channel owns (Flink's buffers-per-channel, default 2). */
  exclusiveBuffersPerChannel?: number;
  /** Buffers an input gate's channels share on demand (default 8). */
  floatingBuffersPerGate?: number;
  /** Milliseconds of processing time between periodic watermarks (default 200; 0 turns periodic watermarks off). */
  autoWatermarkInterval?: number;
  /**
   * The clock of processing time (default: the wall clock). Tests pass a
   * {@link ManualProcessingTimeService} to move time by hand.
   */
  processingTimeService?: ProcessingTimeService;
}

/** Settings of the jobs an environment runs (Flink's ExecutionConfig, the part weir has). */
export class ExecutionConfig {
  private interval = 200;

  /** Milliseconds of processing time between periodic watermarks; 0 turns them off. */
  setAutoWatermarkInterval(ms: number): this {
    if (!Number.isFinite(ms) || ms < 0) throw new ConfigurationError(`autoWatermarkInterval must be a number of ms ≥ 0 (0: off), got ${String(ms)}`);
    this.interval = ms;
    return this;
  }

  getAutoWatermarkInterval(): number {
    return this.interval;
  }
}

/** Options of one execution. */
export interface ExecuteOptions {
  jobName?: string;
  /** Aborting it cancels the job. */
  signal?: AbortSignal | undefined;
}

export class StreamExecutionEnvironment {
  private parallelism: number;
  private maxParallelism: number;
  private bufferTimeout: number;
  private readonly memory: MemoryBudget | MemoryOptions;
  private readonly exclusive: number;
  private readonly floating: number;
  private sinks: Transformation[] = [];
  private readonly config = new ExecutionConfig();
  private readonly clock: ProcessingTimeService;
  private readonly uids = new Map<string, Transformation>();

  private constructor(options: StreamExecutionOptions) {
    this.parallelism = checkParallelism(options.parallelism ?? 1, 'StreamExecutionEnvironment');
    this.maxParallelism = DEFAULT_MAX_PARALLELISM;
    if (options.maxParallelism !== undefined) this.setMaxParallelism(options.maxParallelism);
    this.bufferTimeout = 100;
    if (options.bufferTimeout !== undefined) this.setBufferTimeout(options.bufferTimeout);
    this.memory = options.memory ?? {};
    this.exclusive = checkCount(options.exclusiveBuffersPerChannel ?? 2, 'exclusiveBuffersPerChannel', 1);
    this.floating = checkCount(options.floatingBuffersPerGate ?? 8, 'floatingBuffersPerGate', 1);
    if (options.autoWatermarkInterval !== undefined) this.config.setAutoWatermarkInterval(options.autoWatermarkInterval);
    const clock = options.processingTimeService;
    if (clock !== undefined && (typeof clock?.getCurrentProcessingTime !== 'function' || typeof clock.registerTimer !== 'function')) {
      throw new ConfigurationError('processingTimeService must be a ProcessingTimeService (getCurrentProcessingTime and registerTimer), such as new ManualProcessingTimeService()');
    }
    this.clock = clock ?? new SystemProcessingTimeService();
  }

  /** The settings of jobs run here (the auto-watermark interval). */
  getConfig(): ExecutionConfig {
    return this.config;
  }

  /** A new environment (weir runs jobs locally; there is no cluster to find). */
  static getExecutionEnvironment(options: StreamExecutionOptions = {}): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(options);
  }

  setParallelism(parallelism: number): this {
    this.parallelism = checkParallelism(parallelism, 'setParallelism');
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
      throw new ConfigurationError(`maxParallelism must be an integer from 1 to ${UPPER_BOUND_MAX_PARALLELISM}, got ${String(maxParallelism)}`);
    }
    this.maxParallelism = maxParallelism;
    return this;
  }

  getMaxParallelism(): number {
    return this.maxParallelism;
  }

  /** See {@link StreamExecutionOptions.bufferTimeout}. */
  setBufferTimeout(ms: number): this {
    if (!(ms === -1 || (Number.isFinite(ms) && ms >= 0))) {
      throw new ConfigurationError(`bufferTimeout must be -1 (flush only full buffers), 0 (flush every record) or a number of ms > 0, got ${String(ms)}`);
    }
    this.bufferTimeout = ms;
    return this;
  }

  getBufferTimeout(): number {
    return this.bufferTimeout;
  }

  /** A non-parallel source of the given elements. */
  fromElements<T>(...elements: T[]): SingleOutputStreamOperator<T> {
    return this.fromSource(collectionSource(elements, undefined), 'Collection Source');
  }

  /** A non-parallel source reading an iterable when the job runs. */
  fromCollection<T>(items: Iterable<T>, type?: TypeInformation<T>): SingleOutputStreamOperator<T> {
    if (items === null || typeof (items as Iterable<T>)?.[Symbol.iterator] !== 'function') {
      throw new ConfigurationError(`fromCollection: expected an iterable, got ${items === null ? 'null' : typeof items}`);
    }
    return this.fromSource(collectionSource(items, type), 'Collection Source');
  }

  /** A parallel source of the integers `from` to `to`, inclusive (type LONG). */
  fromSequence(from: number, to: number): SingleOutputStreamOperator<number> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
      throw new ConfigurationError(`fromSequence: from and to must be safe integers with from ≤ to, got ${String(from)} and ${String(to)}`);
    }
    const s = this.fromSource(sequenceSource(from, to), 'Sequence Source');
    s.returns(Types.LONG);
    return s;
  }

  /** A non-parallel source pulling an async iterable (an async generator, a Node Readable in object mode…). */
  fromAsyncIterable<T>(items: AsyncIterable<T>, type?: TypeInformation<T>): SingleOutputStreamOperator<T> {
    if (items === null || typeof (items as AsyncIterable<T>)?.[Symbol.asyncIterator] !== 'function') {
      throw new ConfigurationError(`fromAsyncIterable: expected an async iterable, got ${items === null ? 'null' : typeof items}`);
    }
    return this.fromSource(asyncIterableSource(items, type), 'Async Iterable Source');
  }

  /** A non-parallel source reading a Node `Readable` (its chunks, or objects in object mode); it is destroyed if the job ends early. */
  fromNodeReadable<T = unknown>(readable: AsyncIterable<T>, type?: TypeInformation<T>): SingleOutputStreamOperator<T> {
    return this.fromAsyncIterable(readable, type).name('Readable Source');
  }

  /** A non-parallel source reading a WHATWG `ReadableStream`; it is cancelled if the job ends early. */
  fromReadableStream<T>(stream: ReadableStream<T>, type?: TypeInformation<T>): SingleOutputStreamOperator<T> {
    if (stream === null || typeof (stream as ReadableStream<T>)?.getReader !== 'function') {
      throw new ConfigurationError(`fromReadableStream: expected a ReadableStream, got ${stream === null ? 'null' : typeof stream}`);
    }
    return this.fromSource(readableStreamSource(stream, type), 'ReadableStream Source');
  }

  /**
   * A stream read from a {@link Source}, such as a DataGeneratorSource. With
   * a WatermarkStrategy, each source instance assigns timestamps and emits
   * watermarks as its records are read (as Flink's
   * `fromSource(source, strategy, name)`).
   */
  fromSource<T>(source: Source<T>, sourceName?: string): SingleOutputStreamOperator<T>;
  fromSource<T>(source: Source<T>, watermarkStrategy: WatermarkStrategy<T>, sourceName?: string): SingleOutputStreamOperator<T>;
  fromSource<T>(source: Source<T>, a?: string | WatermarkStrategy<T>, b?: string): SingleOutputStreamOperator<T> {
    if (source === null || typeof source?.createReader !== 'function') {
      throw new ConfigurationError(`fromSource: expected a Source (an object with createReader), got ${source === null ? 'null' : typeof source}`);
    }
    const strategy = a instanceof WatermarkStrategy ? a : undefined;
    if (a !== undefined && strategy === undefined && typeof a !== 'string') {
      throw new ConfigurationError(`fromSource: the second argument must be a WatermarkStrategy or the source's name, got ${typeof a}`);
    }
    const sourceName = (typeof a === 'string' ? a : b) ?? 'Source';
    const node = new Transformation(sourceName, [], (info) => new SourceOperator(info), source.type, {
      parallel: source.parallel !== false,
      createReader: (subtask, parallelism) => source.createReader({ subtask, parallelism }),
    });
    const stream = new SingleOutputStreamOperator<T>(this, node);
    return strategy === undefined ? stream : stream.assignTimestampsAndWatermarks(strategy, `${sourceName}: Timestamps/Watermarks`);
  }

  /** Runs every sink defined so far as one job; resolves when it finishes. */
  async execute(options: string | ExecuteOptions = {}): Promise<JobExecutionResult> {
    const opts = typeof options === 'string' ? { jobName: options } : options;
    return this.run(opts).result;
  }

  /** Starts every sink defined so far as one job and returns its client at once. */
  executeAsync(options: string | ExecuteOptions = {}): JobClient {
    const opts = typeof options === 'string' ? { jobName: options } : options;
    const { job, result } = this.run(opts);
    return new JobClient(job, result);
  }

  /** @internal */
  run(options: ExecuteOptions): { job: Job; result: Promise<JobExecutionResult> } {
    const sinks = this.sinks;
    if (sinks.length === 0) throw new ConfigurationError('No operators defined in the streaming topology: add a sink (print, sinkTo, executeAndCollect) before execute');
    this.sinks = [];
    this.releaseUids(sinks);
    const owns = !(this.memory instanceof MemoryBudget);
    const budget = this.memory instanceof MemoryBudget ? this.memory : MemoryBudget.create(this.memory);
    let job: Job;
    try {
      job = new Job(sinks, {
        jobName: options.jobName ?? 'weir job',
        parallelism: this.parallelism,
        maxParallelism: this.maxParallelism,
        bufferTimeout: this.bufferTimeout,
        exclusiveBuffersPerChannel: this.exclusive,
        floatingBuffersPerGate: this.floating,
        budget,
        processingTimeService: this.clock,
        autoWatermarkInterval: this.config.getAutoWatermarkInterval(),
        ownsBudget: owns,
        signal: options.signal,
      });
    } catch (error) {
      if (owns) budget.dispose();
      throw error;
    }
    return { job, result: job.run() };
  }

  /** @internal */
  addSinkNode(node: Transformation): void {
    this.sinks.push(node);
  }

  /** @internal uids are unique among the operators of a job (claimed as they are set, so a clash is refused at once). */
  claimUid(uid: string, node: Transformation): void {
    const other = this.uids.get(uid);
    if (other !== undefined && other !== node) throw new ConfigurationError(`uid "${uid}" is already used by "${other.name}"`);
    this.uids.set(uid, node);
  }

  // A job was handed to the runtime: its operators' uids are free for the next job built here (as in Flink, where
  // execute clears the transformations and uids are checked per job graph).
  private releaseUids(sinks: Transformation[]): void {
    const inJob = new Set<Transformation>();
    const stack = [...sinks];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (inJob.has(n)) continue;
      inJob.add(n);
      for (const e of n.inputs) stack.push(e.source);
    }
    for (const [uid, node] of this.uids) if (inJob.has(node)) this.uids.delete(uid);
  }
}

function checkCount(n: number, what: string, min: number): number {
  if (!Number.isInteger(n) || n < min) throw new ConfigurationError(`${what} must be an integer ≥ ${min}, got ${String(n)}`);
  return n;
}
