/**
 * TimeWindow: the time interval [start, end) of a window, as Flink's. Its
 * last timestamp is `end - 1` ({@link maxTimestamp}): an event-time window
 * fires when the watermark passes it. Two windows that overlap or touch
 * (`[0, 5)` and `[5, 10)`) intersect, which is what makes session windows
 * whose elements are exactly one gap apart merge, as in Flink.
 *
 * @example
 * ```ts
 * TimeWindow.getWindowStartWithOffset(-1, 0, 5000); // -5000: negative timestamps round down
 * new TimeWindow(0, 5000).maxTimestamp();           // 4999
 * ```
 */
import { ConfigurationError } from '../errors.js';

export class TimeWindow {
  readonly start: number;
  readonly end: number;
  /** @internal Its bytes as a state namespace, kept once made (windows are reused by their assigner). */
  nsBytes: Uint8Array | undefined = undefined;

  constructor(start: number, end: number) {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
      throw new ConfigurationError(`TimeWindow: start and end must be safe integers (ms) with start ≤ end, got [${String(start)}, ${String(end)})`);
    }
    this.start = start;
    this.end = end;
  }

  /** The largest timestamp that still belongs to this window: `end - 1`. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /** True if the windows overlap or touch. */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that covers both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the window of `windowSize` that `timestamp` falls in, with
   * windows aligned to `offset` (Flink's `getWindowStartWithOffset`; negative
   * timestamps round down, not towards zero).
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const remainder = (timestamp - offset) % windowSize;
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /**
   * Merges overlapping or touching windows (Flink's `TimeWindow.mergeWindows`):
   * sorted by start, each run of intersecting windows becomes one; `merge` is
   * called for every run of two or more with the windows and their cover.
   */
  static mergeWindows(windows: readonly TimeWindow[], merge: (merged: TimeWindow[], result: TimeWindow) => void): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start || a.end - b.end);
    let current: TimeWindow | undefined;
    let members: TimeWindow[] = [];
    const flush = () => {
      if (current !== undefined && members.length > 1) merge(members, current);
    };
    for (const w of sorted) {
      if (current !== undefined && current.intersects(w)) {
        current = current.cover(w);
        members.push(w);
      } else {
        flush();
        current = w;
        members = [w];
      }
    }
    flush();
  }
}

/** The one window of {@link GlobalWindows}: all elements of a key, for ever. */
export class GlobalWindow {
  private static readonly instance = new GlobalWindow();

  private constructor() {}

  static get(): GlobalWindow {
    return GlobalWindow.instance;
  }

  /** The largest timestamp there is: a global window never ends by time. */
  maxTimestamp(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  equals(other: unknown): boolean {
    return other === this;
  }

  toString(): string {
    return 'GlobalWindow';
  }
}
