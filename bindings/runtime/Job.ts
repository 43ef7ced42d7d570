/**
 * Job: turns the transformations reachable from the sinks into tasks and
 * runs them. It resolves parallelism and partitioners, chains operators
 * (forward edge, same parallelism, one input, chaining allowed), creates one
 * task per chain and parallel instance, a credit channel per connected
 * producer/consumer pair of every network edge, a LocalBufferPool per record
 * writer and two per input gate (exclusive and floating buffers).
 *
 * Ending: when every task finished, or at the first failure or a cancel
 * (every task then stops at its next wait or yield), the job closes the
 * operators, returns every buffer and destroys every pool it created, and
 * checks that nothing is missing. The result promise settles only after that.
 */
import { BufferPoolError, ConfigurationError, JobCancellationError } from '../errors.js';
import type { LocalBufferPool } from '../core/LocalBufferPool.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import { CreditChannel } from './CreditChannel.js';
import { InputGate } from './InputGate.js';
import { RecordWriter } from './RecordWriter.js';
import { SourceOperator } from './operators.js';
import { ChainingOutput, combineOutputs, NetworkOutput, type OperatorInfo, type Output, type StreamOperator } from './StreamOperator.js';
import { connectedConsumers, createSelector, type PartitionerKind } from './StreamPartitioner.js';
import { StreamTask } from './StreamTask.js';
import { mergeAccumulators } from '../datastream/accumulators.js';
import { allowManyListeners } from './scheduling.js';
import type { TaskMetricsSnapshot } from './TaskMetrics.js';
import type { ProcessingTimeService } from '../eventtime/ProcessingTimeService.js';
import type { StreamEdge, Transformation } from './Transformation.js';

export interface JobOptions {
  jobName: string;
  parallelism: number;
  maxParallelism: number;
  bufferTimeout: number;
  exclusiveBuffersPerChannel: number;
  floatingBuffersPerGate: number;
  budget: MemoryBudget;
  /** The clock of processing time and its timers. */
  processingTimeService: ProcessingTimeService;
  /** Milliseconds between periodic watermarks (0: none). */
  autoWatermarkInterval: number;
  /** Dispose the budget at the end (the environment made it for this job). */
  ownsBudget: boolean;
  signal?: AbortSignal | undefined;
}

export type JobStatus = 'CREATED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

/** The metrics of a job at one moment. */
export interface JobMetrics {
  jobName: string;
  status: JobStatus;
  /** Milliseconds since the job started. */
  duration: number;
  tasks: TaskMetricsSnapshot[];
}

/** What a finished job reports (Flink's JobExecutionResult). */
export interface JobExecutionResult {
  jobName: string;
  /** Milliseconds from start to end. */
  netRuntime: number;
  /** The metrics at the end. */
  metrics: JobMetrics;
  /** The accumulators' values, merged over all instances, by name. */
  accumulators: Record<string, unknown>;
  /** One accumulator's value (undefined if no function added it). */
  getAccumulatorResult<R = unknown>(name: string): R | undefined;
}

interface Resolved {
  node: Transformation;
  parallelism: number;
  head: Transformation;
}

const SAMPLE_MS = 200;

/** Stops a job early without failing it (executeAndCollect with a limit). */
export const STOP = Symbol('weir.stop');

export class Job {
  readonly options: JobOptions;
  readonly tasks: StreamTask[] = [];
  status: JobStatus = 'CREATED';
  private readonly abort = new AbortController();
  private readonly pools: LocalBufferPool[] = [];
  private readonly gates: InputGate[] = [];
  private readonly channels: CreditChannel[] = [];
  private failure: unknown = undefined;
  /** Every task's loop has ended: the outcome is decided, only closing and the leak check remain. */
  private tasksEnded = false;
  private startedAt = 0;
  private endedAt = 0;
  private sampler: ReturnType<typeof setInterval> | undefined;

  constructor(sinks: Transformation[], options: JobOptions) {
    this.options = options;
    allowManyListeners(this.abort.signal);
    try {
      this.build(sinks);
    } catch (error) {
      this.release();
      throw error;
    }
  }

