/**
 * Keyed state, as Flink's `org.apache.flink.api.common.state`: each state is
 * scoped to the key of the record being processed (and, inside windows, to
 * the window). Values are kept by the state backend as serialized bytes, so a
 * value read back is a new object: change it and `update` it to keep the
 * change.
 */

/** Every state can be cleared for the current key. */
export interface State {
  /** Removes the value(s) of the current key. */
  clear(): void;
}

/** One value per key. */
export interface ValueState<T> extends State {
  /** The current key's value, or the descriptor's default (null when it has none). */
  value(): T | null;
  /** Sets the current key's value. */
  update(value: T): void;
}

/** A list of values per key. */
export interface ListState<T> extends State {
  /** The current key's values in the order they were added (empty when none). */
  get(): T[];
  /** Appends a value. */
  add(value: T): void;
  /** Appends values. */
  addAll(values: Iterable<T>): void;
  /** Replaces the list (an empty iterable clears it). */
  update(values: Iterable<T>): void;
}

/** A map per key. */
export interface MapState<UK, UV> extends State {
  /** The value under `key`, or null. */
  get(key: UK): UV | null;
  put(key: UK, value: UV): void;
  putAll(entries: Iterable<readonly [UK, UV]> | Map<UK, UV>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  isEmpty(): boolean;
}

/** One value per key, combined with each added value by a reduce function. */
export interface ReducingState<T> extends State {
  /** The reduced value, or null when nothing was added. */
  get(): T | null;
  add(value: T): void;
}

/** An accumulator per key, fed by an {@link AggregateFunction}; reads give its result. */
export interface AggregatingState<IN, OUT> extends State {
  /** The aggregate's result, or null when nothing was added. */
  get(): OUT | null;
  add(value: IN): void;
}

/**
 * Flink's AggregateFunction: incremental aggregation with an accumulator.
 * `add` and `merge` may return a new accumulator or the (changed) one given.
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

/**
 * State partitioned by namespace as well as key (window contents per window).
 * @internal used by the window operator and triggers.
 */
export interface InternalKvState<N> extends State {
  /** Scopes later calls to `namespace` (for the current key). */
  setCurrentNamespace(namespace: N): void;
  /**
   * Merges the values under `sources` into `target` and clears the sources
   * (for the current key): lists are concatenated, reducing and aggregating
   * states combined with their function. Session windows need it.
   */
  mergeNamespaces?(target: N, sources: N[]): void;
}
