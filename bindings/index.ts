/**
 * weir: Apache Flink's model of stream and batch processing for Node.js and
 * browsers. This entry point exports the whole public API.
 * @module weir
 */
export { WeirError, ConfigurationError, MemoryBudgetError, BufferPoolError, MemorySegmentError } from './errors.js';
export { MemoryBudget, DEFAULT_SEGMENT_SIZE, DEFAULT_NETWORK_MEMORY, DEFAULT_MANAGED_MEMORY } from './core/MemoryBudget.js';
export type { MemoryOptions } from './core/MemoryBudget.js';
export type { MemorySize } from './core/units.js';
export { parseMemorySize } from './core/units.js';
export { MemorySegment } from './core/MemorySegment.js';
export { NetworkBuffer } from './core/NetworkBuffer.js';
export { NetworkBufferPool } from './core/NetworkBufferPool.js';
export type { NetworkBufferPoolUsage, LocalBufferPoolUsage } from './core/NetworkBufferPool.js';
export { LocalBufferPool } from './core/LocalBufferPool.js';
export type { LocalBufferPoolOptions } from './core/LocalBufferPool.js';
export { MemoryManager } from './core/MemoryManager.js';
