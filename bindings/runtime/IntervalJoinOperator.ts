/**
 * IntervalJoinOperator: the two-input operator behind
 * `keyedA.intervalJoin(keyedB).between(lower, upper).process(fn)`, as
 * Flink's. It emits exactly the pairs (left, right) of one key with
 * `right.ts ∈ [left.ts + lower, left.ts + upper]` that meet while both are
 * buffered, through `fn.processElement(left, right, ctx, out)`, each with
 * timestamp max(left.ts, right.ts).
 *
 * It owns, in the keyed state backend of its instance (bytes in managed
 * memory), one buffer per side: the elements of each timestamp as a
 * ListState namespaced by that timestamp (an append does not rewrite it, and
 * it may span any number of segments), and a MapState of the timestamps
 * present, to iterate over. Each arriving element is buffered, then joined with the
 * other side's buffer; then it gets a cleanup timer (event time) at the last
 * watermark that could still bring it a partner.
 *
 * Invariants, as Flink:
 * - Event time only: an element without a timestamp fails the job.
 * - An element with `ts < watermark` (the operator's, the minimum of both
 *   inputs) is late: sent to its side's late-data output if one is set,
 *   else dropped and counted in `numLateRecordsDropped`. It is never
 *   buffered nor joined.
 * - Exclusive bounds are made inclusive by moving them 1 ms inwards, so the
 *   hot path compares with `<` and `>` only.
 * - A left element is removed once the watermark reaches `ts + upper` (or
 *   `ts` when upper ≤ 0), a right one at `ts − lower` (or `ts` when
 *   lower ≥ 0). Since timers fire when the watermark is *at or past* their
 *   time, a partner with `ts` equal to that watermark (not late) finds it
 *   gone: Flink behaves the same.
 * @internal
 */
import { ConfigurationError } from '../errors.js';
import type { Collector } from '../datastream/functions.js';
import type { OutputTag } from '../datastream/OutputTag.js';
import type { InternalKvState, ListState, MapState } from '../state/State.js';
import { ListStateDescriptor, MapStateDescriptor } from '../state/StateDescriptor.js';
import type { KeyedOperatorState } from '../state/KeyedOperatorState.js';
import type { KeyedTimers } from '../state/KeyedOperatorState.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';
import { StreamOperator, type OperatorInfo } from './StreamOperator.js';
import { NO_TIMESTAMP } from './time.js';

type Fn = (...args: any[]) => any;

/** What {@link IntervalJoinOperator} needs from the API. @internal */
export interface IntervalJoinSpec {
  /** Bounds as given, and whether each is inclusive. */
  lowerBound: number;
  upperBound: number;
  lowerBoundInclusive: boolean;
  upperBoundInclusive: boolean;
  leftType: TypeInformation<any> | undefined;
  rightType: TypeInformation<any> | undefined;
  leftLateDataTag: OutputTag<any> | undefined;
  rightLateDataTag: OutputTag<any> | undefined;
  /** The user's ProcessJoinFunction (a function or an object with processElement). */
  fn: unknown;
  /** The key selector of the left input's channels (tells the inputs apart when the key is set). */
  leftKeySelector: (value: any) => unknown;
}

/** The `ctx` of a ProcessJoinFunction. */
export interface ProcessJoinContext {
  /** The left element's timestamp. */
  getLeftTimestamp(): number;
  /** The right element's timestamp. */
  getRightTimestamp(): number;
  /** The pair's timestamp: the larger of the two. */
  getTimestamp(): number;
  /** Emits `value` to the side output `tag`, with the pair's timestamp. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

const LEFT = 'CLEANUP_LEFT';
const RIGHT = 'CLEANUP_RIGHT';

/** The JS kind of a key, for the check that both inputs key by the same type. */
function keyKind(key: unknown): string {
  return key === null ? 'null' : Array.isArray(key) ? 'array' : typeof key;
}

export class IntervalJoinOperator<O> extends StreamOperator<unknown, O> {
  /** Bounds after the exclusive ones were moved inwards by 1 ms. */
  readonly lowerBound: number;
  readonly upperBound: number;
  private readonly spec: IntervalJoinSpec;
  private readonly fn: Fn;
  private left!: SideBuffer;
  private right!: SideBuffer;
  private timers!: KeyedTimers<string>;
  private leftTimestamp = NO_TIMESTAMP;
  private rightTimestamp = NO_TIMESTAMP;
  private resultTimestamp = NO_TIMESTAMP;
  private readonly keyKinds: [string | undefined, string | undefined] = [undefined, undefined];
  private readonly collector: Collector<O> = { collect: (record: O) => this.emit(record, this.resultTimestamp) };
  private readonly context: ProcessJoinContext;

