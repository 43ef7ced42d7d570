/**
 * Window coGroup (Flink's `CoGroupedStreams`): the elements of two streams
 * that share a key and a window, handed to a function as two groups.
 * `a.coGroup(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`; a
 * trigger, an evictor and an allowed lateness may follow `window`.
 *
 * Built as Flink builds it, from the one-input window operator: each element
 * is wrapped in a {@link TaggedUnion} (`{ one }` from the first stream,
 * `{ two }` from the second), the two wrapped streams are unioned, keyed by
 * the key of each element's own side, and windowed; the window function splits
 * a fired window's contents back into the two sides. So everything the window
 * operator does applies: contents in keyed state, lateness, results stamped
 * with `window.maxTimestamp()`. Window joins ({@link JoinedStreams}) are a
 * coGroup with a nested loop.
 *
 * @example
 * ```ts
 * clicks
 *   .coGroup(impressions)
 *   .where((c) => c.ad)
 *   .equalTo((i) => i.ad)
 *   .window(TumblingEventTimeWindows.of(Time.minutes(1)))
 *   .apply((cs: Iterable<Click>, is: Iterable<Impression>, out: Collector<string>) =>
 *     out.collect(`${[...cs].length} clicks / ${[...is].length} impressions`), Types.STRING);
 * ```
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';
import type { Evictor } from '../windowing/Evictor.js';
import type { GlobalWindow, TimeWindow } from '../windowing/TimeWindow.js';
import type { Trigger } from '../windowing/Trigger.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import { AbstractRichFunction, bindUserFunction, type Collector, type KeySelector, type RichMethods, type RuntimeContext } from './functions.js';
import type { DataStream, SingleOutputStreamOperator } from './DataStream.js';

type Window = TimeWindow | GlobalWindow;
type Fn = (...args: any[]) => any;

/** An element of either input of a coGroup or join: `{ one }` from the first, `{ two }` from the second. */
export type TaggedUnion<T1, T2> = { one: T1; two?: undefined } | { one?: undefined; two: T2 };

/**
 * The type of the tagged union: an object with both fields nullable (the
 * absent one is undefined), each of its input's type, or GENERIC when that
 * input's type is not known before the job runs (a type inferred from the
 * first record would fit one side only). Declare the inputs' types to avoid
 * GENERIC's slower encoding.
 * @internal
 */
export function taggedUnionType<T1, T2>(one: TypeInformation<T1> | undefined, two: TypeInformation<T2> | undefined): TypeInformation<TaggedUnion<T1, T2>> {
  const side = (t: TypeInformation<any> | undefined) => (t === undefined ? Types.NULLABLE(Types.GENERIC) : t.kind === 'NULLABLE' ? t : Types.NULLABLE(t));
  return Types.OBJECT({ one: side(one), two: side(two) } as never) as TypeInformation<TaggedUnion<T1, T2>>;
}

/** Flink's CoGroupFunction: per key and window, the elements of both inputs (either group may be empty). */
export type CoGroupFunction<IN1, IN2, OUT> =
  | ((first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>) => void)
  | ({ coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void } & RichMethods);

/**
 * A {@link CoGroupFunction} with a lifecycle and the runtime context.
 *
 * @example
 * ```ts
 * class Counts extends RichCoGroupFunction<Click, Impression, string> {
 *   coGroup(cs: Iterable<Click>, is: Iterable<Impression>, out: Collector<string>) { out.collect(`${[...cs].length}/${[...is].length}`); }
 * }
 * ```
 */
export abstract class RichCoGroupFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void;
}

/** What a two-input window function does with the two groups of a fired window. @internal */
export type GroupsFunction = (call: Fn, lefts: unknown[], rights: unknown[], out: Collector<unknown>) => void;

/**
 * The window function of a coGroup or join: splits a window's tagged elements
 * into the two sides and hands them to the user's function. The window
 * operator copies it per parallel instance; each copy copies the user's
 * function object in `open` and passes the lifecycle on.
 * @internal
 */
