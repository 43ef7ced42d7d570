/**
 * WindowedStream and AllWindowedStream: a keyed (or whole) stream cut into
 * windows, as Flink's. Choose the trigger, an evictor, the allowed lateness
 * and a side output for late data, then a window function: `reduce` and
 * `aggregate` keep one value per window (incrementally), `process` and
 * `apply` keep the elements and see them all when the window fires.
 *
 * @example
 * ```ts
 * bids
 *   .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Bid>(1_000).withTimestampAssigner((b) => b.dateTime))
 *   .keyBy((b) => b.auction)
 *   .window(TumblingEventTimeWindows.of(Time.seconds(10)))
 *   .allowedLateness(Time.seconds(5))
 *   .sideOutputLateData(lateBids)
 *   .max('price');
 * ```
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { AggregatingStateDescriptor, ListStateDescriptor, ReducingStateDescriptor } from '../state/StateDescriptor.js';
import type { AggregateFunction } from '../state/State.js';
import type { Evictor } from '../windowing/Evictor.js';
import type { GlobalWindow, TimeWindow } from '../windowing/TimeWindow.js';
import type { Trigger } from '../windowing/Trigger.js';
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from '../windowing/triggers.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { AllWindowFunction, ProcessAllWindowFunctionLike, ProcessWindowFunctionLike, WindowFunction } from '../windowing/functions.js';
import { evictingContents, WindowOperator, type InternalWindowFunction, type WindowContents, type WindowContext } from '../windowing/WindowOperator.js';
import type { Collector, ReduceFunction } from './functions.js';
import type { OutputTag } from './OutputTag.js';
import { aggregation, type AggregationKind, type FieldExpression } from './aggregations.js';
import type { DataStream, SingleOutputStreamOperator } from './DataStream.js';

type Window = TimeWindow | GlobalWindow;
type Fn = (...args: any[]) => any;

/** A user's window function, bound for one operator instance (an object is copied, as other functions are). */
function bindWindowFunction(fn: unknown, method: string, what: string): { call: Fn; instance: object | undefined; clear: Fn | undefined } {
  if (typeof fn === 'function') return { call: fn as Fn, instance: undefined, clear: undefined };
  if (fn !== null && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[method] === 'function') {
    const instance = Object.assign(Object.create(Object.getPrototypeOf(fn) as object) as object, fn) as Record<string, Fn>;
    const m = instance[method]!;
    const c = instance.clear;
    return {
      call: (a: unknown, b: unknown, c2: unknown, d: unknown) => m.call(instance, a, b, c2, d),
      instance,
      clear: typeof c === 'function' ? (x: unknown) => c.call(instance, x) : undefined,
    };
  }
  throw new ConfigurationError(`${what}: expected a function or an object with a ${method}() method, got ${fn === null ? 'null' : typeof fn}`);
}

/** What the user asked to run on a fired window, before binding. */
type UserWindowFunction =
  | { kind: 'none' }
  | { kind: 'process'; fn: unknown; all: boolean }
  | { kind: 'apply'; fn: unknown; all: boolean };

/** The window function of one operator instance; `single` when the contents are one pre-aggregated value. */
function internalFunction(user: UserWindowFunction, single: boolean, finish: ((values: unknown[]) => unknown) | undefined, name: string): InternalWindowFunction<any, any> {
  // With an evictor, reduce/aggregate run over the remaining elements at fire time (`finish`).
  const valueOf = (contents: unknown): unknown => (finish !== undefined ? finish(contents as unknown[]) : contents);
  // An evictor may leave a reduce/aggregate window no element: then there is nothing to emit.
  const emptied = (contents: unknown): boolean => finish !== undefined && (contents as unknown[]).length === 0;
  if (user.kind === 'none') {
    return {
      functions: [],
      process: (_k, _w, _c, contents, out) => {
        if (!emptied(contents)) out.collect(valueOf(contents));
      },
      clear: () => undefined,
    };
  }
  const method = user.kind === 'process' ? 'process' : 'apply';
  const bound = bindWindowFunction(user.fn, method, `${user.kind === 'process' ? 'process' : 'apply'} on windows (${name})`);
  const elements = (contents: unknown): Iterable<unknown> => (single || finish !== undefined ? [valueOf(contents)] : (contents as unknown[]));
  const call = bound.call;
  let run: InternalWindowFunction<any, any>['process'];
  if (user.kind === 'process') {
    run = user.all
      ? (_key, _window, context, contents, out) => call(context, elements(contents), out)
      : (key, _window, context, contents, out) => call(key, context, elements(contents), out);
  } else {
    run = user.all
      ? (_key, window, _context, contents, out) => call(window, elements(contents), out)
      : (key, window, _context, contents, out) => call(key, window, elements(contents), out);
  }
  const process: InternalWindowFunction<any, any>['process'] = (key, window, context, contents, out) => {
    if (!emptied(contents)) run(key, window, context, contents, out);
  };
  const clear = bound.clear;
  return {
    functions: bound.instance === undefined ? [] : [bound.instance],
    process,
    clear: (_window: Window, context: WindowContext) => clear?.(context),
  };
}

