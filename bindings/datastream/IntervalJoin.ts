/**
 * Interval joins (Flink's `KeyedStream.IntervalJoin` and `IntervalJoined`):
 * joins each element `a` of a keyed stream with the elements `b` of another,
 * keyed the same way, whose timestamps lie within bounds relative to `a`'s:
 * `a.ts + lowerBound <= b.ts <= a.ts + upperBound` (either bound may be
 * negative; each is inclusive unless marked exclusive). An inner join, in
 * event time only; each pair goes to a {@link ProcessJoinFunction} and what
 * it emits has the timestamp max(a.ts, b.ts). Elements are buffered in keyed
 * state until the watermark passes the time they can still be joined at.
 *
 * @example
 * ```ts
 * orange
 *   .keyBy((o) => o.key)
 *   .intervalJoin(green.keyBy((g) => g.key))
 *   .between(-2, 1)
 *   .process((left, right, ctx, out) => out.collect(`${left.v},${right.v}`), Types.STRING);
 * ```
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Transformation } from '../runtime/Transformation.js';
import { IntervalJoinOperator, type ProcessJoinContext } from '../runtime/IntervalJoinOperator.js';
import { AbstractRichFunction, type Collector, type RichMethods } from './functions.js';
import type { OutputTag } from './OutputTag.js';
import { SingleOutputStreamOperator, type KeyedStream } from './DataStream.js';

export type { ProcessJoinContext };

/**
 * Processes each pair an interval join finds: `processElement(left, right,
 * ctx, out)`; `ctx` has both timestamps, the pair's, and side outputs.
 *
 * @example
 * ```ts
 * class Pair extends ProcessJoinFunction<Order, Payment, string> {
 *   processElement(o: Order, p: Payment, ctx: ProcessJoinContext, out: Collector<string>) {
 *     out.collect(`${o.id} paid ${ctx.getRightTimestamp() - ctx.getLeftTimestamp()} ms after ordering`);
 *   }
 * }
 * ```
 */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}

/** A process join function: a {@link ProcessJoinFunction}, a function, or an object with `processElement`. */
export type ProcessJoinFunctionLike<IN1, IN2, OUT> =
  | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void)
  | ({ processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void } & RichMethods);

function checkBound(value: unknown, which: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ConfigurationError(`intervalJoin: between(lowerBound, upperBound): the ${which} must be a whole number of ms, got ${String(value)}`);
  }
  return value;
}

/** The first step of an interval join: two keyed streams, waiting for {@link between}. */
export class IntervalJoin<T1, T2, K> {
  /** @internal */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
  ) {}

  /**
   * Joins `left` with the `right` elements whose timestamp is within
   * `[left.ts + lowerBound, left.ts + upperBound]` (ms; lowerBound ≤ upperBound).
   */
  between(lowerBound: number, upperBound: number): IntervalJoined<T1, T2, K> {
    const lo = checkBound(lowerBound, 'lowerBound');
    const hi = checkBound(upperBound, 'upperBound');
    if (lo > hi) throw new ConfigurationError(`intervalJoin: between(${lo}, ${hi}): lowerBound <= upperBound must be fulfilled`);
    return new IntervalJoined<T1, T2, K>(this.left, this.right, lo, hi);
  }

  /** Interval joins run in event time (the default): this changes nothing. */
  inEventTime(): this {
    return this;
  }

  /** Refused, as in Flink: interval joins are supported in event time only. */
  inProcessingTime(): never {
    throw new ConfigurationError('intervalJoin: time-bounded stream joins are only supported in event time');
  }

  /** Refused: an interval join needs its bounds first. */
  process(_fn?: unknown): never {
    throw new ConfigurationError('intervalJoin: process() needs the bounds first: call between(lowerBound, upperBound) before process()');
  }
}

/** An interval join with its bounds: mark them exclusive, route late data, then {@link process}. */
export class IntervalJoined<T1, T2, K> {
  private lowerBoundInclusive = true;
  private upperBoundInclusive = true;
  private leftLateDataTag: OutputTag<T1> | undefined;
  private rightLateDataTag: OutputTag<T2> | undefined;

