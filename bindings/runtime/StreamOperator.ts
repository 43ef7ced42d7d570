/**
 * StreamOperator: one transformation's parallel instance inside a task.
 * Operators of a chain call each other through {@link Output}s with the JS
 * object itself; the last operator before a task boundary writes to a
 * RecordWriter. An operator calls its user function inside `try`, so that a
 * throw becomes a {@link JobExecutionError} naming this operator and the
 * record; errors from operators further down the chain pass through as they
 * are.
 */
import { JobExecutionError } from '../errors.js';
import type { RuntimeContext } from '../datastream/functions.js';
import { AbstractRichFunction, bindUserFunction } from '../datastream/functions.js';
import type { Accumulator } from '../datastream/accumulators.js';
import { ConfigurationError } from '../errors.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import type { ScheduledTimer } from '../eventtime/ProcessingTimeService.js';
import { NO_WATERMARK } from './time.js';
import { KeyedOperatorState } from '../state/KeyedOperatorState.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { ACTIVE, IDLE, watermarkEvent, type ChannelEvent } from './ChannelEvent.js';

/**
 * Where an operator sends what it emits: records with their timestamp
 * ({@link NO_TIMESTAMP} for none), watermarks and idle/active statuses.
 */
export interface Output<T> {
  collect(record: T, timestamp: number): void;
  emitWatermark(timestamp: number): void;
  emitWatermarkStatus(idle: boolean): void;
}

/**
 * The clock and timers of the task an operator runs in: callbacks run as the
 * task's work (a throw fails the job) and never after the task ended.
 */
export interface TaskTimeService {
  now(): number;
  schedule(time: number, callback: (time: number) => void): ScheduledTimer;
  /** Milliseconds between periodic watermarks (0: none). */
  readonly autoWatermarkInterval: number;
}

/** An operator with keyed input (the key selectors are on its channels). */
export interface KeyContext {
  readonly keyType: TypeInformation<any> | undefined;
}

/** Where an operator instance runs. */
export interface OperatorInfo {
  readonly name: string;
  readonly uid: string | undefined;
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly jobName: string;
  /** The job's memory budget (keyed state takes managed memory from it). */
  readonly budget: MemoryBudget;
}

export const DISCARD: Output<unknown> = { collect: () => undefined, emitWatermark: () => undefined, emitWatermarkStatus: () => undefined };

export abstract class StreamOperator<I = any, O = any> {
  readonly info: OperatorInfo;
  /** Main output (set by the task when it wires the chain). */
  output: Output<O> = DISCARD as Output<O>;
  /** Side outputs by tag id; tags nobody reads are absent. */
  sideOutputs = new Map<string, Output<unknown>>();
  numRecordsIn = 0;
  numRecordsOut = 0;
  numLateRecordsDropped = 0;
  /** Set by a sink while an asynchronous write is in progress; the task waits for it. */
  pending: Promise<void> | null = null;
  /** The task's clock and timers (set when the task is made). */
  time!: TaskTimeService;
  /** For an operator whose input is keyed (set by the job): the key type if declared. */
  keyContext: KeyContext | null = null;
  /** Keyed state and timers of an operator with a keyed input (made in open). */
  keyedState: KeyedOperatorState | null = null;
  /** Event time as this operator saw it: the minimum of its inputs' watermarks. */
  currentWatermark = NO_WATERMARK;
  /** Inputs of this operator: 2 for a two-input operator. */
  protected numInputs = 1;
  private readonly inputWatermarks = [NO_WATERMARK, NO_WATERMARK];
  private readonly inputIdle = [false, false];
  private outputIdle = false;
  private readonly functions: object[] = [];
  /** Accumulators its functions added, by name. */
  readonly accumulators = new Map<string, Accumulator<unknown, unknown>>();

  constructor(info: OperatorInfo) {
    this.info = info;
  }

  /** Registers a user object so that it gets its runtime context, `open` and `close`. */
  protected lifecycle(instance: object | undefined): void {
    if (instance !== undefined) this.functions.push(instance);
  }

