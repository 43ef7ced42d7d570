/**
 * Window assigners, as Flink's: which windows an element belongs to, given
 * its timestamp (event time) or the current processing time. Sizes, slides,
 * offsets and gaps are milliseconds (`Time.seconds(10)` style helpers return
 * numbers). Parameters are checked as Flink checks them, with its messages'
 * meaning: a tumbling window needs `size > 0` and `|offset| < size`, a sliding
 * one `size > 0`, `slide > 0` and `|offset| < slide`, a session gap `> 0`.
 *
 * These are the assigners of `keyBy(…).window(assigner)`; the window operator
 * that drives them (triggers, state, lateness) is built on them.
 *
 * @example
 * ```ts
 * const tumbling = TumblingEventTimeWindows.of(5000);
 * tumbling.assignWindows(event, 12_345, ctx); // [TimeWindow{start=10000, end=15000}]
 * SlidingEventTimeWindows.of(10_000, 5000).assignWindows(event, 7000, ctx); // [5000, 15000) and [0, 10000)
 * ```
 */
import { ConfigurationError } from '../errors.js';
import { GlobalWindow, TimeWindow } from './TimeWindow.js';

/**
 * The windows an aligned assigner handed out last, to hand out the same
 * objects again: consecutive elements mostly fall into the same windows, and
 * a window object keeps its serialized bytes for state and timers.
 */
class RecentWindows {
  private readonly ring: Array<TimeWindow | undefined>;
  private next = 0;
  constructor(size: number) {
    this.ring = new Array<TimeWindow | undefined>(size).fill(undefined);
  }
  get(start: number, end: number): TimeWindow {
    const ring = this.ring;
    for (let i = 0; i < ring.length; i++) {
      const w = ring[i];
      if (w !== undefined && w.start === start && w.end === end) return w;
    }
    const w = new TimeWindow(start, end);
    ring[this.next] = w;
    this.next = (this.next + 1) % ring.length;
    return w;
  }
}

/** What an assigner may ask of the operator that calls it. */
export interface WindowAssignerContext {
  /** The current processing time (ms since the epoch, or the test clock). */
  getCurrentProcessingTime(): number;
}

export abstract class WindowAssigner<T, W> {
  /** The windows `element` with `timestamp` (null when the stream has none) belongs to. */
  abstract assignWindows(element: T, timestamp: number | null, context: WindowAssignerContext): W[];
  /** True if the windows are in event time (they fire on watermarks). */
  abstract isEventTime(): boolean;
  /** @internal What kind of windows it makes: TimeWindows, or the one GlobalWindow. */
  get windowKind(): 'time' | 'global' {
    return 'time';
  }
}

/** An assigner whose windows merge (session windows). */
export abstract class MergingWindowAssigner<T> extends WindowAssigner<T, TimeWindow> {
  /** Merges the windows that overlap or touch; see {@link TimeWindow.mergeWindows}. */
  mergeWindows(windows: readonly TimeWindow[], merge: (merged: TimeWindow[], result: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }
}

function millis(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new ConfigurationError(`${what} must be a whole number of milliseconds, got ${String(value)}`);
  return value;
}

function eventTimestamp(timestamp: number | null, who: string): number {
  if (timestamp === null || timestamp === undefined) {
    throw new ConfigurationError(
      `${who}: the record has no timestamp; did you forget assignTimestampsAndWatermarks(…), or mean a processing-time assigner?`,
    );
  }
  if (!Number.isSafeInteger(timestamp)) throw new ConfigurationError(`${who}: a timestamp must be a whole number of milliseconds, got ${String(timestamp)}`);
  return timestamp;
}

class Tumbling<T> extends WindowAssigner<T, TimeWindow> {
  private readonly windows = new RecentWindows(2);
  constructor(
    private readonly name: string,
    private readonly size: number,
    private readonly offset: number,
    private readonly eventTime: boolean,
  ) {
    super();
    millis(size, `${name}.of: size`);
    millis(offset, `${name}.of: offset`);
    if (size <= 0 || Math.abs(offset) >= size) {
      throw new ConfigurationError(`${name} parameters must satisfy abs(offset) < size and size > 0, got size ${size}, offset ${offset}`);
    }
  }

  assignWindows(_element: T, timestamp: number | null, context: WindowAssignerContext): TimeWindow[] {
    const t = this.eventTime ? eventTimestamp(timestamp, this.name) : context.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(t, this.offset, this.size);
    return [this.windows.get(start, start + this.size)];
  }

  isEventTime(): boolean {
    return this.eventTime;
  }

  override toString(): string {
    return `${this.name}(${this.size})`;
  }
}

class Sliding<T> extends WindowAssigner<T, TimeWindow> {
  private readonly windows: RecentWindows;
  constructor(
    private readonly name: string,
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
    private readonly eventTime: boolean,
  ) {
    super();
    millis(size, `${name}.of: size`);
    millis(slide, `${name}.of: slide`);
    millis(offset, `${name}.of: offset`);
    if (size <= 0 || slide <= 0 || Math.abs(offset) >= slide) {
      throw new ConfigurationError(`${name} parameters must satisfy abs(offset) < slide and size > 0 and slide > 0, got size ${size}, slide ${slide}, offset ${offset}`);
    }
    // An element's windows, and those of the next slide: a few, looked up in turn.
    this.windows = new RecentWindows(Math.min(64, Math.ceil(size / slide) + 2));
  }

