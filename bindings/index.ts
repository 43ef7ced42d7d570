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
export { SerializationError, TypeInformationError } from './errors.js';
export { Types, type TypeOf } from './types/Types.js';
export { TypeInformation } from './types/TypeInformation.js';
export type { TypeKind, TypeDescriptor, PrimitiveArrayName } from './types/TypeInformation.js';
export { BasicTypeInfo, type BasicKind } from './types/BasicTypeInfo.js';
export { ObjectTypeInfo, TupleTypeInfo } from './types/CompositeTypeInfo.js';
export { ListTypeInfo, MapTypeInfo, NullableTypeInfo, PrimitiveArrayTypeInfo, EnumTypeInfo, type TypedArray } from './types/ContainerTypeInfo.js';
export { GenericTypeInfo } from './types/GenericTypeInfo.js';
export { TypeSerializer } from './types/TypeSerializer.js';
export { DataOutputSerializer } from './types/DataOutputSerializer.js';
export { DataInputDeserializer } from './types/DataInputDeserializer.js';
export { RecordSerializer } from './types/RecordSerializer.js';
export { RecordDeserializer } from './types/RecordDeserializer.js';
export { TypeComparator, SerializedComparator, type KeyField, type TypeComparatorOptions } from './types/TypeComparator.js';
export { writeTypeSnapshot, readTypeSnapshot, resolveSchemaCompatibility, type SchemaCompatibility } from './types/TypeSerializerSnapshot.js';
export {
  KeyHasher,
  DEFAULT_MAX_PARALLELISM,
  computeKeyGroupForKeyHash,
  computeOperatorIndexForKeyGroup,
  computeKeyGroupRangeForOperatorIndex,
} from './types/KeyGroupRangeAssignment.js';
export { KeyPointerSorter, type KeyPointerSorterOptions } from './sort/KeyPointerSorter.js';
export { ExternalSorter, type ExternalSorterOptions, type ExternalSortStats } from './sort/ExternalSorter.js';
export { nodeSpillFileSystem, type SpillFileSystem } from './sort/SpillFileSystem.js';
export { SpillError } from './errors.js';
export { JobExecutionError, JobCancellationError } from './errors.js';
export { StreamExecutionEnvironment, ExecutionConfig, type StreamExecutionOptions, type ExecuteOptions } from './datastream/StreamExecutionEnvironment.js';
export { DataStream, SingleOutputStreamOperator, KeyedStream, ConnectedStreams, DataStreamSink, type CollectOptions } from './datastream/DataStream.js';
export { OutputTag } from './datastream/OutputTag.js';
export {
  AbstractRichFunction,
  RichMapFunction,
  RichFlatMapFunction,
  RichFilterFunction,
  ProcessFunction,
  KeyedProcessFunction,
  CoProcessFunction,
  KeyedCoProcessFunction,
  type Collector,
  type RuntimeContext,
  type MapFunction,
  type FlatMapFunction,
  type FilterFunction,
  type ReduceFunction,
  type KeySelector,
  type ProcessContext,
  type KeyedProcessContext,
  type OnTimerContext,
  type TimerService,
  type CoMapFunction,
  type CoFlatMapFunction,
  type SinkFunction,
  type SinkContext,
  type RichMethods,
  type ProcessFunctionLike,
  type KeyedProcessFunctionLike,
  type CoProcessFunctionLike,
} from './datastream/functions.js';
export type { FieldExpression } from './datastream/aggregations.js';
export { DataGeneratorSource, RateLimiterStrategy, type Source, type SourceReader, type SourceReaderContext } from './datastream/sources.js';
export type { NodeWritableLike } from './datastream/sinks.js';
export { JobClient } from './datastream/JobClient.js';
export { WindowedStream, AllWindowedStream } from './datastream/WindowedStream.js';
export type { JobExecutionResult, JobMetrics, JobStatus } from './runtime/Job.js';
export type { TaskMetricsSnapshot, OperatorMetrics, BackPressureLevel } from './runtime/TaskMetrics.js';
export { IntCounter, LongCounter, DoubleCounter, AverageAccumulator, ListAccumulator, Histogram, type Accumulator } from './datastream/accumulators.js';
export { TimeWindow, GlobalWindow } from './windowing/TimeWindow.js';
export {
  WindowAssigner,
  MergingWindowAssigner,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  GlobalWindows,
  Time,
  type WindowAssignerContext,
} from './windowing/WindowAssigner.js';
export {
  WatermarkStrategy,
  BoundedOutOfOrdernessWatermarks,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WatermarkGeneratorContext,
  type TimestampAssigner,
} from './eventtime/WatermarkStrategy.js';
export { ManualProcessingTimeService, SystemProcessingTimeService, type ProcessingTimeService, type ScheduledTimer } from './eventtime/ProcessingTimeService.js';
export { Trigger, TriggerResult, type TriggerContext, type OnMergeContext, type MergingStateDescriptor } from './windowing/Trigger.js';
export {
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  NeverTrigger,
} from './windowing/triggers.js';
export { CountEvictor, TimeEvictor, DeltaEvictor, type Evictor, type EvictorContext, type TimestampedValue, type DeltaFunction } from './windowing/Evictor.js';
export {
  ProcessWindowFunction,
  ProcessAllWindowFunction,
  type ProcessWindowContext,
  type ProcessAllWindowContext,
  type KeyedStateStore,
  type ProcessWindowFunctionLike,
  type ProcessAllWindowFunctionLike,
  type WindowFunction,
  type AllWindowFunction,
} from './windowing/functions.js';
export type { State, ValueState, ListState, MapState, ReducingState, AggregatingState, AggregateFunction, InternalKvState } from './state/State.js';
export {
  StateDescriptor,
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  type StateKind,
} from './state/StateDescriptor.js';
export { StateTtlConfig, StateTtlConfigBuilder, UpdateType, StateVisibility } from './state/StateTtlConfig.js';
export {
  KeyedStateBackend,
  type KeyedStateBackendOptions,
  type PartitionedState,
  type SerializedStateEntry,
} from './state/KeyedStateBackend.js';
export { InternalTimerService, type OnTimer } from './state/InternalTimerService.js';
export { VoidNamespace, VoidNamespaceType, TimeWindowNamespaceType, GlobalWindowNamespaceType } from './state/StateNamespaces.js';
export { JoinedStreams, JoinedWhere, JoinedEqualTo, JoinedWithWindow, RichJoinFunction, RichFlatJoinFunction, type JoinFunction, type FlatJoinFunction } from './datastream/JoinedStreams.js';
export { CoGroupedStreams, CoGroupedWhere, CoGroupedEqualTo, CoGroupedWithWindow, RichCoGroupFunction, type CoGroupFunction, type TaggedUnion } from './datastream/CoGroupedStreams.js';
export { IntervalJoin, IntervalJoined, ProcessJoinFunction, type ProcessJoinFunctionLike, type ProcessJoinContext } from './datastream/IntervalJoin.js';
export { FileSink, RowFormatBuilder, DefaultRollingPolicy, DefaultRollingPolicyBuilder, BasePathBucketAssigner, SimpleStringEncoder, nodeFileSinkFileSystem, type Encoder, type BucketAssigner, type BucketAssignerContext, type RollingPolicy, type PartFileInfo, type OutputFileConfig, type FileSinkFileSystem, type FileSinkOutputStream } from './connectors/FileSink.js';
