/**
 * State descriptors: the name and type of a state, as Flink's. A descriptor
 * is handed to `getRuntimeContext().getState(…)` (and the other getters) in
 * `open()`; the same name in the same operator is the same state.
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';
import type { ReduceFunction } from '../datastream/functions.js';
import type { AggregateFunction } from './State.js';
import type { StateTtlConfig } from './StateTtlConfig.js';

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

export abstract class StateDescriptor<T> {
  abstract readonly kind: StateKind;
  readonly name: string;
  /** The type of the stored values (elements for lists, the accumulator for aggregating state). */
  readonly type: TypeInformation<T>;
  ttlConfig: StateTtlConfig | undefined;

  constructor(name: string, type: TypeInformation<T> | undefined, what: string) {
    if (typeof name !== 'string' || name === '') throw new ConfigurationError(`${what}: a state needs a non-empty name, got ${JSON.stringify(name)}`);
    if (type !== undefined && (type === null || typeof (type as { createSerializer?: unknown }).createSerializer !== 'function')) {
      throw new ConfigurationError(`${what} "${name}": the type must be a TypeInformation (Types.…), got ${String(type)}`);
    }
    this.name = name;
    this.type = type ?? (Types.GENERIC as TypeInformation<any>);
  }

  /** Values expire `ttl` after they were written (see {@link StateTtlConfig}). */
  enableTimeToLive(ttlConfig: StateTtlConfig): void {
    this.ttlConfig = ttlConfig;
  }
}

export class ValueStateDescriptor<T> extends StateDescriptor<T> {
  readonly kind = 'value' as const;
  readonly defaultValue: T | null;
  constructor(name: string, type?: TypeInformation<T>, defaultValue: T | null = null) {
    super(name, type, 'ValueStateDescriptor');
    this.defaultValue = defaultValue;
  }
}

export class ListStateDescriptor<T> extends StateDescriptor<T> {
  readonly kind = 'list' as const;
  constructor(name: string, elementType?: TypeInformation<T>) {
    super(name, elementType, 'ListStateDescriptor');
  }
}

export class MapStateDescriptor<UK, UV> extends StateDescriptor<UV> {
  readonly kind = 'map' as const;
  readonly keyType: TypeInformation<UK>;
  constructor(name: string, keyType?: TypeInformation<UK>, valueType?: TypeInformation<UV>) {
    super(name, valueType, 'MapStateDescriptor');
    this.keyType = keyType ?? (Types.GENERIC as TypeInformation<any>);
  }
}

export class ReducingStateDescriptor<T> extends StateDescriptor<T> {
  readonly kind = 'reducing' as const;
  readonly reduceFunction: ReduceFunction<T>;
  constructor(name: string, reduceFunction: ReduceFunction<T>, type?: TypeInformation<T>) {
    super(name, type, 'ReducingStateDescriptor');
    if (typeof reduceFunction !== 'function' && typeof (reduceFunction as { reduce?: unknown })?.reduce !== 'function') {
      throw new ConfigurationError(`ReducingStateDescriptor "${name}": expected a reduce function or an object with reduce(), got ${String(reduceFunction)}`);
    }
    this.reduceFunction = reduceFunction;
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<ACC> {
  readonly kind = 'aggregating' as const;
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;
  constructor(name: string, aggregateFunction: AggregateFunction<IN, ACC, OUT>, accumulatorType?: TypeInformation<ACC>) {
    super(name, accumulatorType, 'AggregatingStateDescriptor');
    const f = aggregateFunction as unknown as Record<string, unknown>;
    for (const m of ['createAccumulator', 'add', 'getResult', 'merge']) {
      if (typeof f?.[m] !== 'function') throw new ConfigurationError(`AggregatingStateDescriptor "${name}": the AggregateFunction has no ${m}() method`);
    }
    this.aggregateFunction = aggregateFunction;
  }
}
