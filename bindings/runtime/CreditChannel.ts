/**
 * CreditChannel: one producer subpartition connected to one consumer input
 * channel, with Flink's credit-based flow control.
 *
 * The sender side is a queue of finished buffers (from the producer's
 * LocalBufferPool) and events. The receiver side owns `exclusive` buffers for
 * this channel alone and may borrow floating buffers from its gate's pool; each
 * empty receiving buffer is one credit. A buffer crosses only against a
 * credit: its bytes are copied into a receiving buffer and the sender's buffer
 * goes back to the producer's pool. Without credit the sender's buffers stay
 * queued, its pool runs dry, the producer waits: that is backpressure.
 *
 * Invariants: buffers and events leave in the order they were added; the
 * sender queue holds only buffers of the producer's pool; a receiving buffer is
 * exactly one of free, queued for the consumer, or being read; floating buffers
 * are held only while the sender has a backlog, so an idle channel does not
 * starve its neighbours. Events need no credit (they take no buffer).
 */
import type { LocalBufferPool } from '../core/LocalBufferPool.js';
import type { NetworkBuffer } from '../core/NetworkBuffer.js';
import type { RecordDeserializer } from '../types/RecordDeserializer.js';
import type { ChannelEvent } from './ChannelEvent.js';
import type { InputGate } from './InputGate.js';
import type { TimestampedSerializer } from './TimestampedSerializer.js';

export type ChannelItem = NetworkBuffer | ChannelEvent;

export function isBuffer(item: ChannelItem): item is NetworkBuffer {
  return (item as ChannelEvent).kind === undefined;
}

export class CreditChannel {
  readonly name: string;
  /** Which input of the consuming operator this channel feeds (0, or 1 for a two-input operator's second). */
  readonly inputIndex: number;
  /** Set by the gate when the channel joins it. */
  gate!: InputGate;
  /** Reads records out of received buffers; set once the stream's type is known. */
  deserializer: RecordDeserializer<unknown> | null = null;
  /** On a stream with timestamps: holds the timestamp of the record read last. */
  timestamps: TimestampedSerializer<unknown> | null = null;
  /** On a keyBy edge: the key of a record, which becomes the consumer's current key. */
  keySelector: ((value: unknown) => unknown) | null = null;
  /** This channel's position among the channels of its input (set by the task). */
  indexInInput = 0;
  /** True once end-of-partition was read by the consumer. */
  ended = false;
  /** @internal the gate's bookkeeping: queued as having data. */
  queued = false;

  private readonly sendQueue: ChannelItem[] = [];
  private backlog = 0;
  private readonly received: ChannelItem[] = [];
  private readonly exclusiveAll = new Set<NetworkBuffer>();
  private readonly exclusiveFree: NetworkBuffer[] = [];
  private readonly floatingFree: NetworkBuffer[] = [];
  private floatingPool: LocalBufferPool | null = null;
  private floatingRequested = false;
  private closed = false;
  private readonly requests: AbortController;
  /** Buffers that crossed, for metrics and tests. */
  buffersTransferred = 0;

  constructor(name: string, inputIndex: number, abort: AbortSignal) {
    this.name = name;
    this.inputIndex = inputIndex;
    this.requests = new AbortController();
    abort.addEventListener('abort', () => this.requests.abort(abort.reason), { once: true });
  }

  /** Gives the channel one of its exclusive buffers (one more credit). */
  addExclusive(buffer: NetworkBuffer): void {
    if (this.closed) {
      buffer.recycle();
      return;
    }
    this.exclusiveAll.add(buffer);
    this.exclusiveFree.push(buffer);
    this.transfer();
  }

  /** The pool of the gate's floating buffers. */
  useFloatingPool(pool: LocalBufferPool): void {
    this.floatingPool = pool;
  }

  /** Credits: empty receiving buffers. */
  get credit(): number {
    return this.exclusiveFree.length + this.floatingFree.length;
  }

  /** Finished buffers waiting on the sender side for credit. */
  get senderBacklog(): number {
    return this.backlog;
  }

  /** Receiving buffers in use (queued or being read), for inPoolUsage. */
  get receivedBuffers(): number {
    let n = 0;
    for (const item of this.received) if (isBuffer(item)) n++;
    return n;
  }

  /** Sender side: adds a finished buffer or an event. */
  add(item: ChannelItem): void {
    if (this.closed) {
      if (isBuffer(item)) item.recycle();
      return;
    }
    this.sendQueue.push(item);
    if (isBuffer(item)) this.backlog++;
    this.transfer();
  }

  /** Receiver side: the next buffer or event, if any arrived. */
  poll(): ChannelItem | undefined {
    return this.received.shift();
  }

  /** Receiver side: there is something to poll. */
  get hasReceived(): boolean {
    return this.received.length > 0;
  }

  /** Receiver side: a received buffer was read; its credit goes back to the sender. */
  recycleReceived(buffer: NetworkBuffer): void {
    buffer.size = 0;
    if (this.closed) {
      if (!this.exclusiveAll.has(buffer)) buffer.recycle();
      return;
    }
    if (this.exclusiveAll.has(buffer)) this.exclusiveFree.push(buffer);
    else this.floatingFree.push(buffer);
    this.transfer();
  }

  private transfer(): void {
    const queue = this.sendQueue;
    let moved = false;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (isBuffer(head)) {
        const target = this.exclusiveFree.pop() ?? this.floatingFree.pop();
        if (target === undefined) {
          this.requestFloating();
          break;
        }
        head.segment.copyTo(0, target.segment, 0, head.size);
        target.size = head.size;
        head.recycle();
        this.backlog--;
        this.buffersTransferred++;
        this.received.push(target);
      } else {
        this.received.push(head);
      }
      queue.shift();
      moved = true;
    }
    if (this.backlog === 0) this.releaseFloating();
    if (moved) this.gate.notify(this);
  }

  private requestFloating(): void {
    if (this.floatingRequested || this.floatingPool === null) return;
    const pool = this.floatingPool;
    const buffer = pool.requestBuffer();
    if (buffer !== null) {
      this.floatingFree.push(buffer);
      this.transfer();
      return;
    }
    this.floatingRequested = true;
    pool.requestBufferAsync(this.requests.signal).then(
      (b) => {
        this.floatingRequested = false;
        if (this.closed) {
          b.recycle();
          return;
        }
        this.floatingFree.push(b);
        this.transfer();
      },
      () => {
        this.floatingRequested = false; // aborted or pool destroyed: the job is ending
      },
    );
  }

  private releaseFloating(): void {
    const free = this.floatingFree;
    while (free.length > 0) free.pop()!.recycle();
  }

  /** Withdraws a pending request for a floating buffer (first step of the end of a job). */
  cancelRequests(): void {
    this.requests.abort();
  }

  /** Returns every buffer it holds to its pool: the end of the job, normal or not. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const item of this.sendQueue.splice(0)) if (isBuffer(item)) item.recycle();
    this.backlog = 0;
    for (const item of this.received.splice(0)) {
      if (isBuffer(item) && !this.exclusiveAll.has(item)) item.recycle();
    }
    this.releaseFloating();
    // Exclusive buffers go back to the gate's pool even if the consumer still reads one (the job is over).
    for (const b of this.exclusiveAll) if (!b.isRecycled) b.recycle();
    this.exclusiveFree.length = 0;
  }
}
