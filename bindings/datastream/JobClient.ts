/**
 * JobClient: a handle on a running job (Flink's JobClient): its status and
 * live metrics, cancellation, and the result.
 *
 * @example
 * ```ts
 * const client = await env.executeAsync('word count');
 * setTimeout(() => console.log(client.getMetrics().tasks), 1000);
 * const result = await client.getJobExecutionResult();
 * ```
 */
import type { Job, JobExecutionResult, JobMetrics, JobStatus } from '../runtime/Job.js';

export class JobClient {
  readonly jobName: string;
  private readonly job: Job;
  private readonly result: Promise<JobExecutionResult>;

  /** @internal */
  constructor(job: Job, result: Promise<JobExecutionResult>) {
    this.job = job;
    this.jobName = job.options.jobName;
    this.result = result;
    result.catch(() => undefined); // reported through getJobExecutionResult()
  }

  getJobStatus(): JobStatus {
    return this.job.status;
  }

  /** Per-task and per-operator metrics now (busy/idle/backpressured time, records, pool usage). */
  getMetrics(): JobMetrics {
    return this.job.metrics();
  }

  /** The accumulators' current values, merged over all instances. */
  getAccumulators(): Record<string, unknown> {
    return this.job.accumulators();
  }

  /** Cancels the job; resolves once every task stopped and every buffer is back. */
  async cancel(): Promise<void> {
    this.job.cancel();
    await this.result.catch(() => undefined);
  }

  /** Resolves when the job finishes; rejects with its failure, or a JobCancellationError. */
  getJobExecutionResult(): Promise<JobExecutionResult> {
    return this.result;
  }
}
