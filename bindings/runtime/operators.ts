/**
 * The operators behind the DataStream transformations. Each calls its user
 * function inside `try` (see StreamOperator) and emits through its output.
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import {
  bindUserFunction,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type ProcessContext,
  type TimerService,
  type SinkContext,
} from '../datastream/functions.js';
import type { OutputTag } from '../datastream/OutputTag.js';
import { ValueStateDescriptor } from '../state/StateDescriptor.js';
import type { ValueState } from '../state/State.js';
import { Types } from '../types/Types.js';
import { isThenable } from './scheduling.js';
import { StreamOperator, type OperatorInfo } from './StreamOperator.js';
import { checkTimestamp, NO_TIMESTAMP } from './time.js';
import type { KeyedTimers } from '../state/KeyedOperatorState.js';
import { VoidNamespace, VoidNamespaceType } from '../state/StateNamespaces.js';

type Fn = (...args: any[]) => any;

/** The head of a source task: passes what the source reads on. */
export class SourceOperator<T> extends StreamOperator<T, T> {
  processElement(value: T, timestamp: number): void {
    this.emit(value, timestamp);
  }
}

export class MapOperator<I, O> extends StreamOperator<I, O> {
  private readonly fn: Fn;
  constructor(info: OperatorInfo, fn: unknown) {
    super(info);
    this.fn = this.userFunction(fn, 'map', 'map');
  }
  processElement(value: I, timestamp: number): void {
    let result: O;
    try {
      result = this.fn(value);
    } catch (error) {
      throw this.failure(error, value);
    }
    this.emit(result, timestamp);
  }
}

export class FilterOperator<T> extends StreamOperator<T, T> {
  private readonly fn: Fn;
  constructor(info: OperatorInfo, fn: unknown) {
    super(info);
    this.fn = this.userFunction(fn, 'filter', 'filter');
  }
  processElement(value: T, timestamp: number): void {
    let keep: boolean;
    try {
      keep = this.fn(value);
    } catch (error) {
      throw this.failure(error, value);
    }
    if (keep) this.emit(value, timestamp);
  }
}

export class FlatMapOperator<I, O> extends StreamOperator<I, O> {
  private readonly fn: Fn;
  private timestamp = NO_TIMESTAMP;
  private readonly collector: Collector<O> = { collect: (record: O) => this.emit(record, this.timestamp) };
  constructor(info: OperatorInfo, fn: unknown) {
    super(info);
    this.fn = this.userFunction(fn, 'flatMap', 'flatMap');
  }
  processElement(value: I, timestamp: number): void {
    this.timestamp = timestamp;
    try {
      this.fn(value, this.collector);
    } catch (error) {
      throw this.failure(error, value);
    }
  }
}

/**
 * The part of process operators (one or two inputs) that user functions see
 * besides the record: `ctx` with side outputs, the record's timestamp, the
 * timer service, and on a keyed input the current key and timers that fire
 * into the function's `onTimer`.
 */
abstract class UserFunctionOperator<I, O> extends StreamOperator<I, O> {
  /** The timestamp of the record (or timer) being processed. */
  timestamp = NO_TIMESTAMP;
  protected readonly collector: Collector<O> = { collect: (record: O) => this.emit(record, this.timestamp) };
  protected readonly context: KeyedProcessContext<unknown>;
  private readonly timerContext: OnTimerContext<unknown>;
  private timeDomain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';
  private timerTime = 0;
  private timers: KeyedTimers<VoidNamespace> | null = null;
  private onTimerFn: Fn | undefined;

  constructor(info: OperatorInfo) {
    super(info);
    this.context = processContext(this, () => this.keyed('getCurrentKey()').currentKey);
    // In onTimer, ctx.timestamp() and side outputs have the timer's time in both domains (as Flink); what
    // `out` emits from a processing-time timer has none.
    this.timerContext = {
      ...this.context,
      timestamp: () => this.timerTime,
      output: <X>(tag: OutputTag<X>, value: X) => this.sideOutputs.get(tag.id)?.collect(value, this.timerTime),
      timeDomain: () => this.timeDomain,
    };
  }

  /** The function object's `onTimer`, if it has one. */
  protected useOnTimer(instance: object | undefined): void {
    const onTimer = (instance as { onTimer?: unknown } | undefined)?.onTimer;
    this.onTimerFn = typeof onTimer === 'function' ? (t: number, c: unknown, o: unknown) => onTimer.call(instance, t, c, o) : undefined;
  }

  /** @internal */
  keyedTimers(): KeyedTimers<VoidNamespace> {
    return (this.timers ??= this.keyed('Timers').timers<VoidNamespace>('user-timers', VoidNamespaceType, (_ns, time, eventTime) => this.fire(time, eventTime)));
  }