  constructor(info: OperatorInfo, spec: IntervalJoinSpec) {
    super(info);
    this.numInputs = 2;
    this.spec = spec;
    if (!(spec.lowerBound <= spec.upperBound)) {
      throw new ConfigurationError(`${info.name}: between(${spec.lowerBound}, ${spec.upperBound}): lowerBound <= upperBound must be fulfilled`);
    }
    this.lowerBound = spec.lowerBoundInclusive ? spec.lowerBound : spec.lowerBound + 1;
    this.upperBound = spec.upperBoundInclusive ? spec.upperBound : spec.upperBound - 1;
    this.fn = this.bindProcessJoinFunction(spec.fn);
    const self = this;
    this.context = {
      getLeftTimestamp: () => self.leftTimestamp,
      getRightTimestamp: () => self.rightTimestamp,
      getTimestamp: () => self.resultTimestamp,
      output<X>(tag: OutputTag<X>, value: X): void {
        if (tag === null || typeof tag !== 'object') throw new ConfigurationError(`${info.name}: output(tag, value) needs an OutputTag, got ${tag === null ? 'null' : typeof tag}`);
        self.sideOutputs.get(tag.id)?.collect(value, self.resultTimestamp);
      },
    };
  }

  // processElement takes four arguments, one more than bindUserFunction passes on.
  private bindProcessJoinFunction(fn: unknown): Fn {
    if (typeof fn === 'function') return fn as Fn;
    if (fn !== null && typeof fn === 'object' && typeof (fn as { processElement?: unknown }).processElement === 'function') {
      const instance = Object.assign(Object.create(Object.getPrototypeOf(fn) as object) as object, fn) as { processElement: Fn };
      this.lifecycle(instance);
      const m = instance.processElement;
      return (l: unknown, r: unknown, c: unknown, o: unknown) => m.call(instance, l, r, c, o);
    }
    throw new ConfigurationError(`process on an interval join (${this.info.name}): expected a ProcessJoinFunction, a function (left, right, ctx, out) => … or an object with processElement(), got ${fn === null ? 'null' : typeof fn}`);
  }

  override async open(): Promise<void> {
    if (this.keyContext === null) throw new ConfigurationError(`${this.info.name}: an interval join needs keyed inputs (keyBy on both sides)`);
    await super.open();
    const state = this.keyedState!;
    this.left = new SideBuffer(state, 'LEFT_BUFFER', this.spec.leftType);
    this.right = new SideBuffer(state, 'RIGHT_BUFFER', this.spec.rightType);
    this.timers = state.timers<string>('CLEANUP_TIMER', Types.STRING, (namespace, time) => this.cleanUp(namespace, time));
  }

  processElement(value: unknown, timestamp: number): void {
    this.process(value, timestamp, true);
  }

  override processElement2(value: unknown, timestamp: number): void {
    this.process(value, timestamp, false);
  }

  private process(value: unknown, timestamp: number, isLeft: boolean): void {
    try {
      if (timestamp === NO_TIMESTAMP) {
        throw new ConfigurationError(
          `${this.info.name}: the ${isLeft ? 'left' : 'right'} element has no timestamp; elements of an interval join need event timestamps (assignTimestampsAndWatermarks before keyBy)`,
        );
      }
      if (timestamp < this.currentWatermark) {
        this.late(value, timestamp, isLeft);
        return;
      }
      // The other side's partners lie in [ts + lo, ts + hi] (for a right element, the interval mirrored).
      const lo = isLeft ? this.lowerBound : -this.upperBound;
      const hi = isLeft ? this.upperBound : -this.lowerBound;
      (isLeft ? this.left : this.right).add(timestamp, value);
      const others = isLeft ? this.right : this.left;
      for (const ts of others.timestamps()) {
        if (ts < timestamp + lo || ts > timestamp + hi) continue;
        for (const other of others.elements(ts)) {
          if (isLeft) this.collect(value, other, timestamp, ts);
          else this.collect(other, value, ts, timestamp);
        }
      }
      this.timers.registerEventTimeTimer(isLeft ? LEFT : RIGHT, hi > 0 ? timestamp + hi : timestamp);
    } catch (error) {
      throw this.failure(error, value);
    }
  }

