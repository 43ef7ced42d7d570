/**
 * Events that travel in a channel in order with the buffers of records.
 * They are plain data (no references into a task) so that a channel between
 * worker threads can carry them as messages later. Events need no credit:
 * they take no buffer on the receiving side. A writer hands the channel its
 * partly filled buffer before an event, so the event follows every record
 * emitted before it.
 */
export type ChannelEvent = EndOfPartition | WatermarkEvent | WatermarkStatusEvent;

/** The producer's subpartition has no more data. */
export interface EndOfPartition {
  readonly kind: 'endOfPartition';
}

/** Event time has reached `timestamp` on this channel: no more records with a smaller timestamp are expected. */
export interface WatermarkEvent {
  readonly kind: 'watermark';
  readonly timestamp: number;
}

/** The channel went idle (no watermarks for now) or active again. */
export interface WatermarkStatusEvent {
  readonly kind: 'watermarkStatus';
  readonly idle: boolean;
}

export const END_OF_PARTITION: EndOfPartition = Object.freeze({ kind: 'endOfPartition' });
export const IDLE: WatermarkStatusEvent = Object.freeze({ kind: 'watermarkStatus', idle: true });
export const ACTIVE: WatermarkStatusEvent = Object.freeze({ kind: 'watermarkStatus', idle: false });

export function watermarkEvent(timestamp: number): WatermarkEvent {
  return { kind: 'watermark', timestamp };
}
