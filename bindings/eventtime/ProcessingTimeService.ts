/**
 * ProcessingTimeService: the clock of a job's processing time and the timers
 * on it (Flink's). Periodic watermark emission, processing-time windows and
 * timers, idleness detection and state TTL all read this clock, so a test
 * that passes a {@link ManualProcessingTimeService} controls all of them:
 * nothing in the job fires until the test advances the clock.
 *
 * Timer callbacks run outside any task's synchronous work (a JS timer, or the
 * test's `advance` call); the runtime passes each to its task, which runs it
 * between records and fails the job if it throws.
 */
import { ConfigurationError } from '../errors.js';

/** A scheduled callback; cancelling one that ran already does nothing. */
export interface ScheduledTimer {
  cancel(): void;
}

export interface ProcessingTimeService {
  /** Milliseconds since the epoch, as the job sees them. */
  getCurrentProcessingTime(): number;
  /**
   * Calls `callback(time)` once the clock reaches `time`, never from inside
   * this call (a time already reached fires as soon as the clock's next step:
   * the next macrotask for the wall clock, the next advance for a manual one).
   */
  registerTimer(time: number, callback: (time: number) => void): ScheduledTimer;
}

/** The wall clock (`Date.now()`) with `setTimeout` timers. */
export class SystemProcessingTimeService implements ProcessingTimeService {
  getCurrentProcessingTime(): number {
    return Date.now();
  }

  registerTimer(time: number, callback: (time: number) => void): ScheduledTimer {
    // setTimeout may fire a millisecond early: wait again until the clock has reached `time`.
    let handle: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const delay = time - Date.now();
      if (delay <= 0) {
        handle = undefined;
        callback(time);
      } else handle = setTimeout(arm, Math.min(delay, 0x7fffffff));
    };
    handle = setTimeout(arm, Math.max(0, Math.min(time - Date.now(), 0x7fffffff)));
    return {
      cancel: () => {
        if (handle !== undefined) clearTimeout(handle);
        handle = undefined;
      },
    };
  }
}

/**
 * A clock that moves only when told to: {@link advance} or {@link setCurrentTime}
 * fire the timers that came due, in time order (timers registered by a
 * callback fire in the same call if they are due too; a timer registered for
 * a time already reached waits for the next advance).
 *
 * @example
 * ```ts
 * const clock = new ManualProcessingTimeService(0);
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({ processingTimeService: clock });
 * // … build a job with processing-time windows, start it with executeAsync …
 * clock.advance(10_000); // fires the windows that ended
 * ```
 */
export class ManualProcessingTimeService implements ProcessingTimeService {
  private now: number;
  private readonly timers: Array<{ time: number; seq: number; callback: (time: number) => void; cancelled: boolean }> = [];
  private seq = 0;

  constructor(startTime = 0) {
    if (!Number.isFinite(startTime)) throw new ConfigurationError(`ManualProcessingTimeService: the start time must be a finite number of ms, got ${String(startTime)}`);
    this.now = startTime;
  }

  getCurrentProcessingTime(): number {
    return this.now;
  }

  registerTimer(time: number, callback: (time: number) => void): ScheduledTimer {
    const timer = { time, seq: this.seq++, callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
      },
    };
  }

  /** Timers not yet fired nor cancelled. */
  get numPendingTimers(): number {
    return this.timers.length;
  }

  /** Moves the clock forward by `ms` and fires what came due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new ConfigurationError(`ManualProcessingTimeService.advance: expected ms >= 0, got ${String(ms)}`);
    this.setCurrentTime(this.now + ms);
  }

  /** Sets the clock (never backwards) and fires what came due. */
  setCurrentTime(time: number): void {
    if (!(time >= this.now)) throw new ConfigurationError(`ManualProcessingTimeService: time cannot go back from ${this.now} to ${String(time)}`);
    this.now = time;
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.timers.length; i++) {
        const t = this.timers[i]!;
        if (t.time > time) continue;
        if (next < 0 || t.time < this.timers[next]!.time || (t.time === this.timers[next]!.time && t.seq < this.timers[next]!.seq)) next = i;
      }
      if (next < 0) return;
      const [timer] = this.timers.splice(next, 1);
      if (!timer!.cancelled) timer!.callback(timer!.time);
    }
  }
}