  private build(sinks: Transformation[]): void {
    const { parallelism: defaultParallelism, maxParallelism, jobName } = this.options;
    const order = topologicalOrder(sinks);
    const resolved = new Map<Transformation, Resolved>();
    const kindOf = new Map<StreamEdge, PartitionerKind>();
    for (const node of order) {
      const p = resolveParallelism(node, defaultParallelism, maxParallelism);
      let head = node;
      for (const edge of node.inputs) {
        const up = resolved.get(edge.source)!;
        const kind = edge.partitioner?.kind ?? (up.parallelism === p ? 'FORWARD' : 'REBALANCE');
        if (kind === 'FORWARD' && up.parallelism !== p) {
          throw new ConfigurationError(
            `Forward partitioning does not allow a change of parallelism: "${edge.source.name}" has parallelism ${up.parallelism}, ` +
              `"${node.name}" ${p}; use rebalance(), rescale(), shuffle(), broadcast() or global()`,
          );
        }
        kindOf.set(edge, kind);
      }
      if (node.inputs.length === 1) {
        const edge = node.inputs[0]!;
        const up = resolved.get(edge.source)!;
        if (kindOf.get(edge) === 'FORWARD' && node.chaining === 'ALWAYS' && edge.source.chaining !== 'NEVER' && node.source === undefined) head = up.head;
      }
      resolved.set(node, { node, parallelism: p, head });
    }

    // Every network edge: channels [producer subtask][k] and, per consumer subtask, its channels.
    const outgoing = new Map<Transformation, StreamEdge[]>();
    for (const node of order) for (const e of node.inputs) (outgoing.get(e.source) ?? outgoing.set(e.source, []).get(e.source)!).push(e);
    const targetOf = new Map<StreamEdge, Transformation>();
    for (const node of order) for (const e of node.inputs) targetOf.set(e, node);
    const edgeChannels = new Map<StreamEdge, CreditChannel[][]>();
    const gateChannels = new Map<Transformation, CreditChannel[][]>();
    for (const node of order) {
      const r = resolved.get(node)!;
      if (r.head !== node) continue;
      const perSubtask: CreditChannel[][] = Array.from({ length: r.parallelism }, () => []);
      gateChannels.set(node, perSubtask);
      for (const edge of node.inputs) {
        const up = resolved.get(edge.source)!.parallelism;
        const kind = kindOf.get(edge)!;
        const byProducer: CreditChannel[][] = [];
        for (let i = 0; i < up; i++) {
          byProducer.push(
            connectedConsumers(kind, i, up, r.parallelism).map((j) => {
              const c = new CreditChannel(`${edge.source.name}#${i + 1} → ${node.name}#${j + 1}`, edge.inputIndex, this.abort.signal);
              if (kind === 'HASH') c.keySelector = edge.partitioner!.keySelector!;
              perSubtask[j]!.push(c);
              this.channels.push(c);
              return c;
            }),
          );
        }
        edgeChannels.set(edge, byProducer);
      }
    }

    // A stream has timestamps when something at or above it assigns them; only those edges carry them.
    const timestamped = new Map<Transformation, boolean>();
    for (const node of order) timestamped.set(node, node.assignsTimestamps || node.inputs.some((e) => timestamped.get(e.source)));
    const { budget, bufferTimeout, exclusiveBuffersPerChannel: exclusive, floatingBuffersPerGate: floating } = this.options;
    const global = budget.networkBufferPool;
    const heads = order.filter((n) => resolved.get(n)!.head === n);
    for (const head of heads) {
      const chain = order.filter((n) => resolved.get(n)!.head === head);
      const p = resolved.get(head)!.parallelism;
      const taskName = chain.map((n) => (n.source !== undefined ? `Source: ${n.name}` : n.name)).join(' -> ');
      for (let i = 0; i < p; i++) {
        const ops = new Map<Transformation, StreamOperator>();
        for (const n of chain) {
          const info: OperatorInfo = { name: n.name, uid: n.uid, subtask: i, parallelism: p, maxParallelism, jobName, budget: this.options.budget };
          const op = n.source !== undefined ? new SourceOperator(info) : n.createOperator(info);
          // An operator fed through keyBy has keyed state and timers, keyed by its input's key selector.
          // As Flink, an operator is keyed when all its inputs are (connect(keyed, plain) is not: input 2 has no key).
          if (n.inputs.length > 0 && n.inputs.every((e) => e.partitioner?.kind === 'HASH')) {
            op.keyContext = { keyType: n.inputs.find((e) => e.partitioner!.keyType !== undefined)?.partitioner!.keyType };
          }
          ops.set(n, op);
        }
        const writers: RecordWriter[] = [];
        for (const n of chain) {
          const op = ops.get(n)!;
          const main: Output<unknown>[] = [];
          const side = new Map<string, Output<unknown>[]>();
          for (const edge of outgoing.get(n) ?? []) {
            const target = targetOf.get(edge)!;
            let out: Output<unknown>;
            if (resolved.get(target)!.head === head) out = new ChainingOutput(ops.get(target)!);
            else {
              const channels = edgeChannels.get(edge)![i]!;
              const pool = global.createBufferPool({
                min: channels.length + 1,
                max: channels.length * exclusive + floating,
                name: `${taskName} (${i + 1}/${p}) → ${target.name}`,
              });
              this.pools.push(pool);
              const selector = createSelector(edge.partitioner ?? { kind: kindOf.get(edge)! }, {
                numChannels: channels.length,
                subtask: i,
                budget,
                maxParallelism,
                seed: n.id,
              });
              const type = edge.sideTag === undefined ? n.type : n.sideTypes.get(edge.sideTag);
              const writer = new RecordWriter(pool, channels, selector, type, budget, bufferTimeout, timestamped.get(n)!);
              writers.push(writer);
              out = new NetworkOutput(writer, op);
            }
            if (edge.sideTag === undefined) main.push(out);
            else (side.get(edge.sideTag) ?? side.set(edge.sideTag, []).get(edge.sideTag)!).push(out);
          }
          op.output = combineOutputs(main);
          for (const [tag, outs] of side) op.sideOutputs.set(tag, combineOutputs(outs));
        }
        let gate: InputGate | null = null;
        const inChannels = gateChannels.get(head)?.[i] ?? [];
        if (inChannels.length > 0) {
          const label = `${taskName} (${i + 1}/${p})`;
          const exclusivePool = global.createBufferPool({ min: inChannels.length * exclusive, max: inChannels.length * exclusive, name: `${label} exclusive` });
          this.pools.push(exclusivePool);
          const floatingPool = global.createBufferPool({ min: 1, max: Math.max(1, floating), name: `${label} floating` });
          this.pools.push(floatingPool);
          gate = new InputGate(inChannels, exclusivePool, floatingPool);
          this.gates.push(gate);
        }
        let reader = null;
        try {
          reader = head.source?.createReader(i, p) ?? null;
        } catch (error) {
          throw ops.get(head)!.failure(error, undefined, false);
        }
        const { processingTimeService, autoWatermarkInterval } = this.options;
        this.tasks.push(
          new StreamTask(taskName, i, p, chain.map((n) => ops.get(n)!), writers, gate, reader, bufferTimeout, processingTimeService, autoWatermarkInterval, (error) =>
            this.fail(error),
          ),
        );
      }
    }
  }