/** Settings shared by keyed and all-windowed streams. */
class WindowSettings<T, W extends Window> {
  trigger: Trigger<T, W> | undefined;
  evictor: Evictor<T, W> | undefined;
  allowedLateness = 0;
  lateDataTag: OutputTag<T> | undefined;
  constructor(readonly assigner: WindowAssigner<T, W>) {}

  defaultTrigger(): Trigger<any, any> {
    if (this.assigner.windowKind === 'global') return NeverTrigger.create();
    return this.assigner.isEventTime() ? EventTimeTrigger.create() : ProcessingTimeTrigger.create();
  }
}

function checkAssigner(assigner: unknown, what: string): void {
  if (assigner === null || typeof assigner !== 'object' || typeof (assigner as { assignWindows?: unknown }).assignWindows !== 'function') {
    throw new ConfigurationError(`${what}: expected a WindowAssigner (TumblingEventTimeWindows.of(…), EventTimeSessionWindows.withGap(…), …), got ${assigner === null ? 'null' : typeof assigner}`);
  }
}

/**
 * The common half of {@link WindowedStream} and {@link AllWindowedStream}:
 * settings, and the operator they build.
 */
abstract class WindowedBase<T, W extends Window> {
  protected readonly settings: WindowSettings<T, W>;

  /** @internal */
  constructor(
    protected readonly input: DataStream<T>,
    assigner: WindowAssigner<T, W>,
    protected readonly all: boolean,
  ) {
    checkAssigner(assigner, all ? 'windowAll' : 'window');
    this.settings = new WindowSettings(assigner);
  }

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<T, W>): this {
    if (trigger === null || typeof (trigger as { onElement?: unknown })?.onElement !== 'function') {
      throw new ConfigurationError(`trigger: expected a Trigger (EventTimeTrigger.create(), CountTrigger.of(n), …), got ${trigger === null ? 'null' : typeof trigger}`);
    }
    this.settings.trigger = trigger;
    return this;
  }

  /** Removes elements from a window before and/or after its function runs. */
  evictor(evictor: Evictor<T, W>): this {
    if (evictor === null || typeof (evictor as { evictBefore?: unknown })?.evictBefore !== 'function') {
      throw new ConfigurationError(`evictor: expected an Evictor (CountEvictor.of(n), TimeEvictor.of(ms), …), got ${evictor === null ? 'null' : typeof evictor}`);
    }
    this.settings.evictor = evictor;
    return this;
  }

  /** Keeps windows (event time) `ms` past their end: late elements within it fire the window again. Default 0. */
  allowedLateness(ms: number): this {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new ConfigurationError(`allowedLateness: expected a whole number of ms ≥ 0, got ${String(ms)}`);
    this.settings.allowedLateness = ms;
    return this;
  }

  /** Sends elements too late for every window to the side output `tag` (read it with `getSideOutput(tag)`). */
  sideOutputLateData(tag: OutputTag<T>): this {
    if (tag === null || typeof (tag as { id?: unknown })?.id !== 'string') throw new ConfigurationError(`sideOutputLateData: expected an OutputTag, got ${tag === null ? 'null' : typeof tag}`);
    this.settings.lateDataTag = tag;
    return this;
  }

  /** Incremental: one value per window, `fn(a, b)` as elements arrive; optionally handed to a window function. */
  protected reduceWith(fn: ReduceFunction<T>, user: UserWindowFunction, type: TypeInformation<any> | undefined): SingleOutputStreamOperator<any> {
    const reduce = typeof fn === 'function' ? fn : typeof (fn as { reduce?: unknown })?.reduce === 'function' ? (a: T, b: T) => (fn as { reduce(a: T, b: T): T }).reduce(a, b) : undefined;
    if (reduce === undefined) throw new ConfigurationError(`reduce: expected a function (a, b) => c or an object with reduce(), got ${fn === null ? 'null' : typeof fn}`);
    const elementType = this.input.getType();
    return this.build('Reduce', user, type ?? (user.kind === 'none' ? elementType : undefined), () => ({
      contents: new ReducingStateDescriptor<T>('window-contents', reduce, elementType),
      finish: (values: unknown[]) => values.reduce((a, b) => reduce(a as T, b as T)),
    }));
  }

  /** Incremental: an accumulator per window (only the accumulator is stored); optionally handed to a window function. */
  protected aggregateWith<ACC, R>(agg: AggregateFunction<T, ACC, R>, user: UserWindowFunction, accumulatorType: TypeInformation<ACC> | undefined, type: TypeInformation<any> | undefined): SingleOutputStreamOperator<any> {
    const descriptor = new AggregatingStateDescriptor<T, ACC, R>('window-contents', agg, accumulatorType);
    return this.build('Aggregate', user, type, () => ({
      contents: descriptor,
      finish: (values: unknown[]) => {
        let acc = agg.createAccumulator();
        for (const v of values) acc = agg.add(v as T, acc);
        return agg.getResult(acc);
      },
    }));
  }

  /** The elements of each window, all at once, to `fn`. */
  protected processWith(user: UserWindowFunction, type: TypeInformation<any> | undefined, name: string): SingleOutputStreamOperator<any> {
    return this.build(name, user, type, () => ({ contents: new ListStateDescriptor<T>('window-contents', this.input.getType()), finish: undefined }));
  }

  /** `aggregate(fn, windowFunction?, accumulatorType?, resultType?)` or `aggregate(fn, accumulatorType?, resultType?)`. */
  protected aggregateOverloads(fn: AggregateFunction<T, any, any>, a: unknown, b: unknown, c: unknown): SingleOutputStreamOperator<any> {
    const isWindowFn = typeof a === 'function' || (a !== undefined && typeof (a as { process?: unknown }).process === 'function');
    if (isWindowFn) return this.aggregateWith(fn, { kind: 'process', fn: a, all: this.all }, b as TypeInformation<any> | undefined, c as TypeInformation<any> | undefined);
    return this.aggregateWith(fn, { kind: 'none' }, a as TypeInformation<any> | undefined, b as TypeInformation<any> | undefined);
  }

  /** Per window, the sum of a field (other fields as in the window's first element). */
  sum(field: FieldExpression = 0): SingleOutputStreamOperator<T> {
    return this.fieldAggregation('sum', field);
  }

  /** Per window, the minimum of a field (other fields as in the window's first element). */
  min(field: FieldExpression = 0): SingleOutputStreamOperator<T> {
    return this.fieldAggregation('min', field);
  }

  /** Per window, the maximum of a field (other fields as in the window's first element). */
  max(field: FieldExpression = 0): SingleOutputStreamOperator<T> {
    return this.fieldAggregation('max', field);
  }

  /** Per window, the element with the smallest value of a field (on a tie the first, unless `first` is false). */
  minBy(field: FieldExpression = 0, first = true): SingleOutputStreamOperator<T> {
    return this.fieldAggregation('minBy', field, first);
  }

  /** Per window, the element with the largest value of a field (on a tie the first, unless `first` is false). */
  maxBy(field: FieldExpression = 0, first = true): SingleOutputStreamOperator<T> {
    return this.fieldAggregation('maxBy', field, first);
  }

  private fieldAggregation(kind: AggregationKind, field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    const { reduce, check } = aggregation(kind, field, first, this.input.getType());
    // The first element of a window is never passed to reduce: check its field as it arrives.
    const checked = (a: T, b: T) => {
      check(a);
      return reduce(a, b) as T;
    };
    return this.reduceWith(checked, { kind: 'none' }, this.input.getType());
  }

  private build(
    name: string,
    user: UserWindowFunction,
    type: TypeInformation<any> | undefined,
    make: () => { contents: ListStateDescriptor<any> | ReducingStateDescriptor<any> | AggregatingStateDescriptor<any, any, any>; finish: ((values: unknown[]) => unknown) | undefined },
  ): SingleOutputStreamOperator<any> {
    const s = this.settings;
    const trigger = s.trigger ?? s.defaultTrigger();
    const assigner = s.assigner;
    const { evictor, allowedLateness, lateDataTag } = s;
    const elementType = this.input.getType();
    const stream = this.input.transform(
      `Window(${assigner.toString()}, ${trigger.toString()}${evictor === undefined ? '' : `, ${evictor.toString()}`}, ${name})`,
      (info) => {
        const { contents, finish } = make();
        let store: WindowContents<any>;
        if (evictor !== undefined) store = evictingContents(elementType);
        else if (contents instanceof ListStateDescriptor) store = listContents(contents);
        else store = singleContents(contents);
        const isList = contents instanceof ListStateDescriptor;
        const fn = internalFunction(user, !isList && evictor === undefined, evictor !== undefined && !isList ? finish : undefined, info.name);
        return new WindowOperator(info, {
          assigner: assigner as WindowAssigner<any, Window>,
          trigger: trigger as Trigger<any, Window>,
          evictor: evictor as Evictor<any, Window> | undefined,
          allowedLateness,
          lateDataTag,
          contents: store,
          fn,
        });
      },
      type,
    );
    stream.node.assignsTimestamps = true;
    if (this.all) {
      stream.node.parallelism = 1;
      stream.node.singleInstance = 'windowAll runs in one instance';
    }
    if (lateDataTag !== undefined) stream.node.sideTypes.set(lateDataTag.id, lateDataTag.type ?? elementType);
    return stream;
  }
}

