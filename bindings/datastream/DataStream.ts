/**
 * DataStream: a stream of records of type `T` as the DataStream API builds
 * it, with Flink's transformations in camelCase. Nothing runs until the
 * environment executes; each transformation adds a node to the job.
 *
 * Operators that follow each other with the same parallelism and no
 * repartitioning are chained: they run in one task and pass each record as
 * the same JS object (do not mutate a record that another operator also
 * reads). Everywhere else records cross as bytes, serialized with the
 * stream's TypeInformation: given with `returns(type)` or a transformation's
 * `type` argument, or inferred from the first record.
 *
 * @example
 * ```ts
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
 * const counts = await env
 *   .fromElements('a b', 'b c')
 *   .flatMap((line: string, out) => line.split(' ').forEach((w) => out.collect(w)), Types.STRING)
 *   .map((w) => ({ word: w, n: 1 }))
 *   .keyBy((r) => r.word)
 *   .sum('n')
 *   .executeAndCollect(); // [{word:'a',n:1}, {word:'b',n:1}, {word:'b',n:2}, {word:'c',n:1}] in some order
 * ```
 */
import { WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import { AllWindowedStream, WindowedStream } from './WindowedStream.js';
import { GlobalWindows, type WindowAssigner } from '../windowing/WindowAssigner.js';
import type { GlobalWindow, TimeWindow } from '../windowing/TimeWindow.js';
import { CountTrigger, PurgingTrigger } from '../windowing/triggers.js';
import { CountEvictor } from '../windowing/Evictor.js';
import { Types } from '../types/Types.js';
import { TimestampsAndWatermarksOperator } from '../runtime/TimestampsAndWatermarksOperator.js';
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { PartitionerKind, PartitionerSpec } from '../runtime/StreamPartitioner.js';
import { Transformation, type StreamEdge } from '../runtime/Transformation.js';
import type { OperatorInfo, StreamOperator } from '../runtime/StreamOperator.js';
import { CoOperator, FilterOperator, FlatMapOperator, GroupedReduceOperator, MapOperator, ProcessOperator, SinkOperator } from '../runtime/operators.js';
import type { JobExecutionResult } from '../runtime/Job.js';
import { aggregation, type AggregationKind, type FieldExpression } from './aggregations.js';
import {
  bindUserFunction,
  type CoFlatMapFunction,
  type CoMapFunction,
  type FilterFunction,
  type FlatMapFunction,
  type KeySelector,
  type MapFunction,
  type ReduceFunction,
  type SinkFunction,
  type ProcessFunctionLike,
  type KeyedProcessFunctionLike,
  type CoProcessFunctionLike,
} from './functions.js';
import type { OutputTag } from './OutputTag.js';
import { printSink, toSinkFunction, type NodeWritableLike } from './sinks.js';
import { JoinedStreams } from './JoinedStreams.js';
import { CoGroupedStreams } from './CoGroupedStreams.js';
import { IntervalJoin } from './IntervalJoin.js';
import type { StreamExecutionEnvironment, ExecuteOptions } from './StreamExecutionEnvironment.js';

/** @internal One input of the next operator: a node's main or side output, and how it is partitioned. */
export interface StreamInput {
  readonly node: Transformation;
  readonly sideTag?: string | undefined;
  readonly partitioner?: PartitionerSpec | undefined;
}

/** Options of {@link DataStream.executeAndCollect}. */
export interface CollectOptions extends ExecuteOptions {
  /** Stop the job once this many records arrived, and return them. */
  limit?: number;
}


export class DataStream<T> {
  /** @internal */
  readonly env: StreamExecutionEnvironment;
  /** @internal */
  readonly inputs: readonly StreamInput[];

  /** @internal */
  constructor(env: StreamExecutionEnvironment, inputs: readonly StreamInput[]) {
    this.env = env;
    this.inputs = inputs;
  }

  /** The environment this stream belongs to. */
  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.env;
  }

  /** The records' type, if known before the job runs (otherwise inferred from the first record). */
  getType(): TypeInformation<T> | undefined {
    const first = this.inputs[0]!;
    return first.sideTag === undefined ? first.node.type : first.node.sideTypes.get(first.sideTag);
  }

  /** One output per input record. */
  map<R>(fn: MapFunction<T, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Map', (info) => new MapOperator(info, fn), type);
  }

  /** Zero or more outputs per input record, through `out.collect`. */
  flatMap<R>(fn: FlatMapFunction<T, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Flat Map', (info) => new FlatMapOperator(info, fn), type);
  }

  /** The records for which `fn` returns true. */
  filter(fn: FilterFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform('Filter', (info) => new FilterOperator(info, fn), this.getType());
  }

  /** A ProcessFunction: outputs through `out.collect`, side outputs through `ctx.output(tag, value)`. */
  process<R>(fn: ProcessFunctionLike<T, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Process', (info) => new ProcessOperator(info, fn), type);
  }

  /**
   * Gives each record an event timestamp and generates watermarks, as the
   * strategy says (Flink's). Watermarks that arrive from upstream are
   * dropped, except the final one of bounded input.
   *
   * @example
   * ```ts
   * const bids = env.fromCollection(events).assignTimestampsAndWatermarks(
   *   WatermarkStrategy.forBoundedOutOfOrderness<Bid>(5_000).withTimestampAssigner((bid) => bid.dateTime),
   * );
   * ```
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>, name = 'Timestamps/Watermarks'): SingleOutputStreamOperator<T> {
    if (!(strategy instanceof WatermarkStrategy)) {
      throw new ConfigurationError(`assignTimestampsAndWatermarks: expected a WatermarkStrategy (WatermarkStrategy.forBoundedOutOfOrderness(…) etc.), got ${strategy === null ? 'null' : typeof strategy}`);
    }
    const stream = this.transform(name, (info) => new TimestampsAndWatermarksOperator<T>(info, strategy), this.getType());
    stream.node.assignsTimestamps = true;
    return stream as SingleOutputStreamOperator<T>;
  }

  /** Cuts the whole stream into windows, in one instance (Flink's `windowAll`). */
  windowAll<W extends TimeWindow | GlobalWindow>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    // As Flink: one constant key, so that the window keeps its contents in keyed state like any other.
    return new AllWindowedStream<T, W>(this.keyBy(() => 0, Types.INT as TypeInformation<number>), assigner, true);
  }

  /** Count windows over the whole stream, in one instance. */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    return countWindowOf(this.windowAll(GlobalWindows.create<T>()), size, slide);
  }

  /** Partitions by key: records with equal keys go to the same parallel instance (by Flink's key groups). */
  keyBy<K>(keySelector: KeySelector<T, K>, keyType?: TypeInformation<K>): KeyedStream<T, K> {
    const selector = bindUserFunction<(v: T) => K>(keySelector, 'getKey', 'keyBy').call;
    return new KeyedStream<T, K>(this.env, this.repartition({ kind: 'HASH', keySelector: selector, keyType }), selector, keyType);
  }

  /** Merges streams of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const o of others) {
      if (o.env !== this.env) throw new ConfigurationError('union: all streams must come from the same StreamExecutionEnvironment');
    }
    return new DataStream<T>(this.env, [...this.inputs, ...others.flatMap((o) => o.inputs)]);
  }

  /** Connects two streams, possibly of different types, for a two-input map, flatMap or process. */
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U> {
    if (other.env !== this.env) throw new ConfigurationError('connect: both streams must come from the same StreamExecutionEnvironment');
    return new ConnectedStreams<T, U>(this.env, this, other);
  }

  /**
   * Joins this stream with `other` in windows (Flink's window join):
   * `.where(keyA).equalTo(keyB).window(assigner).apply((a, b) => …)`.
   *
   * @example
   * ```ts
   * orders.join(payments).where((o) => o.id).equalTo((p) => p.orderId)
   *   .window(TumblingEventTimeWindows.of(Time.minutes(5)))
   *   .apply((o, p) => ({ id: o.id, paid: p.amount }));
   * ```
   */
  join<U>(other: DataStream<U>): JoinedStreams<T, U> {
    return new JoinedStreams<T, U>(this, other);
  }

  /**
   * Groups this stream with `other` per key and window (Flink's coGroup):
   * `.where(keyA).equalTo(keyB).window(assigner).apply((as, bs, out) => …)`.
   *
   * @example
   * ```ts
   * orders.coGroup(payments).where((o) => o.id).equalTo((p) => p.orderId)
   *   .window(TumblingEventTimeWindows.of(Time.minutes(5)))
   *   .apply((os, ps, out) => { if ([...ps].length === 0) for (const o of os) out.collect(o); }); // unpaid orders
   * ```
   */
  coGroup<U>(other: DataStream<U>): CoGroupedStreams<T, U> {
    return new CoGroupedStreams<T, U>(this, other);
  }

  /** Round-robin over all consumer instances. */
  rebalance(): DataStream<T> {
    return this.partitioned('REBALANCE');
  }

  /** Random consumer instance per record. */
  shuffle(): DataStream<T> {
    return this.partitioned('SHUFFLE');
  }

  /** Every record to every consumer instance. */
  broadcast(): DataStream<T> {
    return this.partitioned('BROADCAST');
  }

  /** Round-robin over a subset of consumer instances (pointwise). */
  rescale(): DataStream<T> {
    return this.partitioned('RESCALE');
  }

  /** Instance i to instance i (the parallelism must match). */
  forward(): DataStream<T> {
    return this.partitioned('FORWARD');
  }

  /** Every record to the first consumer instance. */
  global(): DataStream<T> {
    return this.partitioned('GLOBAL');
  }

  /** `partitioner(key, numPartitions)` picks the consumer instance of each record. */
  partitionCustom<K>(partitioner: (key: K, numPartitions: number) => number, keySelector: KeySelector<T, K>): DataStream<T> {
    if (typeof partitioner !== 'function') throw new ConfigurationError(`partitionCustom: the partitioner must be a function, got ${typeof partitioner}`);
    const selector = bindUserFunction<(v: T) => K>(keySelector, 'getKey', 'partitionCustom').call;
    return new DataStream<T>(this.env, this.repartition({ kind: 'CUSTOM', keySelector: selector, custom: partitioner }));
  }

  /** Prints each record to the console (`n> record` with the instance number when the parallelism is above 1). */
  print(sinkIdentifier?: string): DataStreamSink<T> {
    const sink = this.addSink('Print to Std. Out', (parallel) => printSink<T>(sinkIdentifier, parallel), false);
    return sink;
  }

  /**
   * Writes each record to a sink: a {@link SinkFunction} (whose `invoke` may
   * return a promise), a Node `Writable` or a WHATWG `WritableStream`; the
   * job waits whenever the writer asks it to. Streams take parallelism 1.
   */
  sinkTo(sink: SinkFunction<T> | ((value: T) => void | Promise<void>) | NodeWritableLike | WritableStream<T>): DataStreamSink<T> {
    const { fn, exclusive } = toSinkFunction<T>(sink);
    const name = exclusive ? (typeof (sink as WritableStream).getWriter === 'function' ? 'WritableStream' : 'Writable') : 'Sink';
    return this.addSink(name, () => fn, exclusive);
  }

  /** Flink's older name for {@link sinkTo}. */
  addSink(sink: SinkFunction<T>): DataStreamSink<T>;
  /** @internal */
  addSink(name: string, make: (parallel: boolean) => SinkFunction<T>, exclusive: boolean): DataStreamSink<T>;
  addSink(a: unknown, make?: (parallel: boolean) => SinkFunction<T>, exclusive = false): DataStreamSink<T> {
    if (make === undefined) return this.sinkTo(a as SinkFunction<T>);
    const node = new Transformation(
      `Sink: ${a as string}`,
      this.edges(0),
      (info) => new SinkOperator(info, make(info.parallelism > 1)),
      undefined,
    );
    if (exclusive) {
      node.parallelism = 1;
      node.singleInstance = `a ${a as string} sink writes to one stream`;
    }
    this.env.addSinkNode(node);
    return new DataStreamSink<T>(node, this.env);
  }

  /**
   * Runs the job and returns every record of this stream (Flink's
   * executeAndCollect). With `limit`, the job stops after that many records.
   */
  async executeAndCollect(options: number | CollectOptions = {}): Promise<T[]> {
    const opts: CollectOptions = typeof options === 'number' ? { limit: options } : options;
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 0)) throw new ConfigurationError(`executeAndCollect: limit must be ≥ 0, got ${String(opts.limit)}`);
    const items: T[] = [];
    let stop: (() => void) | undefined;
    const sink = this.addSink('Collect', () => ({
      invoke(value: T) {
        if (items.length < limit) items.push(value);
        if (items.length >= limit) stop?.();
      },
    }), true);
    void sink;
    const { job, result } = this.env.run({ jobName: opts.jobName ?? 'collect', signal: opts.signal });
    stop = () => job.stop();
    if (limit === 0) job.stop();
    await result;
    return items;
  }

  /**
   * Runs the job and yields this stream's records as they arrive. The job
   * waits while the consumer does not pull (at most `bufferSize` records are
   * held); leaving the loop early stops the job.
   *
   * @example
   * ```ts
   * for await (const x of env.fromSequence(1, 1e6).collectAsync()) if (x > 10) break;
   * ```
   */
  collectAsync(options: ExecuteOptions & { bufferSize?: number } = {}): AsyncIterableIterator<T> {
    const capacity = options.bufferSize ?? 1024;
    if (!Number.isInteger(capacity) || capacity < 1) throw new ConfigurationError(`collectAsync: bufferSize must be an integer ≥ 1, got ${String(capacity)}`);
    const queue: T[] = [];
    let wakeConsumer: (() => void) | null = null;
    let wakeProducer: (() => void) | null = null;
    let state: 'running' | 'done' | 'failed' = 'running';
    let failure: unknown;
    const wake = () => {
      const w = wakeConsumer;
      wakeConsumer = null;
      w?.();
    };
    this.addSink('Collect', () => ({
      invoke(value: T): void | Promise<void> {
        queue.push(value);
        wake();
        if (queue.length >= capacity) return new Promise<void>((resolve) => (wakeProducer = resolve));
        return undefined;
      },
    }), true);
    let started: ReturnType<StreamExecutionEnvironment['run']> | undefined;
    const start = () => {
      if (started !== undefined) return started;
      started = this.env.run({ jobName: options.jobName ?? 'collect', signal: options.signal });
      started.result.then(
        () => {
          state = 'done';
          wake();
        },
        (error: unknown) => {
          state = 'failed';
          failure = error;
          wake();
        },
      );
      return started;
    };
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        start();
        while (queue.length === 0) {
          if (state === 'failed') throw failure;
          if (state === 'done') return { done: true, value: undefined };
          await new Promise<void>((resolve) => (wakeConsumer = resolve));
        }
        const value = queue.shift()!;
        if (wakeProducer !== null && queue.length < capacity) {
          const w = wakeProducer;
          wakeProducer = null;
          w();
        }
        return { done: false, value };
      },
      async return(): Promise<IteratorResult<T>> {
        const s = start();
        s.job.stop();
        await s.result.catch(() => undefined);
        queue.length = 0;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }

  /** @internal The type every input of this stream has, if they all have one and the same. */
  commonType(): TypeInformation<T> | undefined {
    const types = this.inputs.map((i) => (i.sideTag === undefined ? i.node.type : i.node.sideTypes.get(i.sideTag)));
    const first = types[0];
    return first !== undefined && types.every((t) => t !== undefined && (t === first || t.equals(first))) ? first : undefined;
  }

  /** @internal The edges from this stream into a new operator's input `inputIndex`. */
  edges(inputIndex: number): StreamEdge[] {
    return this.inputs.map((i) => ({ source: i.node, partitioner: i.partitioner, sideTag: i.sideTag, inputIndex }));
  }

  /** @internal */
  transform<R>(name: string, factory: (info: OperatorInfo) => StreamOperator, type: TypeInformation<R> | undefined): SingleOutputStreamOperator<R> {
    const node = new Transformation(name, this.edges(0), factory, type);
    return new SingleOutputStreamOperator<R>(this.env, node);
  }

  /** @internal */
  repartition(spec: PartitionerSpec): StreamInput[] {
    return this.inputs.map((i) => ({ node: i.node, sideTag: i.sideTag, partitioner: spec }));
  }

  private partitioned(kind: PartitionerKind): DataStream<T> {
    return new DataStream<T>(this.env, this.repartition({ kind }));
  }
}

