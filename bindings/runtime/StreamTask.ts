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
import type { ProcessingTimeService, ScheduledTimer } from '../eventtime/ProcessingTimeService.js';
import { StatusWatermarkValve } from './StatusWatermarkValve.js';
import type { TaskTimeService } from './StreamOperator.js';
import { MAX_WATERMARK, NO_TIMESTAMP } from './time.js';

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
  /** Per input: its channels' watermarks and statuses combined. */
  private readonly valves: StatusWatermarkValve[] = [];
  /** Timers that are scheduled and not yet run. */
  private readonly timers = new Set<ScheduledTimer>();
  /** Timer callbacks due before the task started running. */
  private early: Array<() => void> | null = [];
  private ended = false;
  readonly time: TaskTimeService;

  constructor(
    name: string,
    subtask: number,
    parallelism: number,
    operators: StreamOperator[],
    writers: RecordWriter[],
    gate: InputGate | null,
    reader: SourceReader<unknown> | null,
    bufferTimeout: number,
    clock: ProcessingTimeService,
    autoWatermarkInterval: number,
    private readonly onFailure: (error: unknown) => void,
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
    if (gate !== null) {
      for (const c of gate.channels) c.indexInInput = this.openPerInput[c.inputIndex]!++;
      const head = operators[0]!;
      for (let input = 0; input < 2; input++) {
        this.valves.push(
          new StatusWatermarkValve(this.openPerInput[input]!, {
            watermark: (t) => head.processWatermark(t, input),
            status: (idle) => head.processWatermarkStatus(idle, input),
          }),
        );
      }
    }
    this.time = {
      now: () => clock.getCurrentProcessingTime(),
      schedule: (at, callback) => this.schedule(clock, at, callback),
      autoWatermarkInterval,
    };
    for (const op of operators) op.time = this.time;
  }

  // A timer's callback runs as the task's work: never before the task runs nor after it ended; a throw fails the job.
  private schedule(clock: ProcessingTimeService, at: number, callback: (time: number) => void): ScheduledTimer {
    const handle: ScheduledTimer = {
      cancel: () => {
        this.timers.delete(handle);
        inner.cancel();
      },
    };
    const run = (t: number) => {
      if (this.ended) return;
      try {
        callback(t);
      } catch (error) {
        this.onFailure(error instanceof JobExecutionError ? error : this.operators[0]!.failure(error, undefined, false));
        return;
      }
      // Output the timer could not hand on (buffers full, an async sink busy) is the loop's to finish: wake it.
      if (!this.outputAvailable || this.sinkPending) this.gate?.wakeUp();
    };
    const inner = clock.registerTimer(at, (t) => {
      this.timers.delete(handle);
      if (this.early !== null) this.early.push(() => run(t));
      else run(t);
    });
    this.timers.add(handle);
    return handle;
  }

  async run(signal: AbortSignal, exclusiveBuffersPerChannel: number): Promise<void> {
    this.startedAt = performance.now();
    if (this.gate !== null) await this.gate.setup(exclusiveBuffersPerChannel, signal);
    // A user open() or finish() that never settles must not keep a cancelled job alive.
    for (let i = this.operators.length - 1; i >= 0; i--) await abortable(this.operators[i]!.open(), signal);
    signal.throwIfAborted();
    const early = this.early!;
    this.early = null;
    for (const run of early) run();
    if (this.bufferTimeout > 0 && this.writers.length > 0) {
      this.flusher = setInterval(() => {
        for (const w of this.writers) w.flushAll();
      }, this.bufferTimeout);
    }
    try {
      if (this.reader !== null) {
        await this.readSource(this.reader, signal);
        // End of bounded input: event time ends (this fires every event-time window and timer downstream).
        this.operators[0]!.processWatermark(MAX_WATERMARK);
      } else await this.readInput(this.gate!, signal);
      // As Flink, processing time stops with the input: no timer runs during or after finish.
      this.stopTimers();
      for (const op of this.operators) await abortable(Promise.resolve(op.finish()), signal);
      for (const w of this.writers) {
        this.metrics.startWait(Waiting.BackPressured);
        await w.finish(signal);
        this.metrics.endWait();
      }
    } finally {
      this.stopTimers();
      this.metrics.finish();
      clearInterval(this.flusher);
    }
  }

  // Pending processing-time timers do not fire once the input ended (as Flink: they are dropped, not fired).
  private stopTimers(): void {
    this.ended = true;
    for (const t of [...this.timers]) t.cancel();
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
      head.processElement(result.value, NO_TIMESTAMP);
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
      // What a timer emitted while the task waited: out first (it may not have fit the buffers).
      if (this.sinkPending) await this.waitForSinks(signal);
      if (!this.outputAvailable) await this.waitForOutput(signal);
      const item = gate.poll();
      if (item === undefined) {
        metrics.startWait(Waiting.Idle);
        await gate.waitForData(signal);
        metrics.endWait();
        continue;
      }
      const channel = gate.lastChannel!;
      if (!isBuffer(item)) {
        const valve = this.valves[channel.inputIndex]!;
        if (item.kind === 'watermark') valve.inputWatermark(channel.indexInInput, item.timestamp);
        else if (item.kind === 'watermarkStatus') valve.inputStatus(channel.indexInInput, item.idle);
        else {
          gate.channelEnded(channel);
          valve.channelEnded(channel.indexInInput);
          if (--this.openPerInput[channel.inputIndex]! === 0) head.endInput(channel.inputIndex);
        }
        continue; // a watermark may have fired windows or timers: the loop sends their output first
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
    const stamps = channel.timestamps;
    const keySelector = head.keyContext !== null ? channel.keySelector : null;
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
      const timestamp = stamps === null ? NO_TIMESTAMP : stamps.timestamp;
      if (keySelector !== null) head.setKeyContextElement(record, keySelector);
      if (second) head.processElement2(record, timestamp);
      else head.processElement(record, timestamp);
      if (this.sinkPending) await this.waitForSinks(signal);
      if (!this.outputAvailable) await this.waitForOutput(signal);
    }
  }

  /** Closes the operators (every one, collecting errors) and returns the writers' buffers. */
  async close(): Promise<unknown[]> {
    this.stopTimers();
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
        currentInputWatermark: op.currentWatermark,
        numLateRecordsDropped: op.numLateRecordsDropped,
      })),
    };
  }
}
