/**
 * Window joins (Flink's `JoinedStreams`): the pairs of elements of two
 * streams that share a key and a window.
 * `a.join(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`; a
 * trigger, an evictor and an allowed lateness may follow `window`.
 *
 * An inner join: a window with elements of one input only emits nothing.
 * Built as a {@link CoGroupedStreams coGroup} whose function runs a nested
 * loop over the window's two groups (first input outside). Results have the
 * window's maxTimestamp (e.g. 9 for the window [5, 10)).
 *
 * `apply` takes a JoinFunction `(left, right) => result` (or `{ join(l, r) }`)
 * or a FlatJoinFunction `(left, right, out) => void` (or `{ join(l, r, out) }`),
 * told apart by the number of parameters the function declares — or, for
 * classes, by extending {@link RichJoinFunction} or {@link RichFlatJoinFunction}.
 *
 * @example
 * ```ts
 * orange
 *   .join(green)
 *   .where((o) => o.key)
 *   .equalTo((g) => g.key)
 *   .window(TumblingEventTimeWindows.of(2))
 *   .apply((o, g) => `${o.v},${g.v}`, Types.STRING);
 * ```
 */
import type { TypeInformation } from '../types/TypeInformation.js';
import type { GlobalWindow, TimeWindow } from '../windowing/TimeWindow.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import { AbstractRichFunction, type Collector, type KeySelector, type RichMethods } from './functions.js';
import type { DataStream, SingleOutputStreamOperator } from './DataStream.js';
import {
  checkFunction,
  CoGroupWindowFunction,
  keySelectorOf,
  TwoInputEqualTo,
  TwoInputStreams,
  TwoInputWhere,
  WindowSettingsBase,
  type GroupsFunction,
} from './CoGroupedStreams.js';


/** Flink's JoinFunction: one result per pair. */
export type JoinFunction<IN1, IN2, OUT> = ((first: IN1, second: IN2) => OUT) | ({ join(first: IN1, second: IN2): OUT } & RichMethods);

/** Flink's FlatJoinFunction: any number of results per pair, through `out`. */
export type FlatJoinFunction<IN1, IN2, OUT> =
  | ((first: IN1, second: IN2, out: Collector<OUT>) => void)
  | ({ join(first: IN1, second: IN2, out: Collector<OUT>): void } & RichMethods);

/**
 * A {@link JoinFunction} with a lifecycle and the runtime context.
 *
 * @example
 * ```ts
 * class Concat extends RichJoinFunction<number, number, string> {
 *   join(a: number, b: number) { return `${a},${b}`; }
 * }
 * ```
 */
export abstract class RichJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract join(first: IN1, second: IN2): OUT;
}

/**
 * A {@link FlatJoinFunction} with a lifecycle and the runtime context.
 *
 * @example
 * ```ts
 * class OnlyEqual extends RichFlatJoinFunction<number, number, number> {
 *   join(a: number, b: number, out: Collector<number>) { if (a === b) out.collect(a); }
 * }
 * ```
 */
export abstract class RichFlatJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract join(first: IN1, second: IN2, out: Collector<OUT>): void;
}

/** True if `fn` emits through a collector (a FlatJoinFunction). */
function isFlat(fn: unknown): boolean {
  if (fn instanceof RichFlatJoinFunction) return true;
  if (fn instanceof RichJoinFunction) return false;
  const f = typeof fn === 'function' ? fn : (fn as { join: (...args: unknown[]) => unknown }).join;
  return f.length >= 3;
}

const nestedLoop: GroupsFunction = (join, lefts, rights, out) => {
  for (const l of lefts) for (const r of rights) out.collect(join(l, r));
};

const flatNestedLoop: GroupsFunction = (join, lefts, rights, out) => {
  for (const l of lefts) for (const r of rights) join(l, r, out);
};

/** The first step of `a.join(b)`: give the first input's key with {@link where}. */
export class JoinedStreams<T1, T2> extends TwoInputStreams<T1, T2> {
  /** @internal */
  constructor(input1: DataStream<T1>, input2: DataStream<T2>) {
    super(input1, input2, 'join');
  }

  /** The key of the first input's elements (optionally its type, which the second input's key must share). */
  where<K>(keySelector: KeySelector<T1, K>, keyType?: TypeInformation<K>): JoinedWhere<T1, T2, K> {
    return new JoinedWhere<T1, T2, K>(this.input1, this.input2, keySelectorOf(keySelector, 'join', 'where'), keyType, 'join');
  }
}

/** `a.join(b).where(keyA)`: give the second input's key with {@link equalTo}. */
export class JoinedWhere<T1, T2, K> extends TwoInputWhere<T1, T2, K> {
  /** The key of the second input's elements; equal keys of both inputs meet. */
  equalTo(keySelector: KeySelector<T2, K>, keyType?: TypeInformation<K>): JoinedEqualTo<T1, T2, K> {
    const [key2, common] = this.secondKey(keySelector, keyType);
    return new JoinedEqualTo<T1, T2, K>(this.input1, this.input2, this.key1, key2, common, 'join');
  }
}

/** `a.join(b).where(keyA).equalTo(keyB)`: choose the windows with {@link window}. */
export class JoinedEqualTo<T1, T2, K> extends TwoInputEqualTo<T1, T2, K> {
  /** The windows both inputs are cut into (the assigner sees the tagged elements). */
  window<W extends TimeWindow | GlobalWindow>(assigner: WindowAssigner<any, W>): JoinedWithWindow<T1, T2, K, W> {
    return new JoinedWithWindow<T1, T2, K, W>(this.windowSpec(assigner));
  }
}

/** A windowed join: optionally a trigger, an evictor, an allowed lateness; then {@link apply}. */
export class JoinedWithWindow<T1, T2, K, W extends TimeWindow | GlobalWindow> extends WindowSettingsBase<W> {
  /**
   * Calls `fn` for every pair (first input's element, second input's
   * element) of a key in a fired window: a JoinFunction's result is emitted,
   * a FlatJoinFunction emits through `out`. `type` is the results' type.
   */
  apply<R>(fn: JoinFunction<T1, T2, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  apply<R>(fn: FlatJoinFunction<T1, T2, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  apply<R>(fn: JoinFunction<T1, T2, R> | FlatJoinFunction<T1, T2, R>, type?: TypeInformation<R>): SingleOutputStreamOperator<R> {
    checkFunction(fn, 'join', 'join', 'a function (left, right) => result, a function (left, right, out) => void');
    const loop = isFlat(fn) ? flatNestedLoop : nestedLoop;
    return this.spec.build(new CoGroupWindowFunction(fn, 'join', 'join: apply()', loop), type);
  }
}