  /** @internal */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
  ) {}

  /** Excludes the lower bound: `right.ts > left.ts + lowerBound`. */
  lowerBoundExclusive(): this {
    this.lowerBoundInclusive = false;
    return this;
  }

  /** Excludes the upper bound: `right.ts < left.ts + upperBound`. */
  upperBoundExclusive(): this {
    this.upperBoundInclusive = false;
    return this;
  }

  /** Sends left elements that arrive behind the watermark to the side output `tag` instead of dropping them. */
  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    this.leftLateDataTag = checkTag(tag, 'sideOutputLeftLateData');
    return this;
  }

  /** Sends right elements that arrive behind the watermark to the side output `tag` instead of dropping them. */
  sideOutputRightLateData(tag: OutputTag<T2>): this {
    this.rightLateDataTag = checkTag(tag, 'sideOutputRightLateData');
    return this;
  }

  /** Calls `fn` for each pair found; `type` is the type of what it emits. */
  process<R>(fn: ProcessJoinFunctionLike<T1, T2, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    const ok = typeof fn === 'function' || (fn !== null && typeof fn === 'object' && typeof (fn as { processElement?: unknown }).processElement === 'function');
    if (!ok) throw new ConfigurationError(`intervalJoin: process() expects a ProcessJoinFunction, a function (left, right, ctx, out) => … or an object with processElement(), got ${fn === null ? 'null' : typeof fn}`);
    const { left, right } = this;
    // Both sides must hash a key alike: give both the declared key type (Flink requires one key type).
    const lk = left.getKeyType();
    const rk = right.getKeyType();
    if (lk !== undefined && rk !== undefined && lk !== rk && !lk.equals(rk)) {
      throw new ConfigurationError(`intervalJoin: the key types of the two inputs differ: ${lk.toString()} (left) and ${rk.toString()} (right)`);
    }
    const keyType = lk ?? rk;
    // Selectors of their own, so that the operator tells the inputs apart by them even when the user's are one function.
    const leftKeySelector = (v: T1) => left.keySelector(v);
    const rightKeySelector = (v: T2) => right.keySelector(v);
    const spec = {
      lowerBound: this.lowerBound,
      upperBound: this.upperBound,
      lowerBoundInclusive: this.lowerBoundInclusive,
      upperBoundInclusive: this.upperBoundInclusive,
      leftType: left.getType(),
      rightType: right.getType(),
      leftLateDataTag: this.leftLateDataTag,
      rightLateDataTag: this.rightLateDataTag,
      fn,
      leftKeySelector: leftKeySelector as (v: unknown) => unknown,
    };
    const leftEdges = left.repartition({ kind: 'HASH', keySelector: leftKeySelector, keyType }).map((i) => ({ source: i.node, partitioner: i.partitioner, sideTag: i.sideTag, inputIndex: 0 }));
    const rightEdges = right.repartition({ kind: 'HASH', keySelector: rightKeySelector, keyType }).map((i) => ({ source: i.node, partitioner: i.partitioner, sideTag: i.sideTag, inputIndex: 1 }));
    const node = new Transformation('Interval Join', [...leftEdges, ...rightEdges], (info) => new IntervalJoinOperator<R>(info, spec), type);
    node.assignsTimestamps = true;
    for (const tag of [this.leftLateDataTag, this.rightLateDataTag]) if (tag !== undefined) node.sideTypes.set(tag.id, tag.type ?? (tag === this.leftLateDataTag ? spec.leftType : spec.rightType));
    return new SingleOutputStreamOperator<R>(left.getExecutionEnvironment(), node);
  }
}

function checkTag<T>(tag: OutputTag<T>, what: string): OutputTag<T> {
  if (tag === null || typeof (tag as { id?: unknown })?.id !== 'string') throw new ConfigurationError(`intervalJoin: ${what} expects an OutputTag, got ${tag === null ? 'null' : typeof tag}`);
  return tag;
}