function listContents(descriptor: ListStateDescriptor<any>): WindowContents<unknown[]> {
  return {
    descriptor,
    add: (state, value) => (state as unknown as { add(v: unknown): void }).add(value),
    get: (state) => {
      const list = (state as unknown as { get(): unknown[] }).get();
      return list.length === 0 ? null : list;
    },
  };
}

function singleContents(descriptor: ReducingStateDescriptor<any> | AggregatingStateDescriptor<any, any, any>): WindowContents<unknown> {
  return {
    descriptor,
    add: (state, value) => (state as unknown as { add(v: unknown): void }).add(value),
    get: (state) => (state as unknown as { get(): unknown }).get(),
  };
}

/** A keyed stream cut into windows (Flink's WindowedStream). */
export class WindowedStream<T, K, W extends TimeWindow | GlobalWindow> extends WindowedBase<T, W> {
  /** Per window, `fn(a, b)` as elements arrive; emits the result (or hands it to `windowFunction`). */
  reduce(fn: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(fn: ReduceFunction<T>, windowFunction: ProcessWindowFunctionLike<T, R, K, W>, type?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  reduce(fn: ReduceFunction<T>, windowFunction?: unknown, type?: TypeInformation<any>): SingleOutputStreamOperator<any> {
    return this.reduceWith(fn, windowFunction === undefined ? { kind: 'none' } : { kind: 'process', fn: windowFunction, all: false }, type);
  }

  /** Per window, an accumulator (`createAccumulator`, `add`, `getResult`, `merge`); emits `getResult` (or hands it to `windowFunction`). */
  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>, accumulatorType?: TypeInformation<ACC>, resultType?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFunction: ProcessWindowFunctionLike<V, R, K, W>,
    accumulatorType?: TypeInformation<ACC>,
    resultType?: TypeInformation<R>,
  ): SingleOutputStreamOperator<R>;
  aggregate(fn: AggregateFunction<T, any, any>, a?: unknown, b?: unknown, c?: unknown): SingleOutputStreamOperator<any> {
    return this.aggregateOverloads(fn, a, b, c);
  }

  /** The elements of each window, when it fires, to a ProcessWindowFunction. */
  process<R>(fn: ProcessWindowFunctionLike<T, R, K, W>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.processWith({ kind: 'process', fn, all: false }, type, 'Process');
  }

  /** Flink's older form of {@link process}: `apply(key, window, elements, out)`. */
  apply<R>(fn: WindowFunction<T, R, K, W>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.processWith({ kind: 'apply', fn, all: false }, type, 'Apply');
  }
}

/** A whole stream cut into windows, in one instance (Flink's AllWindowedStream). */
export class AllWindowedStream<T, W extends TimeWindow | GlobalWindow> extends WindowedBase<T, W> {
  reduce(fn: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(fn: ReduceFunction<T>, windowFunction: ProcessAllWindowFunctionLike<T, R, W>, type?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  reduce(fn: ReduceFunction<T>, windowFunction?: unknown, type?: TypeInformation<any>): SingleOutputStreamOperator<any> {
    return this.reduceWith(fn, windowFunction === undefined ? { kind: 'none' } : { kind: 'process', fn: windowFunction, all: true }, type);
  }

  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>, accumulatorType?: TypeInformation<ACC>, resultType?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFunction: ProcessAllWindowFunctionLike<V, R, W>, accumulatorType?: TypeInformation<ACC>, resultType?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  aggregate(fn: AggregateFunction<T, any, any>, a?: unknown, b?: unknown, c?: unknown): SingleOutputStreamOperator<any> {
    return this.aggregateOverloads(fn, a, b, c);
  }

  process<R>(fn: ProcessAllWindowFunctionLike<T, R, W>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.processWith({ kind: 'process', fn, all: true }, type, 'Process');
  }

  apply<R>(fn: AllWindowFunction<T, R, W>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    return this.processWith({ kind: 'apply', fn, all: true }, type, 'Apply');
  }
}

export type { Collector };