  /** Runs the job to its end; see the class comment. */
  async run(): Promise<JobExecutionResult> {
    const signal = this.abort.signal;
    const external = this.options.signal;
    const onExternalAbort = () => this.cancel(external!.reason);
    if (external !== undefined) {
      if (external.aborted) this.cancel(external.reason);
      else external.addEventListener('abort', onExternalAbort, { once: true });
    }
    this.status = 'RUNNING';
    this.startedAt = performance.now();
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
    const runs = this.tasks.map((task) =>
      task.run(signal, this.options.exclusiveBuffersPerChannel).catch((error: unknown) => {
        this.fail(error);
      }),
    );
    await Promise.all(runs);
    this.tasksEnded = true;
    clearInterval(this.sampler);
    external?.removeEventListener('abort', onExternalAbort);
    const closeErrors: unknown[] = [];
    for (const task of this.tasks) closeErrors.push(...(await task.close()));
    this.endedAt = performance.now();
    const metrics = this.metrics();
    const leak = this.release();
    const ok = () => this.failure === undefined || this.failure === STOP;
    if (ok() && closeErrors.length > 0) this.failure = closeErrors[0];
    if (ok() && leak !== undefined) this.failure = leak;
    let accumulators: Record<string, unknown> = {};
    try {
      accumulators = this.accumulators();
    } catch (error) {
      if (ok()) this.failure = error;
    }
    if (ok()) {
      this.status = 'FINISHED';
      return {
        jobName: this.options.jobName,
        netRuntime: this.endedAt - this.startedAt,
        metrics: { ...metrics, status: this.status },
        accumulators,
        getAccumulatorResult: <R>(name: string) => accumulators[name] as R | undefined,
      };
    }
    this.status = this.failure instanceof JobCancellationError ? 'CANCELED' : 'FAILED';
    throw this.failure;
  }

