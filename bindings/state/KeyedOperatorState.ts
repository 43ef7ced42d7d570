/**
 * KeyedOperatorState: the keyed state of one operator instance — its
 * {@link KeyedStateBackend}, made when the key type is known (declared on
 * keyBy, or taken from the first key) and disposed with the operator — and
 * the views onto it that functions get: the runtime context's state getters,
 * and the per-window and per-key stores of window functions.
 * @internal
 */
import { ConfigurationError } from '../errors.js';
import type { OperatorInfo, TaskTimeService } from '../runtime/StreamOperator.js';
import { inferKeyType } from '../runtime/keys.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { KeyedStateStore } from '../windowing/functions.js';
import { KeyedStateBackend } from './KeyedStateBackend.js';
import type { InternalKvState, State } from './State.js';
import { ValueStateDescriptor, type StateDescriptor } from './StateDescriptor.js';
import { GlobalWindowNamespaceType, TimeWindowNamespaceType } from './StateNamespaces.js';

type Partitioned = State & InternalKvState<any>;

export class KeyedOperatorState {
  backend: KeyedStateBackend<any> | null = null;
  private readonly partitionedStates = new Map<string, { descriptor: StateDescriptor<any>; state: Partitioned }>();

  constructor(
    private readonly info: OperatorInfo,
    private readonly keyType: TypeInformation<any> | undefined,
    private readonly time: TaskTimeService,
  ) {}

  get ready(): boolean {
    return this.backend !== null;
  }

  /** Makes the backend for keys like `firstKey` (unless a key type was declared). */
  init(firstKey: unknown): KeyedStateBackend<any> {
    this.backend ??= new KeyedStateBackend<any>({
      keyType: this.keyType ?? inferKeyType(firstKey),
      budget: this.info.budget,
      operatorName: this.info.name,
      maxParallelism: this.info.maxParallelism,
      clock: () => this.time.now(),
    });
    return this.backend;
  }

  private get live(): KeyedStateBackend<any> {
    if (this.backend === null) throw new ConfigurationError(`${this.info.name}: No key set. Keyed state is available only while a record or a timer of a key is processed`);
    return this.backend;
  }

  /** A state namespaced by `namespaceType` (windows), one object per name. */
  partitioned(descriptor: StateDescriptor<any>, namespaceType: TypeInformation<any>): Partitioned {
    const known = this.partitionedStates.get(descriptor.name);
    if (known !== undefined) {
      if (known.descriptor.kind !== descriptor.kind) {
        throw new ConfigurationError(`${this.info.name}: the state "${descriptor.name}" is a ${known.descriptor.kind} state; it cannot also be a ${descriptor.kind} state`);
      }
      return known.state;
    }
    const state = this.live.getPartitionedState(descriptor as never, namespaceType) as unknown as Partitioned;
    this.partitionedStates.set(descriptor.name, { descriptor, state });
    return state;
  }

  /** A value in the default namespace, per key. */
  globalList(name: string, type: TypeInformation<any>): { value(): any; update(v: any): void; clear(): void } {
    return this.live.getState(new ValueStateDescriptor(name, type));
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
    return {
      getState: get,
      getListState: get,
      getMapState: get,
      getReducingState: get,
      getAggregatingState: get,
    };
  }

  /** A state of the current key in the default namespace, by the descriptor's kind. */
  keyed(descriptor: StateDescriptor<any>): any {
    const b = this.live;
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

  dispose(): void {
    this.backend?.dispose();
    this.backend = null;
    this.partitionedStates.clear();
  }
}
