/**
 * RecordWriter: the output of a task towards one downstream operator, Flink's
 * ResultPartition and RecordWriter in one. It serializes each record with the
 * stream's TypeInformation into the current buffer of the record's channel
 * (buffers come from this writer's LocalBufferPool); a full buffer, or a flush
 * (the buffer timeout), hands the buffer to the channel.
 *
 * The task asks {@link isAvailable} before each input record and waits when
 * the pool is dry, so a record is rarely emitted without a buffer. When one
 * input record emits more than the free buffers hold (a flatMap exploding),
 * the remaining bytes wait in a per-channel overflow (Flink's overdraft) and
 * the writer is unavailable until they are in buffers. Records and events
 * (watermarks) of a channel leave in the order they were emitted: an event
 * emitted while bytes wait in the overflow waits behind them.
 *
 * On a stream with timestamps each record carries its timestamp (see
 * {@link TimestampedSerializer}).
 */
import type { LocalBufferPool } from '../core/LocalBufferPool.js';
import type { NetworkBuffer } from '../core/NetworkBuffer.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import { RecordDeserializer } from '../types/RecordDeserializer.js';
import { RecordSerializer } from '../types/RecordSerializer.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';
import { END_OF_PARTITION, type ChannelEvent } from './ChannelEvent.js';
import type { CreditChannel } from './CreditChannel.js';
import type { ChannelSelector } from './StreamPartitioner.js';
import { TimestampedSerializer } from './TimestampedSerializer.js';

export class RecordWriter {
  readonly pool: LocalBufferPool;
  readonly channels: CreditChannel[];
  private readonly selector: ChannelSelector;
  private readonly budget: MemoryBudget;
  private type: TypeInformation<any> | undefined;
  private serializer: RecordSerializer<unknown> | null = null;
  private readonly current: Array<NetworkBuffer | null>;
  private readonly overflow: ByteQueue[];
  /** Events behind overflow bytes, per channel, with the queue position they follow. */
  private readonly overflowEvents: Array<Array<{ at: number; event: ChannelEvent }>>;
  /** Overflow bytes and events not yet handed on. */
  private overflowItems = 0;
  private readonly timestamped: boolean;
  private stamp: TimestampedSerializer<unknown> | null = null;
  private spare: NetworkBuffer | null = null;
  private readonly flushEveryRecord: boolean;
  /** One channel and a built-in partitioner: no need to ask it. */
  private readonly single: boolean;
  numRecordsOut = 0;

  constructor(
    pool: LocalBufferPool,
    channels: CreditChannel[],
    selector: ChannelSelector,
    type: TypeInformation<any> | undefined,
    budget: MemoryBudget,
    bufferTimeout: number,
    timestamped = false,
  ) {
    this.timestamped = timestamped;
    this.pool = pool;
    this.channels = channels;
    this.selector = selector;
    this.type = type;
    this.budget = budget;
    this.current = channels.map(() => null);
    this.overflow = channels.map(() => new ByteQueue());
    this.overflowEvents = channels.map(() => []);
    this.flushEveryRecord = bufferTimeout === 0;
    this.single = channels.length === 1 && selector.alwaysSelect !== true;
    if (type !== undefined) this.useType(type);
  }

  /** Serializes `record` (with `timestamp` on a stream with timestamps) towards the channel(s) its partitioner picks. */
  collect(record: unknown, timestamp: number): void {
    if (this.serializer === null) this.useType(Types.infer(record));
    const serializer = this.serializer!;
    if (this.stamp !== null) this.stamp.timestamp = timestamp;
    if (this.selector.isBroadcast) {
      for (let c = 0; c < this.channels.length; c++) {
        serializer.serializeRecord(record);
        this.emit(c, serializer);
      }
    } else {
      const c = this.single ? 0 : this.selector.select(record);
      serializer.serializeRecord(record);
      this.emit(c, serializer);
    }
    this.numRecordsOut++;
  }

  // The type is known once: the consumers' deserializers follow it. (Across
  // threads this becomes an event ahead of the first buffer.)
  private useType(type: TypeInformation<any>): void {
    this.type = type;
    if (this.timestamped) {
      this.stamp = new TimestampedSerializer(type.createSerializer());
      this.serializer = new RecordSerializer(this.stamp, this.budget);
      for (const channel of this.channels) {
        const read = new TimestampedSerializer(type.createSerializer());
        channel.deserializer = new RecordDeserializer(read);
        channel.timestamps = read;
      }
    } else {
      this.serializer = new RecordSerializer(type.createSerializer(), this.budget);
      for (const channel of this.channels) channel.deserializer = new RecordDeserializer(type.createSerializer());
    }
  }

  private emit(c: number, serializer: RecordSerializer<unknown>): void {
    if (this.overflow[c]!.size > 0 || this.overflowEvents[c]!.length > 0) {
      this.spill(c, serializer);
      return;
    }
    while (serializer.hasPendingBytes) {
      let buffer = this.current[c] ?? null;
      if (buffer === null) {
        buffer = this.request();
        if (buffer === null) {
          this.spill(c, serializer);
          return;
        }
        this.current[c] = buffer;
      }
      buffer.size += serializer.copyTo(buffer.segment, buffer.size);
      if (buffer.size === buffer.capacity) this.finishBuffer(c);
    }
    if (this.flushEveryRecord) this.flushChannel(c);
  }

  private spill(c: number, serializer: RecordSerializer<unknown>): void {
    const bytes = serializer.pendingView();
    this.overflow[c]!.push(bytes);
    this.overflowItems += bytes.length;
    serializer.clear();
  }

  private request(): NetworkBuffer | null {
    const spare = this.spare;
    if (spare !== null) {
      this.spare = null;
      return spare;
    }
    return this.pool.requestBuffer();
  }