  assignWindows(_element: T, timestamp: number | null, context: WindowAssignerContext): TimeWindow[] {
    const t = this.eventTime ? eventTimestamp(timestamp, this.name) : context.getCurrentProcessingTime();
    const windows: TimeWindow[] = [];
    const lastStart = TimeWindow.getWindowStartWithOffset(t, this.offset, this.slide);
    for (let start = lastStart; start > t - this.size; start -= this.slide) windows.push(this.windows.get(start, start + this.size));
    return windows;
  }

  isEventTime(): boolean {
    return this.eventTime;
  }

  override toString(): string {
    return `${this.name}(${this.size}, ${this.slide})`;
  }
}

function dynamicGap<T>(name: string, extractor: (element: T) => number): (element: T) => number {
  if (typeof extractor !== 'function') throw new ConfigurationError(`${name}.withDynamicGap: expected a function (element) => gap in ms, got ${typeof extractor}`);
  return extractor;
}

class Session<T> extends MergingWindowAssigner<T> {
  constructor(
    private readonly name: string,
    private readonly gap: ((element: T) => number) | number,
    private readonly eventTime: boolean,
  ) {
    super();
    if (typeof gap === 'number') {
      millis(gap, `${name}.withGap: gap`);
      if (gap <= 0) throw new ConfigurationError(`${name} parameters must satisfy 0 < gap, got ${gap}`);
    }
  }

  assignWindows(element: T, timestamp: number | null, context: WindowAssignerContext): TimeWindow[] {
    const t = this.eventTime ? eventTimestamp(timestamp, this.name) : context.getCurrentProcessingTime();
    const gap = typeof this.gap === 'number' ? this.gap : this.gap(element);
    if (typeof this.gap !== 'number' && !(Number.isSafeInteger(gap) && gap > 0)) {
      throw new ConfigurationError(`${this.name}: the dynamic gap must be a whole number of milliseconds greater than 0, got ${String(gap)}`);
    }
    return [new TimeWindow(t, t + gap)];
  }

  isEventTime(): boolean {
    return this.eventTime;
  }

  override toString(): string {
    return `${this.name}(${typeof this.gap === 'number' ? this.gap : 'dynamic'})`;
  }
}

/** Fixed-size, non-overlapping event-time windows, aligned to the epoch plus `offset`. */
export const TumblingEventTimeWindows = {
  of<T = unknown>(size: number, offset = 0): WindowAssigner<T, TimeWindow> {
    return new Tumbling<T>('TumblingEventTimeWindows', size, offset, true);
  },
};

/** Fixed-size, non-overlapping processing-time windows. */
export const TumblingProcessingTimeWindows = {
  of<T = unknown>(size: number, offset = 0): WindowAssigner<T, TimeWindow> {
    return new Tumbling<T>('TumblingProcessingTimeWindows', size, offset, false);
  },
};

/** Windows of `size` starting every `slide` (an element is in about size/slide of them), in event time. */
export const SlidingEventTimeWindows = {
  of<T = unknown>(size: number, slide: number, offset = 0): WindowAssigner<T, TimeWindow> {
    return new Sliding<T>('SlidingEventTimeWindows', size, slide, offset, true);
  },
};

/** Sliding windows in processing time. */
export const SlidingProcessingTimeWindows = {
  of<T = unknown>(size: number, slide: number, offset = 0): WindowAssigner<T, TimeWindow> {
    return new Sliding<T>('SlidingProcessingTimeWindows', size, slide, offset, false);
  },
};

/** Sessions in event time: a window closes after `gap` ms without elements; windows that touch merge. */
export const EventTimeSessionWindows = {
  withGap<T = unknown>(gap: number): MergingWindowAssigner<T> {
    return new Session<T>('EventTimeSessionWindows', gap, true);
  },
  /** The gap of each element comes from `extractor(element)`. */
  withDynamicGap<T>(extractor: (element: T) => number): MergingWindowAssigner<T> {
    return new Session<T>('EventTimeSessionWindows', dynamicGap('EventTimeSessionWindows', extractor), true);
  },
};

/** Sessions in processing time. */
export const ProcessingTimeSessionWindows = {
  withGap<T = unknown>(gap: number): MergingWindowAssigner<T> {
    return new Session<T>('ProcessingTimeSessionWindows', gap, false);
  },
  withDynamicGap<T>(extractor: (element: T) => number): MergingWindowAssigner<T> {
    return new Session<T>('ProcessingTimeSessionWindows', dynamicGap('ProcessingTimeSessionWindows', extractor), false);
  },
};

class Global<T> extends WindowAssigner<T, GlobalWindow> {
  override get windowKind(): 'global' {
    return 'global';
  }
  assignWindows(): GlobalWindow[] {
    return [GlobalWindow.get()];
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return 'GlobalWindows()';
  }
}

/** One window per key holding every element (it fires only by a custom or count trigger). */
export const GlobalWindows = {
  create<T = unknown>(): WindowAssigner<T, GlobalWindow> {
    return new Global<T>();
  },
};

/** Durations in milliseconds, as Flink's `Time`. */
export const Time = {
  milliseconds: (n: number): number => n,
  seconds: (n: number): number => n * 1000,
  minutes: (n: number): number => n * 60_000,
  hours: (n: number): number => n * 3_600_000,
  days: (n: number): number => n * 86_400_000,
};