export class CoGroupWindowFunction extends AbstractRichFunction {
  private call: Fn | undefined;
  private instance: object | undefined;

  constructor(
    private readonly user: unknown,
    private readonly method: string,
    private readonly what: string,
    private readonly groups: GroupsFunction,
  ) {
    super();
  }

  override async open(context?: RuntimeContext): Promise<void> {
    const bound = bindUserFunction<Fn>(this.user, this.method, this.what);
    this.instance = bound.instance;
    // bindUserFunction passes three arguments: enough for coGroup(first, second, out) and join(l, r, out).
    this.call = bound.call;
    const instance = bound.instance as (RichMethods & object) | undefined;
    if (instance instanceof AbstractRichFunction) instance.setRuntimeContext(this.getRuntimeContext());
    if (typeof instance?.open === 'function') await instance.open(context ?? this.getRuntimeContext());
  }

  override async close(): Promise<void> {
    const instance = this.instance as RichMethods | undefined;
    if (typeof instance?.close === 'function') await instance.close();
  }

  apply(_key: unknown, _window: Window, input: Iterable<TaggedUnion<unknown, unknown>>, out: Collector<unknown>): void {
    const lefts: unknown[] = [];
    const rights: unknown[] = [];
    for (const u of input) {
      if (u.one !== undefined) lefts.push(u.one);
      else rights.push(u.two);
    }
    this.groups(this.call!, lefts, rights, out);
  }
}

/** The JS kind of a key, for the check that both inputs key by the same type. */
function keyKind(key: unknown): string {
  return key === null ? 'null' : Array.isArray(key) ? 'array' : typeof key;
}

function describeFn(fn: unknown): string {
  return fn === null ? 'null' : typeof fn;
}

/** The settings shared by coGroup and join, from `where` to `window`. @internal */
export class TwoInputWindowSpec<T1, T2, K, W extends TimeWindow | GlobalWindow> {
  trigger: Trigger<any, W> | undefined;
  evictor: Evictor<any, W> | undefined;
  allowedLateness: number | undefined;

  constructor(
    readonly what: 'join' | 'coGroup',
    readonly input1: DataStream<T1>,
    readonly input2: DataStream<T2>,
    readonly key1: (v: T1) => K,
    readonly key2: (v: T2) => K,
    readonly keyType: TypeInformation<K> | undefined,
    readonly assigner: WindowAssigner<any, W>,
  ) {}

  /**
   * Tags both inputs, unions and keys them, and windows them with
   * `windowFunction` (a {@link CoGroupWindowFunction}).
   */
  build<R>(windowFunction: CoGroupWindowFunction, type: TypeInformation<R> | undefined): SingleOutputStreamOperator<R> {
    const { what, key1, key2 } = this;
    const unionType = taggedUnionType<T1, T2>(this.input1.getType(), this.input2.getType());
    const one = this.input1.map((v: T1) => ({ one: v }) as TaggedUnion<T1, T2>, unionType);
    const two = this.input2.map((v: T2) => ({ two: v }) as TaggedUnion<T1, T2>, unionType);
    // Keys of different JS types never meet (they hash apart): refuse them instead of joining nothing.
    const kinds: [string | undefined, string | undefined] = [undefined, undefined];
    const check = (side: 0 | 1, key: K): K => {
      const kind = keyKind(key);
      kinds[side] ??= kind;
      const other = kinds[1 - side];
      if (other !== undefined && other !== kind) {
        const [a, b] = side === 0 ? [kind, other] : [other, kind];
        throw new ConfigurationError(`${what}: the keys of the two inputs differ in type: where() gives a ${a}, equalTo() a ${b}; key both inputs by the same type`);
      }
      return key;
    };
    const keyed = one.union(two).keyBy((u: TaggedUnion<T1, T2>) => (u.one !== undefined ? check(0, key1(u.one)) : check(1, key2(u.two as T2))), this.keyType);
    let windowed = keyed.window(this.assigner as WindowAssigner<TaggedUnion<T1, T2>, W>);
    if (this.trigger !== undefined) windowed = windowed.trigger(this.trigger);
    if (this.evictor !== undefined) windowed = windowed.evictor(this.evictor);
    if (this.allowedLateness !== undefined) windowed = windowed.allowedLateness(this.allowedLateness);
    return windowed.apply(windowFunction as never, type) as SingleOutputStreamOperator<R>;
  }
}

