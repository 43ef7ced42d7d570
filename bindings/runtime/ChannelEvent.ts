/**
 * Events that travel in a channel in order with the buffers of records.
 * They are plain data (no references into a task) so that a channel between
 * worker threads can carry them as messages later. End-of-partition is the
 * only one now; watermarks and checkpoint barriers join it in later issues.
 * Events need no credit: they take no buffer on the receiving side.
 */
export type ChannelEvent = EndOfPartition;

/** The producer's subpartition has no more data. */
export interface EndOfPartition {
  readonly kind: 'endOfPartition';
}

export const END_OF_PARTITION: EndOfPartition = Object.freeze({ kind: 'endOfPartition' });
