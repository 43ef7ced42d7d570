/**
 * Nexmark as a weir source: parallel, each reader making every p-th event
 * (reader i of p makes events i, i + p, i + 2p, …), so that every reader's
 * event time advances at the same pace and their watermarks keep together.
 */
import { ConfigurationError } from '../errors.js';
import { rateLimitedReader, type Source, type SourceReader, type SourceReaderContext } from '../datastream/sources.js';
import { WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { EventType, type NexmarkEvent } from './model.js';
import { NexmarkGenerator, type NexmarkConfig } from './NexmarkGenerator.js';

/** How far behind the largest timestamp Nexmark's watermark trails: its DDL's `dateTime - INTERVAL '4' SECOND`. */
export const NEXMARK_WATERMARK_DELAY = 4000;

/**
 * The events of a {@link NexmarkGenerator}, made as they are read.
 *
 * @example
 * ```ts
 * import { NexmarkSource } from 'weir/nexmark';
 * const events = env.fromSource(new NexmarkSource({ events: 1_000_000 }), NexmarkSource.watermarks(), 'Nexmark');
 * const bids = events.filter((e) => e.bid !== null).map((e) => e.bid!, BidType);
 * ```
 */
export class NexmarkSource implements Source<NexmarkEvent> {
  readonly parallel = true;
  readonly type: TypeInformation<NexmarkEvent> = EventType;
  readonly generator: NexmarkGenerator;

  constructor(config: NexmarkConfig) {
    this.generator = new NexmarkGenerator(config);
  }

  createReader({ subtask, parallelism }: SourceReaderContext): SourceReader<NexmarkEvent> {
    const generator = this.generator;
    return strideReader(generator.count, subtask, parallelism, (n) => generator.event(n), generator.config.eventsPerSecond);
  }

  /**
   * A source replaying events made before (by {@link NexmarkGenerator.generateAll}),
   * split between readers as the generating source splits them: to time a
   * job without the cost of making its events.
   */
  static replay(events: readonly NexmarkEvent[], eventsPerSecond = Number.POSITIVE_INFINITY): Source<NexmarkEvent> {
    if (!Array.isArray(events)) throw new ConfigurationError(`NexmarkSource.replay: expected an array of events, got ${events === null ? 'null' : typeof events}`);
    if (!(eventsPerSecond > 0)) throw new ConfigurationError(`NexmarkSource.replay: eventsPerSecond must be > 0, got ${String(eventsPerSecond)}`);
    return {
      parallel: true,
      type: EventType,
      createReader: ({ subtask, parallelism }) => strideReader(events.length, subtask, parallelism, (n) => events[n]!, eventsPerSecond),
    };
  }

  /**
   * Nexmark's watermarks: the event's `dateTime` as its timestamp, the
   * watermark `delay` ms (default 4 s) behind the largest one seen.
   */
  static watermarks(delay = NEXMARK_WATERMARK_DELAY): WatermarkStrategy<NexmarkEvent> {
    return WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(delay).withTimestampAssigner(eventTimestamp);
  }
}

/** The `dateTime` of the person, auction or bid an event carries. */
export function eventTimestamp(event: NexmarkEvent): number {
  return (event.bid ?? event.auction ?? event.person).dateTime;
}

function strideReader(count: number, subtask: number, parallelism: number, event: (n: number) => NexmarkEvent, eventsPerSecond: number): SourceReader<NexmarkEvent> {
  let next = subtask;
  const result = { done: false as const, value: undefined as unknown as NexmarkEvent };
  const done: IteratorResult<NexmarkEvent> = { done: true, value: undefined };
  return rateLimitedReader(
    () => {
      if (next >= count) return done;
      result.value = event(next);
      next += parallelism;
      return result;
    },
    () => next < count,
    eventsPerSecond / parallelism,
  );
}
