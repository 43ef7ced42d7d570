/**
 * Sources. Every source is pulled: a task asks its reader for the next record
 * only when its outputs have a buffer, so a backpressured job stops reading
 * (a Node Readable then fills to its high-water mark and pauses its own
 * source; a WHATWG ReadableStream stops pulling).
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { SourceReader } from '../runtime/StreamTask.js';

/** Where a source reader runs. */
export interface SourceReaderContext {
  /** This parallel instance, 0-based. */
  subtask: number;
  parallelism: number;
}

/**
 * A source (Flink's `Source`): creates one reader per parallel instance.
 * `next()` returns an iterator result, or a promise of one when the reader
 * must wait (the task is idle meanwhile).
 */
export interface Source<T> {
  /** False when the source is one sequence that only one reader can read (parallelism 1). Default true. */
  readonly parallel?: boolean;
  /** The records' type; inferred from the first record where absent. */
  readonly type?: TypeInformation<T> | undefined;
  createReader(context: SourceReaderContext): SourceReader<T>;
}

export type { SourceReader };

/** How fast a generator may emit (Flink's RateLimiterStrategy). */
export class RateLimiterStrategy {
  private constructor(readonly recordsPerSecond: number) {}

  /** At most `recordsPerSecond` records per second over all parallel instances. */
  static perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (!(recordsPerSecond > 0) || !Number.isFinite(recordsPerSecond)) {
      throw new ConfigurationError(`RateLimiterStrategy.perSecond: the rate must be a finite number > 0, got ${String(recordsPerSecond)}`);
    }
    return new RateLimiterStrategy(recordsPerSecond);
  }

  /** No limit. */
  static noOp(): RateLimiterStrategy {
    return new RateLimiterStrategy(Number.POSITIVE_INFINITY);
  }
}

/** The range [from, to) of a sequence of `count` items that subtask `i` of `p` reads. */
export function splitRange(count: number, i: number, p: number): [number, number] {
  return [Math.floor((i * count) / p), Math.floor(((i + 1) * count) / p)];
}

/**
 * Generates `count` records with `generator(index)` for index 0..count-1,
 * split between the parallel instances, optionally at a limited rate
 * (Flink's DataGeneratorSource).
 *
 * @example
 * ```ts
 * const bids = env.fromSource(new DataGeneratorSource((i) => ({ id: i, price: i % 100 }), 1_000_000, RateLimiterStrategy.perSecond(50_000)), 'bids');
 * ```
 */
export class DataGeneratorSource<T> implements Source<T> {
  readonly parallel = true;
  readonly type: TypeInformation<T> | undefined;
  private readonly generator: (index: number) => T;
  private readonly count: number;
  private readonly rate: number;

  constructor(generator: (index: number) => T, count: number, rateLimiter: RateLimiterStrategy | number = RateLimiterStrategy.noOp(), type?: TypeInformation<T>) {
    if (typeof generator !== 'function') throw new ConfigurationError(`DataGeneratorSource: the generator must be a function, got ${typeof generator}`);
    if (!Number.isSafeInteger(count) || count < 0) throw new ConfigurationError(`DataGeneratorSource: count must be a safe integer ≥ 0, got ${String(count)}`);
    this.generator = generator;
    this.count = count;
    this.rate = typeof rateLimiter === 'number' ? RateLimiterStrategy.perSecond(rateLimiter).recordsPerSecond : rateLimiter.recordsPerSecond;
    this.type = type;
  }

  createReader({ subtask, parallelism }: SourceReaderContext): SourceReader<T> {
    const [from, to] = splitRange(this.count, subtask, parallelism);
    const generator = this.generator;
    let next = from;
    return rateLimitedReader<T>(
      (): IteratorResult<T> => (next < to ? { done: false, value: generator(next++) } : { done: true, value: undefined }),
      () => next < to,
      this.rate / parallelism,
    );
  }
}

/**
 * A reader emitting `emit()` while `hasMore()`, at most `recordsPerSecond`
 * (Infinity: no limit). The limit is a token bucket holding at most one
 * second of records, as Flink's rate limiter: after a stall (backpressure)
 * the source catches up by one second's worth, no more.
 * @internal
 */
export function rateLimitedReader<T>(emit: () => IteratorResult<T>, hasMore: () => boolean, recordsPerSecond: number): SourceReader<T> {
  const interval = 1000 / recordsPerSecond; // ms per record
  if (!(interval > 0)) return { next: emit };
  let dueAt = -Infinity;
  return {
    next: () => {
      if (!hasMore()) return { done: true, value: undefined };
      const now = performance.now();
      if (dueAt === -Infinity) dueAt = now - interval; // the first record is due now
      dueAt = Math.max(dueAt, now - 1000) + interval;
      if (dueAt <= now + 1) return emit(); // timers have millisecond resolution: emit up to 1 ms early
      return new Promise<IteratorResult<T>>((resolve) => setTimeout(() => resolve(emit()), dueAt - now));
    },
  };
}

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined });

/** A non-parallel source over a sync iterable (an array is read by index). */
export function collectionSource<T>(items: Iterable<T>, type: TypeInformation<T> | undefined): Source<T> {
  return {
    parallel: false,
    type,
    createReader: () => {
      if (Array.isArray(items)) {
        const array = items as T[];
        const result = { done: false as const, value: undefined as T };
        let i = 0;
        return {
          next: () => {
            if (i >= array.length) return DONE;
            result.value = array[i++]!;
            return result;
          },
        };
      }
      const it = items[Symbol.iterator]();
      return { next: () => it.next(), close: () => void it.return?.() };
    },
  };
}

/** A non-parallel source over an async iterable; closing it calls the iterator's `return()`. */
export function asyncIterableSource<T>(items: AsyncIterable<T>, type: TypeInformation<T> | undefined): Source<T> {
  return {
    parallel: false,
    type,
    createReader: () => {
      const it = items[Symbol.asyncIterator]();
      let done = false;
      return {
        next: () =>
          it.next().then((r) => {
            if (r.done === true) done = true;
            return r;
          }),
        close: () => {
          if (!done) it.return?.()?.catch(() => undefined);
        },
      };
    },
  };
}

/** A non-parallel source over a WHATWG ReadableStream; an early end cancels the stream. */
export function readableStreamSource<T>(stream: ReadableStream<T>, type: TypeInformation<T> | undefined): Source<T> {
  return {
    parallel: false,
    type,
    createReader: () => {
      const reader = stream.getReader();
      let done = false;
      return {
        next: () =>
          reader.read().then((r) => {
            if (r.done) done = true;
            return r as IteratorResult<T>;
          }),
        close: () => {
          if (!done) reader.cancel().catch(() => undefined);
          try {
            reader.releaseLock();
          } catch {
            // a read still pending: the cancel ends it
          }
        },
      };
    },
  };
}

/** A parallel source of the integers from..to (inclusive), split into ranges. */
export function sequenceSource(from: number, to: number): Source<number> {
  return {
    parallel: true,
    createReader: ({ subtask, parallelism }) => {
      const [a, b] = splitRange(to - from + 1, subtask, parallelism);
      let next = from + a;
      const end = from + b;
      const result = { done: false as const, value: 0 };
      return {
        next: () => {
          if (next >= end) return DONE;
          result.value = next++;
          return result;
        },
      };
    },
  };
}