/** @internal Checks the other input of `a.join(b)` / `a.coGroup(b)`. */
export function checkOtherInput(first: DataStream<any>, other: unknown, what: string): void {
  const o = other as DataStream<any> | null;
  if (o === null || typeof o !== 'object' || typeof o.getExecutionEnvironment !== 'function' || !Array.isArray((o as { inputs?: unknown }).inputs)) {
    throw new ConfigurationError(`${what}: expected a DataStream to ${what} with, got ${describeFn(other)}`);
  }
  if (o.getExecutionEnvironment() !== first.getExecutionEnvironment()) throw new ConfigurationError(`${what}: both streams must come from the same StreamExecutionEnvironment`);
}

/** @internal A key selector given to where/equalTo, as a function. */
export function keySelectorOf<T, K>(selector: KeySelector<T, K>, what: string, method: string): (v: T) => K {
  const ok = typeof selector === 'function' || (selector !== null && typeof selector === 'object' && typeof (selector as { getKey?: unknown }).getKey === 'function');
  if (!ok) throw new ConfigurationError(`${what}: ${method}() expects a key selector (a function or an object with getKey()), got ${describeFn(selector)}`);
  return bindUserFunction<(v: T) => K>(selector, 'getKey', `${what}: ${method}()`).call;
}

/** @internal The key type both sides use: the one declared (refusing two different ones). */
export function commonKeyType<K>(first: TypeInformation<K> | undefined, second: TypeInformation<K> | undefined, what: string): TypeInformation<K> | undefined {
  for (const [t, m] of [[first, 'where'], [second, 'equalTo']] as const) {
    if (t !== undefined && (t === null || typeof (t as { createSerializer?: unknown }).createSerializer !== 'function')) {
      throw new ConfigurationError(`${what}: ${m}(): the key type must be a TypeInformation (Types.…), got ${String(t)}`);
    }
  }
  if (first !== undefined && second !== undefined && first !== second && !first.equals(second)) {
    throw new ConfigurationError(`${what}: equalTo(): the key type ${second.toString()} differs from the key type ${first.toString()} given to where(); both inputs must have the same key type`);
  }
  return first ?? second;
}

/** @internal */
export function checkAssigner(assigner: unknown, what: string): void {
  if (assigner === null || typeof assigner !== 'object' || typeof (assigner as { assignWindows?: unknown }).assignWindows !== 'function') {
    throw new ConfigurationError(`${what}: window() expects a WindowAssigner (TumblingEventTimeWindows.of(…), EventTimeSessionWindows.withGap(…), …), got ${describeFn(assigner)}`);
  }
}

/** @internal */
export function checkFunction(fn: unknown, method: string, what: string, shape: string): void {
  const ok = typeof fn === 'function' || (fn !== null && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[method] === 'function');
  if (!ok) throw new ConfigurationError(`${what}: apply() expects ${shape} or an object with ${method}(), got ${describeFn(fn)}`);
}

/** The steps after `window`, shared by coGroup and join. @internal */
export abstract class WindowSettingsBase<W extends TimeWindow | GlobalWindow> {
  /** @internal */
  protected readonly spec: TwoInputWindowSpec<any, any, any, W>;

  /** @internal */
  constructor(spec: TwoInputWindowSpec<any, any, any, W>) {
    this.spec = spec;
  }

