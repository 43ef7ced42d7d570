/**
 * StreamTask: one parallel instance of an operator chain, run as an async
 * loop on the shared thread. A source task pulls its reader one record at a
 * time and only while its outputs have a buffer (so a backpressured source
 * stops reading); other tasks take buffers from their input gate, read the
 * records out of them into the chain, and give each buffer back (a credit for
 * its sender) as soon as it is read. Before each record the task checks that
 * its writers can take output, and waits (backpressured) when they cannot.
 * After each buffer (or 128 source records) it yields, see scheduling.ts.
 */
import { JobExecutionError } from '../errors.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import type { InputGate } from './InputGate.js';
import { isBuffer, type CreditChannel } from './CreditChannel.js';
import type { RecordWriter } from './RecordWriter.js';
import { abortable, isThenable, taskYield } from './scheduling.js';
import type { StreamOperator } from './StreamOperator.js';
import { SinkOperator } from './operators.js';
import { TaskMetrics, Waiting, type TaskMetricsSnapshot } from './TaskMetrics.js';

/**
 * Reads a source split: `next()` returns a result, or a Promise of one when it
 * must wait for data. The task reads the result at once, so a reader may
 * return the same result object each time, updated.
 */
export interface SourceReader<T> {
  next(): IteratorResult<T> | Promise<IteratorResult<T>>;
  /** Releases what the reader holds (called once, also after a failure or cancel). */
  close?(): void | Promise<void>;
}

export class StreamTask {
  readonly name: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly operators: StreamOperator[];
  readonly writers: RecordWriter[];
  readonly gate: InputGate | null;
  readonly reader: SourceReader<unknown> | null;
  readonly metrics = new TaskMetrics();
  startedAt = 0;
  private readonly sinks: StreamOperator[];
  private readonly bufferTimeout: number;
  private flusher: ReturnType<typeof setInterval> | undefined;
  private readonly openPerInput = [0, 0];

  constructor(
    name: string,
    subtask: number,
    parallelism: number,
    operators: StreamOperator[],
    writers: RecordWriter[],
    gate: InputGate | null,
    reader: SourceReader<unknown> | null,
    bufferTimeout: number,
  ) {
    this.name = name;
    this.subtask = subtask;
    this.parallelism = parallelism;
    this.operators = operators;
    this.writers = writers;
    this.gate = gate;
    this.reader = reader;
    this.bufferTimeout = bufferTimeout;
    this.sinks = operators.filter((op) => op instanceof SinkOperator);
    if (gate !== null) for (const c of gate.channels) this.openPerInput[c.inputIndex]!++;
  }

  async run(signal: AbortSignal, exclusiveBuffersPerChannel: number): Promise<void> {
    this.startedAt = performance.now();
    if (this.gate !== null) await this.gate.setup(exclusiveBuffersPerChannel, signal);
    // A user open() or finish() that never settles must not keep a cancelled job alive.
    for (let i = this.operators.length - 1; i >= 0; i--) await abortable(this.operators[i]!.open(), signal);
    signal.throwIfAborted();
    if (this.bufferTimeout > 0 && this.writers.length > 0) {
      this.flusher = setInterval(() => {
        for (const w of this.writers) w.flushAll();
      }, this.bufferTimeout);
    }
    try {
      if (this.reader !== null) await this.readSource(this.reader, signal);
      else await this.readInput(this.gate!, signal);
      for (const op of this.operators) await abortable(Promise.resolve(op.finish()), signal);
      for (const w of this.writers) {
        this.metrics.startWait(Waiting.BackPressured);
        await w.finish(signal);
        this.metrics.endWait();
      }
    } finally {
      this.metrics.finish();
      clearInterval(this.flusher);
    }
  }