  private collect(left: unknown, right: unknown, leftTimestamp: number, rightTimestamp: number): void {
    this.leftTimestamp = leftTimestamp;
    this.rightTimestamp = rightTimestamp;
    this.resultTimestamp = Math.max(leftTimestamp, rightTimestamp);
    this.fn(left, right, this.context, this.collector);
  }

  private late(value: unknown, timestamp: number, isLeft: boolean): void {
    const tag = isLeft ? this.spec.leftLateDataTag : this.spec.rightLateDataTag;
    if (tag !== undefined) this.sideOutputs.get(tag.id)?.collect(value, timestamp);
    else this.numLateRecordsDropped++;
  }

  /** As the base class, checking first that both inputs' keys are of one JS type. */
  override setKeyContextElement(record: unknown, selector: (value: unknown) => unknown): void {
    let key: unknown;
    try {
      key = selector(record);
      this.checkKey(selector === this.spec.leftKeySelector, key);
    } catch (error) {
      throw this.failure(error, record);
    }
    this.keyedState!.setKey(key);
  }

  // Keys of different JS types never meet (they hash apart, and the state backend has one key type): refuse them.
  private checkKey(isLeft: boolean, key: unknown): void {
    const kind = keyKind(key);
    const mine = isLeft ? 0 : 1;
    this.keyKinds[mine] ??= kind;
    const other = this.keyKinds[1 - mine];
    if (other !== undefined && other !== kind) {
      const [left, right] = isLeft ? [kind, other] : [other, kind];
      throw new ConfigurationError(`${this.info.name}: the keys of the two inputs differ in type: the left input's key is a ${left}, the right input's a ${right}; key both by the same type`);
    }
  }

  private cleanUp(namespace: string, time: number): void {
    try {
      if (namespace === LEFT) this.left.remove(this.upperBound <= 0 ? time : time - this.upperBound);
      else this.right.remove(this.lowerBound <= 0 ? time + this.lowerBound : time);
    } catch (error) {
      throw this.failure(error, undefined, false);
    }
  }

  protected override onWatermark(timestamp: number): void {
    this.keyedState?.advanceWatermark(timestamp);
    this.forwardWatermark(timestamp);
  }
}

/**
 * One side's buffer for the current key: the timestamps present (a MapState)
 * and the elements of each (a ListState namespaced by the timestamp).
 */
class SideBuffer {
  private readonly index: MapState<number, boolean>;
  private list: (ListState<unknown> & InternalKvState<number>) | null = null;
  private readonly listDescriptor: ListStateDescriptor<unknown>;

  constructor(
    private readonly state: KeyedOperatorState,
    name: string,
    type: TypeInformation<any> | undefined,
  ) {
    this.index = state.handle(new MapStateDescriptor<number, boolean>(`${name}_TIMESTAMPS`, Types.DOUBLE, Types.BOOLEAN)) as MapState<number, boolean>;
    this.listDescriptor = new ListStateDescriptor<unknown>(name, type ?? Types.GENERIC);
  }

  // Made on first use, when a key is set (namespaced state cannot be made before).
  private elementsOf(timestamp: number): ListState<unknown> & InternalKvState<number> {
    const list = (this.list ??= this.state.partitioned(this.listDescriptor, Types.DOUBLE) as unknown as ListState<unknown> & InternalKvState<number>);
    list.setCurrentNamespace(timestamp);
    return list;
  }

  add(timestamp: number, value: unknown): void {
    this.elementsOf(timestamp).add(value);
    if (!this.index.contains(timestamp)) this.index.put(timestamp, true);
  }

  /** The timestamps buffered (read at once: the caller may change the buffer while going through them). */
  timestamps(): number[] {
    return [...this.index.keys()];
  }

  elements(timestamp: number): unknown[] {
    return this.elementsOf(timestamp).get();
  }

  remove(timestamp: number): void {
    this.index.remove(timestamp);
    this.elementsOf(timestamp).clear();
  }
}
