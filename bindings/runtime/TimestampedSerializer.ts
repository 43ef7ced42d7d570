/**
 * The wire format of records on a stream with timestamps (Flink's
 * StreamElementSerializer, for records only: watermarks travel as channel
 * events). Each record is its timestamp as a float64 (−Infinity: none), then
 * the value's bytes. Streams without timestamps (nothing upstream assigns
 * them) carry the value alone, so they pay nothing for event time.
 *
 * The writer sets {@link timestamp} before it serializes a record; after a
 * record is read, {@link timestamp} holds the one that came with it.
 */
import type { DataInputDeserializer } from '../types/DataInputDeserializer.js';
import type { DataOutputSerializer } from '../types/DataOutputSerializer.js';
import { TypeSerializer } from '../types/TypeSerializer.js';
import { NO_TIMESTAMP } from './time.js';

export class TimestampedSerializer<T> extends TypeSerializer<T> {
  timestamp = NO_TIMESTAMP;

  constructor(private readonly inner: TypeSerializer<T>) {
    super();
  }

  serialize(value: T, out: DataOutputSerializer): void {
    out.writeFloat64(this.timestamp);
    this.inner.serialize(value, out);
  }

  deserialize(input: DataInputDeserializer): T {
    this.timestamp = input.readFloat64();
    return this.inner.deserialize(input);
  }

  copy(value: T): T {
    return this.inner.copy(value);
  }

  override getLength(): number {
    const n = this.inner.getLength();
    return n < 0 ? -1 : n + 8;
  }

  defaultValue(): T {
    return this.inner.defaultValue();
  }
}
