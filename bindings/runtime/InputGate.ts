/**
 * InputGate: the input side of a task, the set of channels from every
 * producer subtask of every input. It owns the pool of the channels'
 * exclusive buffers and the pool of floating buffers they share, and hands
 * the task the next received buffer or event, taking channels in turn so that
 * one busy producer does not starve the others.
 */
import type { LocalBufferPool } from '../core/LocalBufferPool.js';
import { abortable } from './scheduling.js';
import type { ChannelItem, CreditChannel } from './CreditChannel.js';

export class InputGate {
  readonly channels: CreditChannel[];
  readonly exclusivePool: LocalBufferPool;
  readonly floatingPool: LocalBufferPool;
  /** The channel of the item {@link poll} returned last. */
  lastChannel: CreditChannel | null = null;
  private readonly ready: CreditChannel[] = [];
  private wake: (() => void) | null = null;
  private open: number;

  constructor(channels: CreditChannel[], exclusivePool: LocalBufferPool, floatingPool: LocalBufferPool) {
    this.channels = channels;
    this.exclusivePool = exclusivePool;
    this.floatingPool = floatingPool;
    this.open = channels.length;
    for (const c of channels) c.gate = this;
  }

  /** Requests each channel's exclusive buffers. */
  async setup(exclusivePerChannel: number, signal: AbortSignal): Promise<void> {
    // Each buffer goes to its channel as soon as it is had, so that a cancel while
    // waiting for the next leaves none outside a channel (closing the channel returns them).
    for (const channel of this.channels) {
      channel.useFloatingPool(this.floatingPool);
      for (let i = 0; i < exclusivePerChannel; i++) {
        channel.addExclusive(this.exclusivePool.requestBuffer() ?? (await this.exclusivePool.requestBufferAsync(signal)));
      }
    }
  }

  /** True once every channel delivered end-of-partition. */
  get isFinished(): boolean {
    return this.open === 0;
  }

  /** A channel reached its end; returns true when it was the last one. */
  channelEnded(channel: CreditChannel): boolean {
    channel.ended = true;
    return --this.open === 0;
  }

  /** @internal A channel received something. */
  notify(channel: CreditChannel): void {
    if (!channel.queued) {
      channel.queued = true;
      this.ready.push(channel);
    }
    const wake = this.wake;
    if (wake !== null) {
      this.wake = null;
      wake();
    }
  }

  /** Ends a {@link waitForData} without data: the task has other work (output a timer left behind). */
  wakeUp(): void {
    const wake = this.wake;
    if (wake !== null) {
      this.wake = null;
      wake();
    }
  }

  /** The next buffer or event, or undefined if nothing has arrived; see {@link lastChannel}. */
  poll(): ChannelItem | undefined {
    const ready = this.ready;
    while (ready.length > 0) {
      const channel = ready.shift()!;
      const item = channel.poll();
      if (item === undefined) {
        channel.queued = false;
        continue;
      }
      if (channel.hasReceived) ready.push(channel);
      else channel.queued = false;
      this.lastChannel = channel;
      return item;
    }
    return undefined;
  }

  /** Resolves when something arrives; rejects when `signal` aborts. */
  waitForData(signal: AbortSignal): Promise<void> {
    return abortable(
      new Promise<void>((resolve) => {
        this.wake = resolve;
      }),
      signal,
    );
  }

  /** Share of receiving buffers in use: Flink's inPoolUsage. */
  get usage(): number {
    let used = 0;
    let total = 0;
    for (const c of this.channels) {
      used += c.receivedBuffers;
      total += c.credit + c.receivedBuffers;
    }
    return total === 0 ? 0 : used / total;
  }

  /** Closes every channel (all buffers back) and destroys the gate's pools. */
  close(): void {
    for (const c of this.channels) c.close();
    this.exclusivePool.destroy();
    this.floatingPool.destroy();
  }
}