  /** Replaces the assigner's default trigger (it sees the tagged elements). */
  trigger(trigger: Trigger<any, W>): this {
    if (trigger === null || typeof (trigger as { onElement?: unknown })?.onElement !== 'function') {
      throw new ConfigurationError(`${this.spec.what}: trigger() expects a Trigger (EventTimeTrigger.create(), CountTrigger.of(n), …), got ${describeFn(trigger)}`);
    }
    this.spec.trigger = trigger;
    return this;
  }

  /** Removes elements (tagged, of either side) from a window before and/or after the function runs. */
  evictor(evictor: Evictor<any, W>): this {
    if (evictor === null || typeof (evictor as { evictBefore?: unknown })?.evictBefore !== 'function') {
      throw new ConfigurationError(`${this.spec.what}: evictor() expects an Evictor (CountEvictor.of(n), TimeEvictor.of(ms), …), got ${describeFn(evictor)}`);
    }
    this.spec.evictor = evictor;
    return this;
  }

  /** Keeps windows `ms` past their end; a late element within it fires the window again with all its elements. */
  allowedLateness(ms: number): this {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new ConfigurationError(`${this.spec.what}: allowedLateness() expects a whole number of ms ≥ 0, got ${String(ms)}`);
    this.spec.allowedLateness = ms;
    return this;
  }
}

type TwoInputOperation = 'join' | 'coGroup';

/**
 * The steps `a.join(b)` and `a.coGroup(b)` share: the inputs, and the refusal
 * of a step called too early. Each operation adds the step that goes on.
 * @internal
 */
export abstract class TwoInputStreams<T1, T2> {
  /** @internal */
  constructor(
    protected readonly input1: DataStream<T1>,
    protected readonly input2: DataStream<T2>,
    protected readonly what: TwoInputOperation,
  ) {
    checkOtherInput(input1, input2, what);
  }

  /** Refused: call where() first. */
  equalTo(_keySelector?: unknown): never {
    throw new ConfigurationError(`${this.what}: equalTo() needs where() first: a.${this.what}(b).where(keyA).equalTo(keyB)`);
  }

  /** Refused: call where() and equalTo() first. */
  window(_assigner?: unknown): never {
    throw new ConfigurationError(`${this.what}: window() needs the keys first: a.${this.what}(b).where(keyA).equalTo(keyB).window(assigner)`);
  }

  /** Refused: call where(), equalTo() and window() first. */
  apply(_fn?: unknown): never {
    throw new ConfigurationError(`${this.what}: apply() needs keys and a window first: a.${this.what}(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`);
  }
}

/** `a.join(b).where(keyA)` and `a.coGroup(b).where(keyA)`: what they share. @internal */
export abstract class TwoInputWhere<T1, T2, K> {
  /** @internal */
  constructor(
    protected readonly input1: DataStream<T1>,
    protected readonly input2: DataStream<T2>,
    protected readonly key1: (v: T1) => K,
    protected readonly keyType: TypeInformation<K> | undefined,
    protected readonly what: TwoInputOperation,
  ) {}

  /** The second input's key selector and the key type both keys share. */
  protected secondKey(keySelector: KeySelector<T2, K>, keyType: TypeInformation<K> | undefined): [(v: T2) => K, TypeInformation<K> | undefined] {
    return [keySelectorOf(keySelector, this.what, 'equalTo'), commonKeyType(this.keyType, keyType, this.what)];
  }

  /** Refused: call equalTo() first. */
  window(_assigner?: unknown): never {
    throw new ConfigurationError(`${this.what}: window() needs equalTo() first: a.${this.what}(b).where(keyA).equalTo(keyB).window(assigner)`);
  }

  /** Refused: call equalTo() and window() first. */
  apply(_fn?: unknown): never {
    throw new ConfigurationError(`${this.what}: apply() needs equalTo() and window() first: a.${this.what}(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`);
  }
}