  private fire(time: number, eventTime: boolean): void {
    // As Flink: what an event-time timer emits has the timer's time; a processing-time timer's output has none.
    this.timestamp = eventTime ? time : NO_TIMESTAMP;
    this.timerTime = time;
    this.timeDomain = eventTime ? 'EVENT_TIME' : 'PROCESSING_TIME';
    try {
      this.onTimerFn?.(time, this.timerContext, this.collector);
    } catch (error) {
      throw this.failure(error, undefined, false);
    }
  }

  protected override onWatermark(timestamp: number): void {
    this.keyedState?.advanceWatermark(timestamp);
    this.forwardWatermark(timestamp);
  }
}

/** ProcessFunction, and KeyedProcessFunction on a keyed input (with keyed state and timers). */
export class ProcessOperator<I, O> extends UserFunctionOperator<I, O> {
  private readonly fn: Fn;

  constructor(info: OperatorInfo, fn: unknown) {
    super(info);
    const bound = bindUserFunction<Fn>(fn, 'processElement', `process (${info.name})`);
    this.lifecycle(bound.instance);
    this.fn = bound.call;
    this.useOnTimer(bound.instance);
  }

  processElement(value: I, timestamp: number): void {
    this.timestamp = timestamp;
    try {
      this.fn(value, this.context, this.collector);
    } catch (error) {
      throw this.failure(error, value);
    }
  }
}

/** The `ctx` of process functions: side outputs with the element's timestamp, its timestamp, time and timers. */
function processContext(op: StreamOperator & { timestamp: number; keyedTimers(): KeyedTimers<VoidNamespace> }, key: () => unknown): KeyedProcessContext<unknown> {
  const timers = (): KeyedTimers<VoidNamespace> => {
    if (op.keyedState === null) throw new ConfigurationError(`${op.info.name}: setting timers is only supported on a keyed stream (keyBy before process)`);
    return op.keyedTimers();
  };
  const timerService: TimerService = {
    currentProcessingTime: () => op.time.now(),
    currentWatermark: () => op.currentWatermark,
    registerEventTimeTimer: (t) => timers().registerEventTimeTimer(VoidNamespace, checkTimestamp(t, 'registerEventTimeTimer')),
    registerProcessingTimeTimer: (t) => timers().registerProcessingTimeTimer(VoidNamespace, checkTimestamp(t, 'registerProcessingTimeTimer')),
    deleteEventTimeTimer: (t) => timers().deleteEventTimeTimer(VoidNamespace, t),
    deleteProcessingTimeTimer: (t) => timers().deleteProcessingTimeTimer(VoidNamespace, t),
  };
  return {
    output<X>(tag: OutputTag<X>, value: X): void {
      op.sideOutputs.get(tag.id)?.collect(value, op.timestamp);
    },
    timestamp: () => (op.timestamp === NO_TIMESTAMP ? null : op.timestamp),
    timerService: () => timerService,
    getCurrentKey: key,
  };
}

/**
 * Rolling reduce on a keyed stream: emits the updated value per record. The
 * value per key is keyed state (bytes in managed memory, as every keyed
 * state), of the stream's type (or the type of the first record).
 */
export class GroupedReduceOperator<T> extends StreamOperator<T, T> {
  private readonly fn: Fn;
  private readonly type: TypeInformation<any> | undefined;
  private readonly checkFirst: ((value: T) => void) | undefined;
  private state: ValueState<T> | null = null;

  /** `checkFirst` validates a key's first record, which `fn` never sees (the built-in aggregations check their field). */
  constructor(info: OperatorInfo, fn: unknown, type: TypeInformation<any> | undefined, checkFirst?: (value: T) => void) {
    super(info);
    this.fn = this.userFunction(fn, 'reduce', 'reduce');
    this.type = type;
    this.checkFirst = checkFirst;
  }

  processElement(value: T, timestamp: number): void {
    let result: T;
    try {
      const state = (this.state ??= this.keyed('reduce').keyed(new ValueStateDescriptor<T>('weir.rolling-reduce', this.type ?? Types.infer(value))));
      const previous = state.value();
      if (previous !== null) result = this.fn(previous, value);
      else {
        this.checkFirst?.(value);
        result = value;
      }
      state.update(result);
    } catch (error) {
      throw this.failure(error, value);
    }
    this.emit(result, timestamp);
  }
}

/**
 * map / flatMap / process over connected streams; on keyed connected streams
 * (`connect(a, b).keyBy(k1, k2)`) a KeyedCoProcessFunction with keyed state,
 * `getCurrentKey()` and timers.
 */
