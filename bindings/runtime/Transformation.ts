/**
 * Transformation: a node of the job as the DataStream API builds it (Flink's
 * Transformation / StreamNode): an operator factory, its parallelism, the type
 * of what it emits, and the edges from its inputs, each with a partitioner and
 * possibly a side-output tag. Partitioning, union and side outputs are not
 * nodes: they are properties of the edges into the next real operator.
 */
import { ConfigurationError } from '../errors.js';
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
  /** The operator gives records timestamps (an assigner, a window): its output, and what follows, carries them. */
  assignsTimestamps = false;
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

  /** Names the operator; the name must be a non-empty string. */
  setName(name: string): void {
    this.name = nonEmpty(name, 'name');
  }

  /** Sets the operator's uid after `claim` has checked that no other operator of the job has it. */
  setUid(uid: string, claim: (uid: string, node: Transformation) => void): void {
    claim(nonEmpty(uid, 'uid'), this);
    this.uid = uid;
  }

  /** Sets the parallelism: an integer ≥ 1, and 1 for single-instance operators. */
  setParallelism(parallelism: number): void {
    checkParallelism(parallelism, this.name);
    if (parallelism !== 1 && this.singleInstance !== undefined) {
      throw new ConfigurationError(`${this.name}: parallelism must be 1 (${this.singleInstance}), got ${parallelism}`);
    }
    this.parallelism = parallelism;
  }
}

/** `parallelism`, if it is an integer ≥ 1; `what` names the operator or setting in the error. */
export function checkParallelism(parallelism: number, what: string): number {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new ConfigurationError(`${what}: parallelism must be an integer ≥ 1, got ${String(parallelism)}`);
  }
  return parallelism;
}

function nonEmpty(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigurationError(`${what}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