/** The result of a transformation: a stream whose operator can be named, configured and asked for side outputs. */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  /** @internal */
  readonly node: Transformation;

  /** @internal */
  constructor(env: StreamExecutionEnvironment, node: Transformation) {
    super(env, [{ node }]);
    this.node = node;
  }

  /** Names the operator (in metrics, errors and task names). */
  name(name: string): this {
    this.node.setName(name);
    return this;
  }

  /** A stable id of the operator (savepoints match state by it). */
  uid(uid: string): this {
    this.node.setUid(uid, (u, n) => this.env.claimUid(u, n));
    return this;
  }

  /** The number of parallel instances of this operator. */
  setParallelism(parallelism: number): this {
    this.node.setParallelism(parallelism);
    return this;
  }

  /** Never chain this operator with its neighbours. */
  disableChaining(): this {
    this.node.chaining = 'NEVER';
    return this;
  }

  /** Start a new chain here (the operator may still chain with what follows). */
  startNewChain(): this {
    this.node.chaining = 'HEAD';
    return this;
  }

  /** Declares the type of this operator's records (instead of inferring it from the first record); narrows the stream's type too. */
  returns<U = T>(type: TypeInformation<U>): SingleOutputStreamOperator<U> {
    this.node.type = type;
    return this as unknown as SingleOutputStreamOperator<U>;
  }

  /** The records this operator emitted to the side output `tag`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const known = this.node.sideTypes.get(tag.id);
    if (this.node.sideTypes.has(tag.id) && known !== tag.type && known !== undefined && tag.type !== undefined && !known.equals(tag.type)) {
      throw new ConfigurationError(`getSideOutput: the side output "${tag.id}" of "${this.node.name}" was already read with type ${known.toString()}, not ${tag.type.toString()}`);
    }
    this.node.sideTypes.set(tag.id, tag.type ?? known);
    return new DataStream<X>(this.env, [{ node: this.node, sideTag: tag.id }]);
  }
}

/** A stream partitioned by key: rolling aggregations and keyed process functions. */
export class KeyedStream<T, K> extends DataStream<T> {
  /** @internal */
  readonly keySelector: (value: T) => K;
  /** @internal */
  readonly keyType: TypeInformation<K> | undefined;

