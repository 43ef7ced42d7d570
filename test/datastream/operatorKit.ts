// Shared by the DataStream operator specs (operators, keyed, connect,
// partitioning): environments whose budget the root leak check watches, a
// failure catcher that cannot hang, multiset comparison, and a rich map that
// tags each record with its subtask.
import { expect } from 'chai';
import { JobExecutionError, RichMapFunction, StreamExecutionEnvironment, type MemoryBudget, type StreamExecutionOptions } from 'weir';
import { budget } from '../support/leaks.js';

export interface EnvOptions extends Omit<StreamExecutionOptions, 'memory' | 'parallelism'> {
  /** Segment (buffer) size; small sizes make records span buffers. */
  segmentSize?: string;
  network?: string;
}

/** An environment running in a leak-checked budget (one budget per call). */
export function envOf(parallelism: number, options: EnvOptions = {}): StreamExecutionEnvironment {
  const { segmentSize = '4kb', network = '4mb', ...rest } = options;
  const memory: MemoryBudget = budget({ network, managed: '1mb', segmentSize });
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, memory, ...rest });
}

/** A budget for property tests: one per test, reused by every run (the leak check runs once, at the end). */
export function sharedBudget(segmentSize = '1kb', network = '4mb'): MemoryBudget {
  return budget({ network, managed: '1mb', segmentSize });
}

/** The same as envOf, in a given budget. */
export function envIn(memory: MemoryBudget, parallelism: number, options: Omit<StreamExecutionOptions, 'memory' | 'parallelism'> = {}): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, memory, ...options });
}

const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** A record as JSON, bigints as `12n`: the form error messages quote records in. */
export function render(value: unknown): string {
  return JSON.stringify(value, bigints) ?? String(value);
}

/** Expects `actual` and `expected` to hold the same records, in any order. */
export function expectSameMultiset<T>(actual: readonly T[], expected: readonly T[], message?: string): void {
  const canon = (xs: readonly T[]) => xs.map((x) => render(x)).sort();
  expect(actual.length, `${message ?? 'records'}: count`).to.equal(expected.length);
  expect(canon(actual), message).to.deep.equal(canon(expected));
}

/** Groups values by key, keeping their order. */
export function groupBy<T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list === undefined) m.set(k, [x]);
    else list.push(x);
  }
  return m;
}

/**
 * Awaits a job that must fail; returns its error. Fails the test if the job
 * succeeds or has not settled within `ms` (a hang).
 */
export async function jobFailure(job: Promise<unknown>, ms = 5000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const settled = await Promise.race([job.then(() => 'resolved' as const), timeout]);
    expect.fail(settled === 'timeout' ? `the job did not end within ${ms} ms (a hang)` : 'the job succeeded; it should have failed');
  } catch (error) {
    if (error instanceof Error && error.name === 'AssertionError') throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Expects a JobExecutionError of `operator` on `record`, its message naming
 * both and the cause's message.
 */
export function expectOperatorFailure(error: unknown, operator: string, record: unknown, cause: string | RegExp): JobExecutionError {
  expect(error, String(error)).to.be.instanceOf(JobExecutionError);
  const e = error as JobExecutionError;
  expect(e.operator).to.equal(operator);
  expect(e.record).to.deep.equal(record);
  expect(e.message).to.include(`"${operator}"`);
  expect(e.message).to.include(`on record ${render(record)}`);
  if (typeof cause === 'string') expect(e.message).to.include(cause);
  else expect(e.message).to.match(cause);
  return e;
}

/**
 * Runs `build` (which may throw at once or return a job that rejects) and
 * returns the error; fails the test if nothing is refused.
 */
export async function refusal(build: () => unknown): Promise<Error> {
  let result: unknown;
  try {
    result = build();
  } catch (error) {
    return error as Error;
  }
  return (await jobFailure(Promise.resolve(result))) as Error;
}

/** A record as seen by one parallel instance. */
export interface At<T> {
  subtask: number;
  of: number;
  value: T;
}

/** Tags each record with the subtask that processed it (and the operator's parallelism). */
export class WhereAmI<T> extends RichMapFunction<T, At<T>> {
  map(value: T): At<T> {
    const ctx = this.getRuntimeContext();
    return { subtask: ctx.getIndexOfThisSubtask(), of: ctx.getNumberOfParallelSubtasks(), value };
  }
}

/** The values each subtask saw, as arrays indexed by subtask (`parallelism` of them). */
export function bySubtask<T>(records: readonly At<T>[], parallelism: number): T[][] {
  const out: T[][] = Array.from({ length: parallelism }, () => []);
  for (const r of records) {
    expect(r.of, 'parallelism seen by the function').to.equal(parallelism);
    expect(r.subtask).to.be.within(0, parallelism - 1);
    out[r.subtask]!.push(r.value);
  }
  return out;
}

/** The integers from..to. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