/** `….where(keyA).equalTo(keyB)` of a join or coGroup: what they share. @internal */
export abstract class TwoInputEqualTo<T1, T2, K> {
  /** @internal */
  constructor(
    protected readonly input1: DataStream<T1>,
    protected readonly input2: DataStream<T2>,
    protected readonly key1: (v: T1) => K,
    protected readonly key2: (v: T2) => K,
    protected readonly keyType: TypeInformation<K> | undefined,
    protected readonly what: TwoInputOperation,
  ) {}

  /** The windowing of both inputs by `assigner`. */
  protected windowSpec<W extends TimeWindow | GlobalWindow>(assigner: WindowAssigner<any, W>): TwoInputWindowSpec<T1, T2, K, W> {
    checkAssigner(assigner, this.what);
    return new TwoInputWindowSpec(this.what, this.input1, this.input2, this.key1, this.key2, this.keyType, assigner);
  }

  /** Refused: call window() first. */
  apply(_fn?: unknown): never {
    throw new ConfigurationError(`${this.what}: apply() needs a window first: a.${this.what}(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`);
  }
}

/** The first step of `a.coGroup(b)`: give the first input's key with {@link where}. */
export class CoGroupedStreams<T1, T2> extends TwoInputStreams<T1, T2> {
  /** @internal */
  constructor(input1: DataStream<T1>, input2: DataStream<T2>) {
    super(input1, input2, 'coGroup');
  }

  /** The key of the first input's elements (optionally its type, which the second input's key must share). */
  where<K>(keySelector: KeySelector<T1, K>, keyType?: TypeInformation<K>): CoGroupedWhere<T1, T2, K> {
    return new CoGroupedWhere<T1, T2, K>(this.input1, this.input2, keySelectorOf(keySelector, 'coGroup', 'where'), keyType, 'coGroup');
  }
}

/** `a.coGroup(b).where(keyA)`: give the second input's key with {@link equalTo}. */
export class CoGroupedWhere<T1, T2, K> extends TwoInputWhere<T1, T2, K> {
  /** The key of the second input's elements; equal keys of both inputs meet. */
  equalTo(keySelector: KeySelector<T2, K>, keyType?: TypeInformation<K>): CoGroupedEqualTo<T1, T2, K> {
    const [key2, common] = this.secondKey(keySelector, keyType);
    return new CoGroupedEqualTo<T1, T2, K>(this.input1, this.input2, this.key1, key2, common, 'coGroup');
  }
}

/** `a.coGroup(b).where(keyA).equalTo(keyB)`: choose the windows with {@link window}. */
export class CoGroupedEqualTo<T1, T2, K> extends TwoInputEqualTo<T1, T2, K> {
  /** The windows both inputs are cut into (the assigner sees the tagged elements). */
  window<W extends TimeWindow | GlobalWindow>(assigner: WindowAssigner<any, W>): CoGroupedWithWindow<T1, T2, K, W> {
    return new CoGroupedWithWindow<T1, T2, K, W>(this.windowSpec(assigner));
  }
}

/** A windowed coGroup: optionally a trigger, an evictor, an allowed lateness; then {@link apply}. */
export class CoGroupedWithWindow<T1, T2, K, W extends TimeWindow | GlobalWindow> extends WindowSettingsBase<W> {
  /**
   * Calls `fn(first, second, out)` once per key and fired window with the
   * elements of each input in it (one group may be empty); `type` is the
   * type of what it emits. Results have the window's maxTimestamp.
   */
  apply<R>(fn: CoGroupFunction<T1, T2, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    checkFunction(fn, 'coGroup', 'coGroup', 'a function (first, second, out) => …');
    const call: GroupsFunction = (f, lefts, rights, out) => f(lefts, rights, out);
    return this.spec.build(new CoGroupWindowFunction(fn, 'coGroup', 'coGroup: apply()', call), type);
  }
}