  /** @internal */
  constructor(env: StreamExecutionEnvironment, inputs: readonly StreamInput[], keySelector: (value: T) => K, keyType: TypeInformation<K> | undefined) {
    super(env, inputs);
    this.keySelector = keySelector;
    this.keyType = keyType;
  }

  /** The key's type, if given to keyBy. */
  getKeyType(): TypeInformation<K> | undefined {
    return this.keyType;
  }

  /** Rolling reduce: per key, emits `fn(previous, record)` for each record (the first record as it is). */
  reduce(fn: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform('Keyed Reduce', (info) => new GroupedReduceOperator(info, fn, this.getType()), this.getType());
  }

  /** Rolling sum of a field (other fields as in the key's first record). */
  sum(field: FieldExpression = 0): SingleOutputStreamOperator<T> {
    return this.aggregate('sum', field);
  }

  /** Rolling minimum of a field (other fields as in the key's first record). */
  min(field: FieldExpression = 0): SingleOutputStreamOperator<T> {
    return this.aggregate('min', field);
  }

  /** Rolling maximum of a field (other fields as in the key's first record). */
  max(field: FieldExpression = 0): SingleOutputStreamOperator<T> {
    return this.aggregate('max', field);
  }

  /** The record with the smallest value of a field so far (on a tie the first, unless `first` is false). */
  minBy(field: FieldExpression = 0, first = true): SingleOutputStreamOperator<T> {
    return this.aggregate('minBy', field, first);
  }