  /** Fails the job with `error` (the first failure wins); every task stops. */
  fail(error: unknown): void {
    if (this.failure !== undefined || this.tasksEnded) return;
    this.failure = error;
    this.abort.abort(error);
  }

  /** Cancels the job; its result rejects with a {@link JobCancellationError}. */
  cancel(reason?: unknown): void {
    this.fail(
      reason instanceof JobCancellationError
        ? reason
        : new JobCancellationError(`Job "${this.options.jobName}" was cancelled${reason === undefined ? '' : `: ${reason instanceof Error ? reason.message : String(reason)}`}`, { cause: reason }),
    );
  }

  /** Ends the job early as finished (the result resolves). */
  stop(): void {
    this.fail(STOP);
  }

  get isRunning(): boolean {
    return this.status === 'RUNNING';
  }

  /** The accumulators of every operator instance, merged by name. */
  accumulators(): Record<string, unknown> {
    return mergeAccumulators(this.tasks.flatMap((t) => t.operators.map((op) => op.accumulators)));
  }

  private sample(): void {
    const now = performance.now();
    for (const t of this.tasks) t.metrics.sample(now, t.recordsOut);
  }

  metrics(): JobMetrics {
    const now = this.endedAt > 0 ? this.endedAt : performance.now();
    return {
      jobName: this.options.jobName,
      status: this.status,
      duration: this.startedAt === 0 ? 0 : now - this.startedAt,
      tasks: this.tasks.map((t) => t.snapshot(now)),
    };
  }

  // Returns every buffer, destroys the job's pools; reports buffers that did not come back.
  private release(): BufferPoolError | undefined {
    const problems: string[] = [];
    for (const task of this.tasks) for (const w of task.writers) w.releaseBuffers();
    for (const c of this.channels) c.cancelRequests();
    for (const c of this.channels) c.close();
    for (const pool of this.pools) {
      if (pool.numInUse > 0) problems.push(`${pool.name}: ${pool.numInUse} buffer(s) not returned`);
      pool.destroy();
    }
    if (this.options.ownsBudget) {
      try {
        this.options.budget.assertAllReturned();
      } catch (error) {
        problems.push((error as Error).message);
      }
      this.options.budget.dispose();
    }
    return problems.length === 0 ? undefined : new BufferPoolError(`Job "${this.options.jobName}" ended with buffers missing:\n${problems.join('\n')}`);
  }
}

function topologicalOrder(sinks: Transformation[]): Transformation[] {
  const order: Transformation[] = [];
  const state = new Map<Transformation, 1 | 2>();
  const visit = (n: Transformation) => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) throw new ConfigurationError(`the job graph has a cycle through "${n.name}"`);
    state.set(n, 1);
    for (const e of n.inputs) visit(e.source);
    state.set(n, 2);
    order.push(n);
  };
  for (const s of sinks) visit(s);
  return order;
}

function resolveParallelism(node: Transformation, defaultParallelism: number, maxParallelism: number): number {
  const nonParallel = node.source !== undefined && !node.source.parallel;
  if (nonParallel && node.parallelism !== undefined && node.parallelism !== 1) {
    throw new ConfigurationError(`"${node.name}" is not a parallel source: its parallelism must be 1, got ${node.parallelism}`);
  }
  const p = node.parallelism ?? (nonParallel ? 1 : defaultParallelism);
  if (p > maxParallelism) {
    throw new ConfigurationError(`"${node.name}": parallelism ${p} is above the max parallelism ${maxParallelism}`);
  }
  return p;
}