  private get outputAvailable(): boolean {
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) if (!writers[i]!.isAvailable) return false;
    return true;
  }

  private async waitForOutput(signal: AbortSignal): Promise<void> {
    this.metrics.startWait(Waiting.BackPressured);
    for (const w of this.writers) if (!w.isAvailable) await w.waitAvailable(signal);
    this.metrics.endWait();
  }

  private get sinkPending(): boolean {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) if (sinks[i]!.pending !== null) return true;
    return false;
  }

  private async waitForSinks(signal: AbortSignal): Promise<void> {
    for (const s of this.sinks) if (s.pending !== null) await abortable(s.pending, signal);
  }

  private async readSource(reader: SourceReader<unknown>, signal: AbortSignal): Promise<void> {
    const head = this.operators[0]!;
    const hasWriters = this.writers.length > 0;
    const hasSinks = this.sinks.length > 0;
    let n = 0;
    for (;;) {
      if (hasWriters && !this.outputAvailable) await this.waitForOutput(signal);
      let result: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
      try {
        result = reader.next();
        if (isThenable(result)) {
          this.metrics.startWait(Waiting.Idle);
          result = await abortable(Promise.resolve(result), signal);
          this.metrics.endWait();
        }
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw head.failure(error, undefined, false);
      }
      if (result.done === true) return;
      head.processElement(result.value);
      if (hasSinks && this.sinkPending) await this.waitForSinks(signal);
      if ((++n & 127) === 0) {
        await taskYield();
        signal.throwIfAborted();
      }
    }
  }

  private async readInput(gate: InputGate, signal: AbortSignal): Promise<void> {
    const head = this.operators[0]!;
    const metrics = this.metrics;
    while (!gate.isFinished) {
      const item = gate.poll();
      if (item === undefined) {
        metrics.startWait(Waiting.Idle);
        await gate.waitForData(signal);
        metrics.endWait();
        continue;
      }
      const channel = gate.lastChannel!;
      if (!isBuffer(item)) {
        gate.channelEnded(channel);
        if (--this.openPerInput[channel.inputIndex]! === 0) head.endInput(channel.inputIndex);
        continue;
      }
      try {
        await this.readBuffer(channel, item.segment, item.size, head, signal);
      } finally {
        channel.recycleReceived(item);
      }
      await taskYield();
      signal.throwIfAborted();
    }
  }

  private async readBuffer(channel: CreditChannel, segment: MemorySegment, size: number, head: StreamOperator, signal: AbortSignal): Promise<void> {
    const reader = channel.deserializer;
    if (reader === null) throw head.failure(new Error(`channel ${channel.name} received data before its record type was known`), undefined, false);
    const second = channel.inputIndex === 1;
    reader.setNextBuffer(segment, 0, size);
    for (;;) {
      let record: unknown;
      try {
        if (!reader.hasNext()) return;
        record = reader.next();
      } catch (error) {
        throw head.failure(new Error(`cannot read a record from channel ${channel.name}`, { cause: error }), undefined, false);
      }
      this.metrics.numRecordsIn++;
      head.numRecordsIn++;
      if (second) head.processElement2(record);
      else head.processElement(record);
      if (this.sinkPending) await this.waitForSinks(signal);
      if (!this.outputAvailable) await this.waitForOutput(signal);
    }
  }

  /** Closes the operators (every one, collecting errors) and returns the writers' buffers. */
  async close(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const op of this.operators) {
      try {
        await op.close();
      } catch (error) {
        errors.push(error instanceof JobExecutionError ? error : op.failure(error, undefined, false));
      }
    }
    try {
      await this.reader?.close?.();
    } catch (error) {
      errors.push(this.operators[0]!.failure(error, undefined, false));
    }
    for (const w of this.writers) w.releaseBuffers();
    return errors;
  }

  get recordsOut(): number {
    let n = 0;
    for (const w of this.writers) n += w.numRecordsOut;
    return n;
  }

  snapshot(now: number): TaskMetricsSnapshot {
    const recordsOut = this.recordsOut;
    let out = 0;
    for (const w of this.writers) out = Math.max(out, w.usage);
    let buffersIn = 0;
    if (this.gate !== null) for (const c of this.gate.channels) buffersIn += c.buffersTransferred;
    return {
      name: this.name,
      subtask: this.subtask,
      parallelism: this.parallelism,
      numRecordsIn: this.metrics.numRecordsIn,
      numRecordsOut: recordsOut,
      ...this.metrics.rates(now, recordsOut, this.startedAt),
      inPoolUsage: this.gate?.usage ?? 0,
      outPoolUsage: out,
      numBuffersIn: buffersIn,
      operators: this.operators.map((op) => ({
        name: op.info.name,
        uid: op.info.uid,
        subtask: op.info.subtask,
        numRecordsIn: op.numRecordsIn,
        numRecordsOut: op.numRecordsOut,
      })),
    };
  }
}