  /** The record with the largest value of a field so far (on a tie the first, unless `first` is false). */
  maxBy(field: FieldExpression = 0, first = true): SingleOutputStreamOperator<T> {
    return this.aggregate('maxBy', field, first);
  }

  /**
   * Cuts each key's records into windows (Flink's `window`): then choose a
   * trigger, evictor, lateness, and a window function.
   */
  window<W extends TimeWindow | GlobalWindow>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner, false);
  }

  /**
   * Count windows per key: of `size` elements, every `slide` elements if
   * given (Flink's GlobalWindows with a count trigger, and a count evictor
   * when sliding).
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    return countWindowOf(this.window(GlobalWindows.create<T>()), size, slide);
  }

  /**
   * Joins each element with the elements of `other` (keyed the same way)
   * whose timestamps lie within bounds of its own (Flink's interval join):
   * `.between(lower, upper).process((a, b, ctx, out) => …)`. Event time only.
   *
   * @example
   * ```ts
   * clicks.keyBy((c) => c.user)
   *   .intervalJoin(views.keyBy((v) => v.user))
   *   .between(-Time.seconds(10), 0) // views up to 10 s before each click
   *   .process((click, view, ctx, out) => out.collect({ click, view }));
   * ```
   */
  intervalJoin<U>(other: KeyedStream<U, K>): IntervalJoin<T, U, K> {
    if (!(other instanceof KeyedStream)) throw new ConfigurationError(`intervalJoin: expected a KeyedStream (other.keyBy(…)), got ${other === null ? 'null' : typeof other === 'object' ? (other as object).constructor.name : typeof other}`);
    if (other.env !== this.env) throw new ConfigurationError('intervalJoin: both streams must come from the same StreamExecutionEnvironment');
    return new IntervalJoin<T, U, K>(this, other);
  }

  /** A KeyedProcessFunction: like process, with `ctx.getCurrentKey()`. */
  override process<R>(fn: KeyedProcessFunctionLike<K, T, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Keyed Process', (info) => new ProcessOperator(info, fn), type);
  }

  private aggregate(kind: AggregationKind, field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    const { reduce, check } = aggregation(kind, field, first, this.commonType());
    return this.transform('Keyed Aggregation', (info) => new GroupedReduceOperator(info, reduce, this.getType(), check), this.getType());
  }
}