export class CoOperator<O> extends UserFunctionOperator<unknown, O> {
  private readonly first: Fn;
  private readonly second: Fn;
  private readonly arity: 1 | 2 | 3;

  constructor(info: OperatorInfo, fn: unknown, kind: 'map' | 'flatMap' | 'processElement') {
    super(info);
    this.numInputs = 2;
    const what = `${kind === 'processElement' ? 'process' : kind} on connected streams (${info.name})`;
    if (fn === null || typeof fn !== 'object') {
      throw new ConfigurationError(`${what}: expected an object with ${kind}1() and ${kind}2() methods, got ${fn === null ? 'null' : typeof fn}`);
    }
    const a = bindUserFunction<Fn>(fn, `${kind}1`, what);
    this.lifecycle(a.instance);
    const self = a.instance as Record<string, Fn>;
    const m2 = self[`${kind}2`];
    if (typeof m2 !== 'function') throw new ConfigurationError(`${what}: expected an object with ${kind}1() and ${kind}2() methods`);
    this.first = a.call;
    this.second = (...args: unknown[]) => m2.apply(self, args);
    this.arity = kind === 'map' ? 1 : kind === 'flatMap' ? 2 : 3;
    this.useOnTimer(a.instance);
  }

  processElement(value: unknown, timestamp: number): void {
    this.timestamp = timestamp;
    this.call(this.first, value);
  }

  override processElement2(value: unknown, timestamp: number): void {
    this.timestamp = timestamp;
    this.call(this.second, value);
  }

  private call(fn: Fn, value: unknown): void {
    try {
      if (this.arity === 1) {
        const r = fn(value);
        this.emit(r, this.timestamp);
      } else if (this.arity === 2) fn(value, this.collector);
      else fn(value, this.context, this.collector);
    } catch (error) {
      throw this.failure(error, value);
    }
  }
}

/**
 * A sink. When `invoke` returns a promise, records that arrive before it
 * settles queue behind it (at most one input record's worth, since the task
 * waits for {@link pending} before the next input record).
 */
export class SinkOperator<T> extends StreamOperator<T, never> {
  private readonly invoke: Fn;
  private readonly sink: { finish?: () => unknown; open?: unknown; close?: unknown };
  /** Records that arrived while an invoke was pending, each with the timestamp and watermark it came with. */
  private readonly backlog: Array<{ value: T; timestamp: number; watermark: number }> = [];
  private readonly context: SinkContext;
  // What the context says: those of the record being invoked.
  private timestamp = NO_TIMESTAMP;
  private watermark = NO_TIMESTAMP;

  constructor(info: OperatorInfo, sink: unknown) {
    super(info);
    const bound = bindUserFunction(sink, 'invoke', `sink (${info.name})`);
    this.invoke = bound.call;
    this.sink = (bound.instance ?? {}) as typeof this.sink;
    this.lifecycle(bound.instance);
    this.context = {
      subtask: info.subtask,
      timestamp: () => (this.timestamp === NO_TIMESTAMP ? null : this.timestamp),
      currentWatermark: () => this.watermark,
    };
  }

  processElement(value: T, timestamp: number): void {
    if (this.pending !== null) {
      this.backlog.push({ value, timestamp, watermark: this.currentWatermark });
      return;
    }
    this.timestamp = timestamp;
    this.watermark = this.currentWatermark;
    let result: unknown;
    try {
      result = this.invoke(value, this.context);
    } catch (error) {
      throw this.failure(error, value);
    }
    if (isThenable(result)) {
      const p = this.drain(result, value);
      p.catch(() => undefined); // the task awaits it; this only keeps an abort from reporting it unhandled
      this.pending = p;
    }
  }

  private async drain(first: PromiseLike<unknown>, value: T): Promise<void> {
    try {
      await first;
    } catch (error) {
      throw this.failure(error, value);
    }
    while (this.backlog.length > 0 && !this.closed) {
      const next = this.backlog.shift()!;
      this.timestamp = next.timestamp;
      this.watermark = next.watermark;
      try {
        await this.invoke(next.value, this.context);
      } catch (error) {
        throw this.failure(error, next.value);
      }
    }
    this.pending = null;
  }

  private closed = false;

  override async close(): Promise<void> {
    this.closed = true; // an invoke still in flight (cancel) must not be followed by more
    this.backlog.length = 0;
    await super.close();
  }

  override async finish(): Promise<void> {
    if (this.pending !== null) await this.pending;
    const finish = this.sink.finish;
    if (typeof finish === 'function') {
      try {
        await finish.call(this.sink);
      } catch (error) {
        throw this.failure(error, undefined, false);
      }
    }
  }
}