  /**
   * The user's function `fn` (a function, or an object's `method`, copied for
   * this instance and registered for its lifecycle) as a plain callable.
   */
  protected userFunction<F extends (...args: any[]) => any>(fn: unknown, method: string, what: string): F {
    const bound = bindUserFunction<F>(fn, method, `${what} (${this.info.name})`);
    this.lifecycle(bound.instance);
    return bound.call;
  }

  abstract processElement(value: I, timestamp: number): void;

  /** The key of the next record (by its channel's key selector) becomes the current key. */
  setKeyContextElement(record: unknown, selector: (value: unknown) => unknown): void {
    let key: unknown;
    try {
      key = selector(record);
    } catch (error) {
      throw this.failure(error, record);
    }
    this.keyedState!.setKey(key);
  }

  /** The keyed state, or the error Flink gives for keyed state outside a keyed stream. */
  protected keyed(what: string): KeyedOperatorState {
    if (this.keyedState === null) {
      throw new ConfigurationError(`${this.info.name}: ${what} can only be used on a keyed stream, i.e. after a keyBy() operation`);
    }
    return this.keyedState;
  }

  /** The second input of a two-input operator. */
  processElement2(_value: unknown, _timestamp: number): void {
    throw new Error(`${this.info.name} has one input`);
  }

  /** A watermark on input `input`; event time advances to the minimum over the inputs that are not idle. */
  processWatermark(timestamp: number, input = 0): void {
    if (timestamp > this.inputWatermarks[input]!) this.inputWatermarks[input] = timestamp;
    this.advanceWatermark();
  }

  /** Input `input` went idle or active again. */
  processWatermarkStatus(idle: boolean, input = 0): void {
    this.inputIdle[input] = idle;
    let allIdle = true;
    for (let i = 0; i < this.numInputs; i++) if (!this.inputIdle[i]) allIdle = false;
    if (!allIdle) this.advanceWatermark(); // an idle input no longer holds time back
    if (allIdle !== this.outputIdle) {
      this.outputIdle = allIdle;
      this.output.emitWatermarkStatus(allIdle);
      for (const side of this.sideOutputs.values()) side.emitWatermarkStatus(allIdle);
    }
  }

  private advanceWatermark(): void {
    let combined = Infinity;
    let any = false;
    for (let i = 0; i < this.numInputs; i++) {
      if (this.inputIdle[i]) continue;
      any = true;
      if (this.inputWatermarks[i]! < combined) combined = this.inputWatermarks[i]!;
    }
    if (any && combined > this.currentWatermark) {
      this.currentWatermark = combined;
      this.onWatermark(combined);
    }
  }

  /** Event time reached `timestamp`: fire what is due, then pass the watermark on. */
  protected onWatermark(timestamp: number): void {
    this.forwardWatermark(timestamp);
  }

  protected forwardWatermark(timestamp: number): void {
    this.output.emitWatermark(timestamp);
    for (const side of this.sideOutputs.values()) side.emitWatermark(timestamp);
  }

  /** Input `index` (0 or 1) has ended. */
  endInput(_index: number): void {}

  /** All inputs ended: emit what is left. */
  finish(): void | Promise<void> {}

  async open(): Promise<void> {
    if (this.keyContext !== null) this.keyedState ??= new KeyedOperatorState(this.info, this.keyContext.keyType, this.time);
    const context = this.runtimeContext();
    for (const f of this.functions) {
      if (f instanceof AbstractRichFunction) f.setRuntimeContext(context);
      const open = (f as { open?: (c: RuntimeContext) => unknown }).open;
      if (typeof open === 'function') {
        try {
          await open.call(f, context);
        } catch (error) {
          throw this.failure(error, undefined, false);
        }
      }
    }
  }

  async close(): Promise<void> {
    try {
      for (const f of this.functions) {
        const close = (f as { close?: () => unknown }).close;
        if (typeof close === 'function') await close.call(f);
      }
    } finally {
      this.keyedState?.dispose();
    }
  }