function countWindowOf<S extends { trigger(t: any): S; evictor(e: any): S }>(stream: S, size: number, slide: number | undefined): S {
  if (!Number.isSafeInteger(size) || size < 1) throw new ConfigurationError(`countWindow: the size must be a whole number ≥ 1, got ${String(size)}`);
  if (slide === undefined) return stream.trigger(PurgingTrigger.of(CountTrigger.of(size)));
  if (!Number.isSafeInteger(slide) || slide < 1) throw new ConfigurationError(`countWindow: the slide must be a whole number ≥ 1, got ${String(slide)}`);
  return stream.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
}

/** Two streams joined for a two-input operator: `map1`/`map2`, `flatMap1`/`flatMap2`, `processElement1`/`processElement2`. */
export class ConnectedStreams<A, B> {
  /** @internal */
  constructor(
    private readonly env: StreamExecutionEnvironment,
    readonly first: DataStream<A>,
    readonly second: DataStream<B>,
  ) {}

  map<R>(fn: CoMapFunction<A, B, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Map', (info) => new CoOperator(info, fn, 'map'), type);
  }

  flatMap<R>(fn: CoFlatMapFunction<A, B, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Flat Map', (info) => new CoOperator(info, fn, 'flatMap'), type);
  }

  process<R>(fn: CoProcessFunctionLike<A, B, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Process', (info) => new CoOperator(info, fn, 'processElement'), type);
  }

