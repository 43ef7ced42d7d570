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
  type ProcessContext,
  type SinkContext,
} from '../datastream/functions.js';
import type { OutputTag } from '../datastream/OutputTag.js';
import { KeyIdentity } from './keys.js';
import { isThenable } from './scheduling.js';
import { StreamOperator, type OperatorInfo } from './StreamOperator.js';
import { NO_TIMESTAMP } from './time.js';

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

/** ProcessFunction, and KeyedProcessFunction when given a key selector. */
export class ProcessOperator<I, O> extends StreamOperator<I, O> {
  private readonly fn: Fn;
  timestamp = NO_TIMESTAMP;
  private readonly collector: Collector<O> = { collect: (record: O) => this.emit(record, this.timestamp) };
  private readonly keySelector: Fn | undefined;
  private currentKey: unknown;
  private readonly context: KeyedProcessContext<unknown>;

  constructor(info: OperatorInfo, fn: unknown, keySelector?: Fn) {
    super(info);
    this.fn = this.userFunction(fn, 'processElement', 'process');
    this.keySelector = keySelector;
    this.context = processContext(this, () => {
      if (this.keySelector === undefined) throw new ConfigurationError(`${info.name}: getCurrentKey() needs a keyed stream (keyBy before process)`);
      return this.currentKey;
    });
  }

  processElement(value: I, timestamp: number): void {
    this.timestamp = timestamp;
    try {
      if (this.keySelector !== undefined) this.currentKey = this.keySelector(value);
      this.fn(value, this.context, this.collector);
    } catch (error) {
      throw this.failure(error, value);
    }
  }
}

/** The `ctx` of process functions: side outputs with the element's timestamp, its timestamp, time. */
function processContext(op: StreamOperator & { timestamp: number }, key: () => unknown): KeyedProcessContext<unknown> {
  const timerService = {
    currentProcessingTime: () => op.time.now(),
    currentWatermark: () => op.currentWatermark,
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

/** Rolling reduce on a keyed stream: emits the updated value per record. */
export class GroupedReduceOperator<T> extends StreamOperator<T, T> {
  private readonly fn: Fn;
  private readonly keySelector: Fn;
  private readonly identity: KeyIdentity;
  private readonly checkFirst: ((value: T) => void) | undefined;
  // Per-key values live on the JS heap until keyed state moves into managed memory.
  private readonly values = new Map<unknown, T>();

  /** `checkFirst` validates a key's first record, which `fn` never sees (the built-in aggregations check their field). */
  constructor(info: OperatorInfo, fn: unknown, keySelector: Fn, keyType: TypeInformation<any> | undefined, checkFirst?: (value: T) => void) {
    super(info);
    this.fn = this.userFunction(fn, 'reduce', 'reduce');
    this.keySelector = keySelector;
    this.identity = new KeyIdentity(keyType);
    this.checkFirst = checkFirst;
  }

  processElement(value: T, timestamp: number): void {
    let result: T;
    try {
      const id = this.identity.of(this.keySelector(value));
      const values = this.values;
      const previous = values.get(id);
      if (previous !== undefined || values.has(id)) result = this.fn(previous, value);
      else {
        this.checkFirst?.(value);
        result = value;
      }
      values.set(id, result);
    } catch (error) {
      throw this.failure(error, value);
    }
    this.emit(result, timestamp);
  }
}

/** map / flatMap / process over connected streams. */
export class CoOperator<O> extends StreamOperator<unknown, O> {
  private readonly first: Fn;
  private readonly second: Fn;
  private readonly arity: 1 | 2 | 3;
  timestamp = NO_TIMESTAMP;
  private readonly collector: Collector<O> = { collect: (record: O) => this.emit(record, this.timestamp) };
  private readonly context: ProcessContext;

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
    this.context = processContext(this, () => {
      throw new ConfigurationError(`${info.name}: getCurrentKey() needs keyed connected streams`);
    });
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
  private readonly backlog: T[] = [];
  private readonly context: SinkContext;
  private timestamp = NO_TIMESTAMP;

  constructor(info: OperatorInfo, sink: unknown) {
    super(info);
    const bound = bindUserFunction(sink, 'invoke', `sink (${info.name})`);
    this.invoke = bound.call;
    this.sink = (bound.instance ?? {}) as typeof this.sink;
    this.lifecycle(bound.instance);
    this.context = {
      subtask: info.subtask,
      timestamp: () => (this.timestamp === NO_TIMESTAMP ? null : this.timestamp),
      currentWatermark: () => this.currentWatermark,
    };
  }

  processElement(value: T, timestamp: number): void {
    this.timestamp = timestamp;
    if (this.pending !== null) {
      this.backlog.push(value);
      return;
    }
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
      try {
        await this.invoke(next, this.context);
      } catch (error) {
        throw this.failure(error, next);
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
