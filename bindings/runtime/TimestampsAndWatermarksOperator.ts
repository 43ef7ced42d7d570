/**
 * The operator behind `assignTimestampsAndWatermarks` (and a source with a
 * WatermarkStrategy): it gives each record the timestamp its assigner reads
 * from it, feeds the record to the strategy's WatermarkGenerator, and asks
 * the generator for a watermark every `autoWatermarkInterval` ms of
 * processing time. Watermarks from upstream are dropped, except the final
 * +Infinity of bounded input, as in Flink: this operator is where event time
 * starts. Emitted watermarks never go back; emitting one while idle marks
 * the output active first.
 */
import { ConfigurationError } from '../errors.js';
import type { WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import { describeValue } from '../types/TypeSerializer.js';
import { StreamOperator, type OperatorInfo } from './StreamOperator.js';
import { checkTimestamp, MAX_WATERMARK, NO_WATERMARK } from './time.js';

export class TimestampsAndWatermarksOperator<T> extends StreamOperator<T, T> {
  private readonly strategy: WatermarkStrategy<T>;
  private generator!: WatermarkGenerator<T>;
  private lastEmitted = NO_WATERMARK;
  private idle = false;
  private readonly watermarks: WatermarkOutput;

  constructor(info: OperatorInfo, strategy: WatermarkStrategy<T>) {
    super(info);
    this.strategy = strategy;
    const what = `${info.name}: the WatermarkGenerator`;
    this.watermarks = {
      emitWatermark: (timestamp: number) => {
        if (typeof timestamp !== 'number' || timestamp !== timestamp) {
          throw new ConfigurationError(`${what} emitted a watermark that is not a number of ms: ${describeValue(timestamp)}`);
        }
        if (timestamp <= this.lastEmitted) return;
        this.lastEmitted = timestamp;
        this.currentWatermark = timestamp;
        if (this.idle) this.watermarks.markActive();
        this.forwardWatermark(timestamp);
      },
      markIdle: () => {
        if (this.idle) return;
        this.idle = true;
        this.output.emitWatermarkStatus(true);
      },
      markActive: () => {
        if (!this.idle) return;
        this.idle = false;
        this.output.emitWatermarkStatus(false);
      },
    };
  }

  override async open(): Promise<void> {
    await super.open();
    try {
      this.generator = this.strategy.createWatermarkGenerator({ currentProcessingTime: () => this.time.now() });
    } catch (error) {
      throw this.failure(error, undefined, false);
    }
    const interval = this.time.autoWatermarkInterval;
    if (interval > 0) {
      // The next tick is an interval from now on the clock (after a stall, ticks do not replay).
      const tick = () => {
        this.periodicEmit();
        this.time.schedule(this.time.now() + interval, tick);
      };
      this.time.schedule(this.time.now() + interval, tick);
    }
  }

  private periodicEmit(): void {
    try {
      this.generator.onPeriodicEmit(this.watermarks);
    } catch (error) {
      throw this.failure(error, undefined, false);
    }
  }

  processElement(value: T, timestamp: number): void {
    let assigned = timestamp;
    const assigner = this.strategy.assigner;
    try {
      if (assigner !== undefined) assigned = checkTimestamp(assigner(value, timestamp), 'the timestamp assigner');
    } catch (error) {
      throw this.failure(error, value);
    }
    this.emit(value, assigned);
    try {
      this.generator.onEvent(value, assigned, this.watermarks);
    } catch (error) {
      throw this.failure(error, value);
    }
  }

  override processWatermark(timestamp: number): void {
    // Only the end of input passes: event time is this operator's to make.
    if (timestamp === MAX_WATERMARK) this.watermarks.emitWatermark(MAX_WATERMARK);
  }

  override processWatermarkStatus(): void {}

  override finish(): void {
    this.periodicEmit();
  }
}