  /** Partitions both inputs by key, so that equal keys of both meet in one instance. */
  keyBy<K>(first: KeySelector<A, K>, second: KeySelector<B, K>, keyType?: TypeInformation<K>): ConnectedStreams<A, B> {
    return new ConnectedStreams<A, B>(this.env, this.first.keyBy(first, keyType), this.second.keyBy(second, keyType));
  }

  private transform<R>(name: string, factory: (info: OperatorInfo) => StreamOperator, type: TypeInformation<R> | undefined): SingleOutputStreamOperator<R> {
    const node = new Transformation(name, [...this.first.edges(0), ...this.second.edges(1)], factory, type);
    return new SingleOutputStreamOperator<R>(this.env, node);
  }
}

/** The end of a stream in a sink; name it, give it a uid or a parallelism. */
export class DataStreamSink<T> {
  /** @internal */
  readonly node: Transformation;
  private readonly _t?: T;

  private readonly env: StreamExecutionEnvironment;

  /** @internal */
  constructor(node: Transformation, env: StreamExecutionEnvironment) {
    this.node = node;
    this.env = env;
  }

  name(name: string): this {
    this.node.setName(name);
    return this;
  }

  /** A stable id of the sink, unique among the job's operators and sinks. */
  uid(uid: string): this {
    this.node.setUid(uid, (u, n) => this.env.claimUid(u, n));
    return this;
  }

  setParallelism(parallelism: number): this {
    this.node.setParallelism(parallelism);
    return this;
  }

  disableChaining(): this {
    this.node.chaining = 'NEVER';
    return this;
  }
}

export type { JobExecutionResult };
