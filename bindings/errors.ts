/**
 * The errors weir raises. Every message names what was at fault — the pool,
 * the segment, the owner, the value — so that it can be acted on without a
 * debugger.
 *
 * @example
 * ```ts
 * import { MemoryBudget, MemoryBudgetError } from 'weir';
 * const budget = MemoryBudget.create({ network: '1mb', managed: '1mb' });
 * try {
 *   budget.memoryManager.allocatePages({}, 1_000);
 * } catch (e) {
 *   if (e instanceof MemoryBudgetError) console.log(e.message);
 * }
 * ```
 * @module
 */

/** The base class of every error weir raises on purpose. */
export class WeirError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value that cannot be used: a size that is not a power of two, a budget too large. */
export class ConfigurationError extends WeirError {}

/**
 * A budget is spent: no managed pages left, or a request larger than the whole
 * budget. Catchable, never an out-of-memory crash.
 */
export class MemoryBudgetError extends WeirError {}

/** Misuse of a buffer pool: recycling a buffer twice, using a destroyed pool, too few buffers for a pool's minimum. */
export class BufferPoolError extends WeirError {}

/** Misuse of a MemorySegment: access after release, release by an owner that does not hold it. */
export class MemorySegmentError extends WeirError {}

/**
 * A value that its serializer cannot write (or bytes it cannot read): the
 * message names the field path, the expected type and the value. Nothing
 * half-written stays behind.
 */
export class SerializationError extends WeirError {
  /** The path of the field at fault, e.g. `items[2].price`; empty for the record itself. */
  readonly path: string;
  /** The value at fault (undefined when reading). */
  readonly value: unknown;
  /** What is wrong, without the path. */
  readonly detail: string;

  constructor(detail: string, path: string, value: unknown, options?: { cause?: unknown }) {
    super(path === '' ? detail : `${path}: ${detail}`, options);
    this.path = path;
    this.value = value;
    this.detail = detail;
  }

  /** The same error one level up: `segment` is a field name, or `[i]` for an element. */
  within(segment: string): SerializationError {
    const path = this.path === '' ? segment : /^[[{]/.test(this.path) ? segment + this.path : `${segment}.${this.path}`;
    return new SerializationError(this.detail, path, this.value, { cause: this.cause });
  }
}

/** A type that cannot do what was asked: a key field of a type without an order, a snapshot that cannot be read. */
export class TypeInformationError extends WeirError {}

/** Spilling to disk failed: the temporary directory is missing, the disk is full, a run file is cut short. */
export class SpillError extends WeirError {}

/**
 * A job failed: a user function threw, a record could not be serialized, a
 * sink or source failed. Names the operator (its name and uid), the parallel
 * instance and the record at fault; the original error is the `cause`.
 *
 * @example
 * ```ts
 * try { await env.fromElements(1, 0).map((x) => 1 / check(x)).name('invert').executeAndCollect(); }
 * catch (e) { if (e instanceof JobExecutionError) console.log(e.operator, e.record); }
 * ```
 */
export class JobExecutionError extends WeirError {
  /** The operator's name. */
  readonly operator: string;
  /** The operator's uid, if it has one. */
  readonly uid: string | undefined;
  /** The parallel instance (0-based) that failed. */
  readonly subtask: number;
  /** The record being processed when the error happened (undefined where there was none). */
  readonly record: unknown;

  constructor(operator: string, uid: string | undefined, subtask: number, parallelism: number, record: unknown, hasRecord: boolean, cause: unknown) {
    const who = `Operator "${operator}"${uid === undefined ? '' : ` (uid "${uid}")`} subtask ${subtask + 1}/${parallelism}`;
    const what = hasRecord ? ` on record ${renderRecord(record)}` : '';
    const why = (cause instanceof Error ? cause.message : String(cause)) + (cause instanceof TypeError && /private (member|field)/.test(cause.message) ? PRIVATE_FIELD_HINT : '');
    super(`${who} failed${what}: ${why}`, { cause });
    this.operator = operator;
    this.uid = uid;
    this.subtask = subtask;
    this.record = record;
  }
}

const PRIVATE_FIELD_HINT =
  ' (weir copies a function object for each operator instance, and ES private fields (#x) do not survive the copy: use ordinary fields)';

/** A job was cancelled (by `JobClient.cancel()` or its `AbortSignal`) before it finished. */
export class JobCancellationError extends WeirError {}

/** A short, single-line rendering of a record for error messages. */
export function renderRecord(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
