/**
 * StatusWatermarkValve: combines the watermarks and idle statuses of the
 * channels of one input into that input's watermark (Flink's valve).
 *
 * The input's watermark is the minimum over its active, aligned channels and
 * never goes back. An idle channel does not hold time back; when it becomes
 * active again it counts only once its own watermark has caught up with the
 * input's (it is "aligned" again), so a channel that was idle cannot pull the
 * watermark backwards. When every channel is idle the input is idle: the
 * valve first releases the largest watermark any channel reached, then
 * reports idle. An ended channel (end-of-partition) stops counting.
 */
import { NO_WATERMARK } from './time.js';

export interface ValveOutput {
  watermark(timestamp: number): void;
  status(idle: boolean): void;
}

export class StatusWatermarkValve {
  private readonly watermarks: number[];
  private readonly idle: boolean[];
  private readonly aligned: boolean[];
  private readonly ended: boolean[];
  private lastWatermark = NO_WATERMARK;
  private lastIdle = false;

  constructor(
    channels: number,
    private readonly output: ValveOutput,
  ) {
    this.watermarks = new Array<number>(channels).fill(NO_WATERMARK);
    this.idle = new Array<boolean>(channels).fill(false);
    this.aligned = new Array<boolean>(channels).fill(true);
    this.ended = new Array<boolean>(channels).fill(false);
  }

  /** The input's current watermark. */
  get watermark(): number {
    return this.lastWatermark;
  }

  get isIdle(): boolean {
    return this.lastIdle;
  }

  inputWatermark(channel: number, timestamp: number): void {
    if (this.idle[channel] || !(timestamp > this.watermarks[channel]!)) return;
    this.watermarks[channel] = timestamp;
    if (!this.aligned[channel] && timestamp >= this.lastWatermark) this.aligned[channel] = true;
    this.advance();
  }

  inputStatus(channel: number, idle: boolean): void {
    if (this.idle[channel] === idle || this.ended[channel]) return;
    this.idle[channel] = idle;
    if (idle) {
      this.aligned[channel] = false;
      if (this.idle.every(Boolean)) this.allIdle();
      else this.advance();
    } else {
      this.aligned[channel] = this.watermarks[channel]! >= this.lastWatermark;
      if (this.lastIdle) {
        this.lastIdle = false;
        this.output.status(false);
      }
    }
  }

  // Every channel is idle (or ended): release the largest watermark reached, then report idle.
  private allIdle(): void {
    // Ended channels do not count: their +Infinity would end event time for channels that are only idle.
    let max = NO_WATERMARK;
    for (let c = 0; c < this.watermarks.length; c++) if (!this.ended[c] && this.watermarks[c]! > max) max = this.watermarks[c]!;
    if (max > this.lastWatermark) {
      this.lastWatermark = max;
      this.output.watermark(max);
    }
    this.lastIdle = true;
    this.output.status(true);
  }

  /** A channel ended: it no longer holds the watermark back (nor pushes it on). */
  channelEnded(channel: number): void {
    if (this.ended[channel]) return;
    this.ended[channel] = true;
    if (this.ended.every(Boolean)) return; // the input is over
    if (this.idle[channel]) return;
    this.idle[channel] = true;
    this.aligned[channel] = false;
    if (this.idle.every(Boolean)) this.allIdle();
    else this.advance();
  }

  private advance(): void {
    let min = Infinity;
    let any = false;
    for (let c = 0; c < this.watermarks.length; c++) {
      if (this.idle[c] || !this.aligned[c]) continue;
      any = true;
      if (this.watermarks[c]! < min) min = this.watermarks[c]!;
    }
    if (any && min > this.lastWatermark) {
      this.lastWatermark = min;
      this.output.watermark(min);
    }
  }
}
