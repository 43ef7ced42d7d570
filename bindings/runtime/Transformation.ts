/**
 * Transformation: a node of the job as the DataStream API builds it (Flink's
 * Transformation / StreamNode): an operator factory, its parallelism, the type
 * of what it emits, and the edges from its inputs, each with a partitioner and
 * possibly a side-output tag. Partitioning, union and side outputs are not
 * nodes: they are properties of the edges into the next real operator.
 */
import type { TypeInformation } from '../types/TypeInformation.js';
import type { SourceReader } from './StreamTask.js';
import type { OperatorInfo, StreamOperator } from './StreamOperator.js';
import type { PartitionerSpec } from './StreamPartitioner.js';

export interface StreamEdge {
  readonly source: Transformation;
  /** Undefined: forward when the parallelism is the same, rebalance otherwise (as Flink). */
  readonly partitioner: PartitionerSpec | undefined;
  /** The side output this edge reads, or undefined for the main output. */
  readonly sideTag: string | undefined;
  /** 0, or 1 for the second input of a two-input operator. */
  readonly inputIndex: number;
}

export type ChainingStrategy = 'ALWAYS' | 'HEAD' | 'NEVER';

export interface SourceSpec {
  /** False for sources that read one sequence (a collection, an async iterable): parallelism 1. */
  readonly parallel: boolean;
  createReader(subtask: number, parallelism: number): SourceReader<unknown>;
}

let nextId = 1;

export class Transformation {
  readonly id = nextId++;
  name: string;
  uid: string | undefined;
  /** Undefined: the environment's default. */
  parallelism: number | undefined;
  type: TypeInformation<any> | undefined;
  chaining: ChainingStrategy = 'ALWAYS';
  /** Set for operators that only one instance may run (a sink writing to one stream). */
  singleInstance: string | undefined;
  readonly inputs: StreamEdge[];
  readonly source: SourceSpec | undefined;
  readonly createOperator: (info: OperatorInfo) => StreamOperator;
  /** Types of side outputs by tag id (undefined: inferred from the first record). */
  readonly sideTypes = new Map<string, TypeInformation<any> | undefined>();

  constructor(
    name: string,
    inputs: StreamEdge[],
    createOperator: (info: OperatorInfo) => StreamOperator,
    type: TypeInformation<any> | undefined,
    source?: SourceSpec,
  ) {
    this.name = name;
    this.inputs = inputs;
    this.createOperator = createOperator;
    this.type = type;
    this.source = source;
    this.uid = undefined;
    this.parallelism = undefined;
  }
}
