/**
 * KeyedOperatorState: the keyed state and timers of one operator instance
 * whose input is keyed. It holds the operator's {@link KeyedStateBackend},
 * made when the key type is known — declared on keyBy, or taken from the
 * first key — and disposed with the operator, and follows the current key
 * (the key of the record or timer being processed).
 *
 * States handed to user functions (`getRuntimeContext().getState(…)` in
 * `open()`, before any key exists) are handles that find their state in the
 * backend on first use. Timers: event-time timers fire as the watermark
 * passes them; for processing-time timers the task's clock is asked to call
 * back at the earliest one.
 * @internal
 */
import { ConfigurationError, SerializationError } from '../errors.js';
import { describeValue } from '../types/TypeSerializer.js';
import type { OperatorInfo, TaskTimeService } from '../runtime/StreamOperator.js';
import { inferKeyType } from '../runtime/keys.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { KeyedStateStore } from '../windowing/functions.js';
import type { InternalTimerService } from './InternalTimerService.js';
import { KeyedStateBackend } from './KeyedStateBackend.js';
import type { InternalKvState, State } from './State.js';
import { ValueStateDescriptor, type StateDescriptor } from './StateDescriptor.js';
import { GlobalWindowNamespaceType, TimeWindowNamespaceType } from './StateNamespaces.js';

type Partitioned = State & InternalKvState<any>;

/** The methods of each state kind, for the handles that forward to them. */
const METHODS: Record<StateDescriptor<any>['kind'], string[]> = {
  value: ['value', 'update', 'clear'],
  list: ['get', 'add', 'addAll', 'update', 'clear'],
  map: ['get', 'put', 'putAll', 'remove', 'contains', 'entries', 'keys', 'values', 'isEmpty', 'clear'],
  reducing: ['get', 'add', 'clear'],
  aggregating: ['get', 'add', 'clear'],
};

export class KeyedOperatorState {
  backend: KeyedStateBackend<any> | null = null;
  /** The key of the record or timer being processed. */
  currentKey: unknown = undefined;
  /** Changes whenever the current key may have changed. */
  keyEpoch = 0;
  private hasKey = false;
  private readonly partitionedStates = new Map<string, { descriptor: StateDescriptor<any>; state: Partitioned }>();
  private readonly handles = new Map<string, { descriptor: StateDescriptor<any>; handle: object }>();
  private readonly timerServices: KeyedTimers<any>[] = [];

  constructor(
    private readonly info: OperatorInfo,
    private readonly keyType: TypeInformation<any> | undefined,
    private readonly time: TaskTimeService,
  ) {}

  get ready(): boolean {
    return this.backend !== null;
  }

  /** The next record's key. */
  setKey(key: unknown): void {
    if (key !== this.currentKey || typeof key === 'object') this.keyEpoch++;
    this.currentKey = key;
    this.hasKey = true;
    if (this.backend !== null) {
      try {
        this.backend.setCurrentKey(key);
      } catch (error) {
        throw this.keyMismatch(key, error);
      }
    }
  }

  private keyMismatch(key: unknown, error: unknown): unknown {
    if (!(error instanceof SerializationError)) return error;
    const type = this.backend!.keyType.toString();
    const origin = this.keyType === undefined ? ' (the type of the first key; declare one with keyBy(selector, Types.…))' : '';
    return new ConfigurationError(`${this.info.name}: the key ${describeValue(key)} is not of the key type ${type}${origin}`, { cause: error });
  }

  /** The backend, made for keys like the current one if it does not exist yet. */
  live(): KeyedStateBackend<any> {
    if (this.backend !== null) return this.backend;
    if (!this.hasKey) throw new ConfigurationError(`${this.info.name}: No key set. Keyed state is available only while a record or a timer of a key is processed`);
    this.backend = new KeyedStateBackend<any>({
      keyType: this.keyType ?? inferKeyType(this.currentKey),
      budget: this.info.budget,
      operatorName: this.info.name,
      maxParallelism: this.info.maxParallelism,
      clock: () => this.time.now(),
    });
    this.backend.setCurrentKey(this.currentKey);
    return this.backend;
  }