  private finishBuffer(c: number): void {
    const buffer = this.current[c]!;
    this.current[c] = null;
    this.channels[c]!.add(buffer);
  }

  private flushChannel(c: number): void {
    const buffer = this.current[c];
    if (buffer != null && buffer.size > 0) this.finishBuffer(c);
  }

  /**
   * Sends `event` on every channel after what was emitted before it: the
   * partly filled buffer goes first (a watermark does not wait for the
   * buffer timeout), or, behind overflow bytes, the event waits its turn.
   */
  broadcastEvent(event: ChannelEvent): void {
    for (let c = 0; c < this.channels.length; c++) {
      const queue = this.overflow[c]!;
      const events = this.overflowEvents[c]!;
      if (queue.size > 0 || events.length > 0) {
        events.push({ at: queue.pushedTotal, event });
        this.overflowItems++;
      } else {
        this.flushChannel(c);
        this.channels[c]!.add(event);
      }
    }
  }

  /** True when the next record can be written without waiting. */
  get isAvailable(): boolean {
    return this.overflowItems === 0 && (this.spare !== null || this.pool.isAvailable);
  }

  /** Waits until {@link isAvailable}: overflow moved into buffers and a buffer at hand. */
  async waitAvailable(signal: AbortSignal): Promise<void> {
    while (this.overflowItems > 0) {
      const c = this.overflow.findIndex((o, i) => o.size > 0 || this.overflowEvents[i]!.length > 0);
      if (this.sendDueEvents(c)) continue;
      let buffer = this.current[c] ?? this.request();
      if (buffer === null) buffer = await this.pool.requestBufferAsync(signal);
      this.current[c] = buffer;
      this.fillFromOverflow(c, buffer);
    }
    if (this.spare === null && !this.pool.isAvailable) this.spare = await this.pool.requestBufferAsync(signal);
  }

  // Sends the events that follow the overflow bytes handed on so far; true if any was sent.
  private sendDueEvents(c: number): boolean {
    const events = this.overflowEvents[c]!;
    const taken = this.overflow[c]!.takenTotal;
    let sent = false;
    while (events.length > 0 && events[0]!.at === taken) {
      this.flushChannel(c);
      this.channels[c]!.add(events.shift()!.event);
      this.overflowItems--;
      sent = true;
    }
    return sent;
  }

  private fillFromOverflow(c: number, buffer: NetworkBuffer): void {
    const queue = this.overflow[c]!;
    const events = this.overflowEvents[c]!;
    const upTo = events.length > 0 ? events[0]!.at - queue.takenTotal : queue.size;
    const n = Math.min(upTo, buffer.capacity - buffer.size);
    if (n > 0) {
      const segment = buffer.segment;
      segment.memory.bytes.set(queue.take(n), segment.addressOf(buffer.size, n));
      buffer.size += n;
      this.overflowItems -= n;
    }
    if (buffer.size === buffer.capacity || this.flushEveryRecord) this.finishBuffer(c);
  }

  /** Hands every partly filled buffer to its channel: the buffer timeout. */
  flushAll(): void {
    for (let c = 0; c < this.current.length; c++) this.flushChannel(c);
  }

  /** End of output: everything flushed, then end-of-partition on every channel. */
  async finish(signal: AbortSignal): Promise<void> {
    await this.waitAvailable(signal);
    this.flushAll();
    for (const channel of this.channels) channel.add(END_OF_PARTITION);
    this.releaseBuffers();
  }

  /** Share of this writer's pool in use: Flink's outPoolUsage. */
  get usage(): number {
    const pool = this.pool;
    return pool.numBuffers === 0 ? 0 : Math.min(1, pool.numInUse / pool.numBuffers);
  }

  /** Returns the buffers it holds (empty or partly written) to the pool. */
  releaseBuffers(): void {
    for (let c = 0; c < this.current.length; c++) {
      this.current[c]?.recycle();
      this.current[c] = null;
      this.overflow[c]!.clear();
      this.overflowEvents[c]!.length = 0;
    }
    this.overflowItems = 0;
    this.spare?.recycle();
    this.spare = null;
    this.serializer?.clear();
  }
}

/** Bytes waiting for a buffer: one growable block with a read position (appends and takes are O(bytes)). */
class ByteQueue {
  private bytes = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** Bytes pushed and taken since the queue was made (positions of events behind them). */
  pushedTotal = 0;
  takenTotal = 0;

  get size(): number {
    return this.end - this.start;
  }

  push(data: Uint8Array): void {
    if (this.end + data.length > this.bytes.length) {
      const size = this.size;
      // Move the unread bytes to the front, into a bigger block if they and `data` do not fit.
      const target = size + data.length > this.bytes.length ? new Uint8Array(Math.max(1024, (size + data.length) * 2)) : this.bytes;
      target.set(this.bytes.subarray(this.start, this.end), 0);
      this.bytes = target;
      this.start = 0;
      this.end = size;
    }
    this.bytes.set(data, this.end);
    this.end += data.length;
    this.pushedTotal += data.length;
  }

  /** A view of the next `n` bytes, taken off the queue (valid until the next push). */
  take(n: number): Uint8Array {
    const view = this.bytes.subarray(this.start, this.start + n);
    this.start += n;
    this.takenTotal += n;
    if (this.start === this.end) {
      this.start = this.end = 0;
      // A burst's block is not kept for the rest of the job (the view stays valid: it keeps the old block).
      if (this.bytes.length > 64 * 1024) this.bytes = new Uint8Array(0);
    }
    return view;
  }

  clear(): void {
    this.bytes = new Uint8Array(0);
    this.start = this.end = 0;
    this.takenTotal = this.pushedTotal;
  }
}
