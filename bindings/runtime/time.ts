/**
 * Timestamps and watermarks inside the runtime. A record's timestamp is a
 * number of milliseconds; {@link NO_TIMESTAMP} (−Infinity, Flink's
 * Long.MIN_VALUE marker) means it has none. Watermarks start at −Infinity
 * and end at +Infinity (end of input).
 */
import { ConfigurationError } from '../errors.js';
import { describeValue } from '../types/TypeSerializer.js';

export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;
export const NO_WATERMARK = Number.NEGATIVE_INFINITY;
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;

/** The timestamp `value` if it is a usable one (a whole number of ms, as Flink's long), else an error naming `what` and the value. */
export function checkTimestamp(value: unknown, what: string): number {
  // -0 is 0 (one key in state, one time for timers).
  if (Number.isSafeInteger(value)) return (value as number) === 0 ? 0 : (value as number);
  if (value instanceof Date) throw new ConfigurationError(`${what} returned a Date; return its time in ms (date.getTime())`);
  throw new ConfigurationError(`${what}: expected a timestamp, a whole number of milliseconds, got ${describeValue(value)}`);
}