  /** A state namespaced by `namespaceType` (windows), one object per name. */
  partitioned(descriptor: StateDescriptor<any>, namespaceType: TypeInformation<any>): Partitioned {
    const known = this.partitionedStates.get(descriptor.name);
    if (known !== undefined) {
      this.checkKind(known.descriptor, descriptor);
      return known.state;
    }
    const state = this.live().getPartitionedState(descriptor as never, namespaceType) as unknown as Partitioned;
    this.partitionedStates.set(descriptor.name, { descriptor, state });
    return state;
  }

  private checkKind(known: StateDescriptor<any>, wanted: StateDescriptor<any>): void {
    if (known.kind !== wanted.kind) {
      throw new ConfigurationError(`${this.info.name}: the state "${wanted.name}" is a ${known.kind} state; it cannot also be a ${wanted.kind} state`);
    }
  }

  /** A state of the current key in the default namespace, by the descriptor's kind. */
  keyed(descriptor: StateDescriptor<any>): any {
    const b = this.live();
    switch (descriptor.kind) {
      case 'value':
        return b.getState(descriptor as never);
      case 'list':
        return b.getListState(descriptor as never);
      case 'map':
        return b.getMapState(descriptor as never);
      case 'reducing':
        return b.getReducingState(descriptor as never);
      case 'aggregating':
        return b.getAggregatingState(descriptor as never);
      default:
        throw new ConfigurationError(`${this.info.name}: not a state descriptor: ${String(descriptor)}`);
    }
  }

  /**
   * What `getRuntimeContext().getState(descriptor)` returns: a handle that
   * forwards to the backend's state (found on first use, when a key exists).
   */
  handle(descriptor: StateDescriptor<any>): any {
    if (descriptor === null || typeof descriptor !== 'object' || !(descriptor.kind in METHODS)) {
      throw new ConfigurationError(`${this.info.name}: expected a state descriptor (new ValueStateDescriptor(name, type), …), got ${String(descriptor)}`);
    }
    const known = this.handles.get(descriptor.name);
    if (known !== undefined) {
      this.checkKind(known.descriptor, descriptor);
      return known.handle;
    }
    let target: Record<string, (a?: unknown, b?: unknown) => unknown> | null = null;
    const handle: Record<string, unknown> = {};
    for (const m of METHODS[descriptor.kind]) {
      handle[m] = (a?: unknown, b?: unknown) => (target ??= this.keyed(descriptor))[m]!(a, b);
    }
    this.handles.set(descriptor.name, { descriptor, handle });
    return handle;
  }

  /** A value in the default namespace, per key. */
  value<T>(name: string, type: TypeInformation<T>): { value(): T | null; update(v: T): void; clear(): void } {
    return this.live().getState(new ValueStateDescriptor(name, type));
  }

  /** The namespace type of an assigner's windows. */
  windowNamespace(assigner: WindowAssigner<any, any>): TypeInformation<any> {
    return assigner.windowKind === 'global' ? GlobalWindowNamespaceType : TimeWindowNamespaceType;
  }

  /**
   * State getters for functions: per window when `window` is given (read at
   * each call, so a store handed out once follows the current window), else
   * per key.
   */
  store(window: (() => unknown) | undefined, namespaceType?: TypeInformation<any>): KeyedStateStore {
    const get = (descriptor: StateDescriptor<any>): any => {
      if (window === undefined) return this.keyed(descriptor);
      const state = this.partitioned(descriptor, namespaceType!);
      state.setCurrentNamespace(window());
      return state;
    };
    return { getState: get, getListState: get, getMapState: get, getReducingState: get, getAggregatingState: get };
  }

  /** Timers per key and namespace; `onTimer` runs with the timer's key as the current key. */
  timers<N>(name: string, namespaceType: TypeInformation<N>, onTimer: (namespace: N, time: number, eventTime: boolean) => void): KeyedTimers<N> {
    const t = new KeyedTimers<N>(this, name, namespaceType, this.time, onTimer);
    this.timerServices.push(t);
    return t;
  }