  private runtimeContextCache: RuntimeContext | undefined;

  runtimeContext(): RuntimeContext {
    return (this.runtimeContextCache ??= this.createContext());
  }

  private createContext(): RuntimeContext {
    const info = this.info;
    return {
      getTaskName: () => info.name,
      getIndexOfThisSubtask: () => info.subtask,
      getNumberOfParallelSubtasks: () => info.parallelism,
      getMaxNumberOfParallelSubtasks: () => info.maxParallelism,
      getJobName: () => info.jobName,
      addAccumulator: (name, accumulator) => {
        if (this.accumulators.has(name)) throw new ConfigurationError(`${info.name}: the accumulator "${name}" already exists and cannot be added again`);
        if (typeof accumulator?.merge !== 'function') throw new ConfigurationError(`${info.name}: addAccumulator("${name}") needs an Accumulator (IntCounter, LongCounter, …)`);
        this.accumulators.set(name, accumulator as Accumulator<unknown, unknown>);
      },
      getAccumulator: <V, R>(name: string) => this.accumulators.get(name) as Accumulator<V, R> | undefined,
      getState: (d) => this.keyed('Keyed state').handle(d),
      getListState: (d) => this.keyed('Keyed state').handle(d),
      getMapState: (d) => this.keyed('Keyed state').handle(d),
      getReducingState: (d) => this.keyed('Keyed state').handle(d),
      getAggregatingState: (d) => this.keyed('Keyed state').handle(d),
    };
  }

  /** The error to throw for `error` raised while processing `record`. */
  failure(error: unknown, record: unknown, hasRecord = true): JobExecutionError {
    if (error instanceof JobExecutionError) return error;
    const i = this.info;
    return new JobExecutionError(i.name, i.uid, i.subtask, i.parallelism, record, hasRecord, error);
  }

  protected emit(record: O, timestamp: number): void {
    this.numRecordsOut++;
    this.output.collect(record, timestamp);
  }
}

/** Feeds a chained operator: a plain call with the same object. */
export class ChainingOutput<T> implements Output<T> {
  constructor(private readonly operator: StreamOperator<T>) {}
  collect(record: T, timestamp: number): void {
    this.operator.numRecordsIn++;
    this.operator.processElement(record, timestamp);
  }
  emitWatermark(timestamp: number): void {
    this.operator.processWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.operator.processWatermarkStatus(idle);
  }
}

/** Feeds several outputs (a stream consumed by more than one operator). */
export class BroadcastingOutput<T> implements Output<T> {
  constructor(private readonly outputs: Output<T>[]) {}
  collect(record: T, timestamp: number): void {
    for (const o of this.outputs) o.collect(record, timestamp);
  }
  emitWatermark(timestamp: number): void {
    for (const o of this.outputs) o.emitWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    for (const o of this.outputs) o.emitWatermarkStatus(idle);
  }
}

/** What a network output needs of its record writer. */
export interface RecordWriterLike {
  collect(record: unknown, timestamp: number): void;
  broadcastEvent(event: ChannelEvent): void;
}

/** Wraps a record writer so that failures to serialize name the operator that emitted the record. */
export class NetworkOutput<T> implements Output<T> {
  constructor(
    private readonly writer: RecordWriterLike,
    private readonly producer: StreamOperator,
  ) {}
  collect(record: T, timestamp: number): void {
    try {
      this.writer.collect(record, timestamp);
    } catch (error) {
      throw this.producer.failure(error, record);
    }
  }
  emitWatermark(timestamp: number): void {
    this.writer.broadcastEvent(watermarkEvent(timestamp));
  }
  emitWatermarkStatus(idle: boolean): void {
    this.writer.broadcastEvent(idle ? IDLE : ACTIVE);
  }
}

export function combineOutputs<T>(outputs: Output<T>[]): Output<T> {
  if (outputs.length === 0) return DISCARD as Output<T>;
  if (outputs.length === 1) return outputs[0]!;
  return new BroadcastingOutput(outputs);
}