  /** @internal A timer of `key` fires: it is the current key (the backend has set it). */
  setTimerKey(key: unknown): void {
    this.currentKey = key;
    this.keyEpoch++;
  }

  /** Fires the event-time timers the watermark passed. */
  advanceWatermark(watermark: number): void {
    for (const t of this.timerServices) t.advanceWatermark(watermark);
  }

  dispose(): void {
    for (const t of this.timerServices) t.cancel();
    this.backend?.dispose();
    this.backend = null;
    this.partitionedStates.clear();
  }
}

const REMEMBERED = 16;

/** The timers of one service, with the task's clock woken for the earliest processing-time timer. @internal */
export class KeyedTimers<N> {
  private service: InternalTimerService<unknown, N> | null = null;
  private scheduled: { time: number; cancel(): void } | null = null;

  constructor(
    private readonly owner: KeyedOperatorState,
    private readonly name: string,
    private readonly namespaceType: TypeInformation<N>,
    private readonly time: TaskTimeService,
    private readonly onTimer: (namespace: N, time: number, eventTime: boolean) => void,
  ) {}

  private get live(): InternalTimerService<unknown, N> {
    return (this.service ??= this.owner.live().createTimerService<N>(this.name, this.namespaceType));
  }

  // The last event-time registrations: a window registers the same timers for element after element
  // (trigger and cleanup, for each of a sliding element's windows), and a timer known to be there needs no lookup.
  private readonly lastNamespace: Array<N | undefined> = new Array<N | undefined>(REMEMBERED).fill(undefined);
  private readonly lastTime = new Array<number>(REMEMBERED).fill(NaN);
  private readonly lastEpoch = new Array<number>(REMEMBERED).fill(-1);
  private lastSlot = 0;

  registerEventTimeTimer(namespace: N, time: number): void {
    const epoch = this.owner.keyEpoch;
    for (let i = 0; i < REMEMBERED; i++) {
      if (this.lastNamespace[i] === namespace && this.lastTime[i] === time && this.lastEpoch[i] === epoch) return;
    }
    this.live.registerEventTimeTimer(namespace, time);
    const slot = (this.lastSlot = (this.lastSlot + 1) % REMEMBERED);
    this.lastNamespace[slot] = namespace;
    this.lastTime[slot] = time;
    this.lastEpoch[slot] = epoch;
  }

  deleteEventTimeTimer(namespace: N, time: number): void {
    this.forgetRegistrations();
    this.live.deleteEventTimeTimer(namespace, time);
  }

  private forgetRegistrations(): void {
    this.lastEpoch.fill(-1);
  }

  registerProcessingTimeTimer(namespace: N, time: number): void {
    this.live.registerProcessingTimeTimer(namespace, time);
    this.schedule();
  }

  deleteProcessingTimeTimer(namespace: N, time: number): void {
    this.live.deleteProcessingTimeTimer(namespace, time);
  }

  advanceWatermark(watermark: number): void {
    if (this.service === null) return;
    this.forgetRegistrations();
    this.service.advanceWatermark(watermark, (key, namespace, time) => {
      this.owner.setTimerKey(key);
      this.onTimer(namespace, time, true);
    });
  }

  private schedule(): void {
    const next = this.live.nextProcessingTimer();
    if (next === Infinity || (this.scheduled !== null && this.scheduled.time <= next)) return;
    this.scheduled?.cancel();
    const timer = this.time.schedule(next, (now) => {
      this.scheduled = null;
      this.live.advanceProcessingTime(Math.max(now, this.time.now()), (key, namespace, time) => {
        this.owner.setTimerKey(key);
        this.onTimer(namespace, time, false);
      });
      this.schedule();
    });
    this.scheduled = { time: next, cancel: () => timer.cancel() };
  }

  cancel(): void {
    this.scheduled?.cancel();
    this.scheduled = null;
  }
}
