/**
 * Stream partitioners: how a record writer picks the channel of each record,
 * as Flink's (forward, rebalance, rescale, shuffle, broadcast, global, hash by
 * key group, custom). A partitioner instance belongs to one writer (it may
 * keep a round-robin position). Forward and rescale connect pointwise (each
 * producer to a subset of consumers); the others connect all to all.
 */
import { ConfigurationError, renderRecord } from '../errors.js';
import type { MemoryBudget } from '../core/MemoryBudget.js';
import { computeKeyGroupForKeyHash, computeOperatorIndexForKeyGroup, KeyHasher } from '../types/KeyGroupRangeAssignment.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import { inferKeyType } from './keys.js';

export type PartitionerKind = 'FORWARD' | 'REBALANCE' | 'RESCALE' | 'SHUFFLE' | 'BROADCAST' | 'GLOBAL' | 'HASH' | 'CUSTOM';

/** What a stream edge says about partitioning; writers build their own instance from it. */
export interface PartitionerSpec {
  readonly kind: PartitionerKind;
  readonly keySelector?: (value: any) => unknown;
  readonly keyType?: TypeInformation<any> | undefined;
  readonly custom?: (key: any, numPartitions: number) => number;
}

export interface ChannelSelector {
  readonly isBroadcast: boolean;
  /** Ask for every record even when there is one channel (a user's partitioner, whose answer is checked). */
  readonly alwaysSelect?: boolean;
  /** The channel (0..numChannels-1) of `record`. */
  select(record: unknown): number;
}

export function isPointwise(kind: PartitionerKind): boolean {
  return kind === 'FORWARD' || kind === 'RESCALE';
}

/** The consumer subtasks producer `i` of `up` connects to, for `down` consumers. */
export function connectedConsumers(kind: PartitionerKind, i: number, up: number, down: number): number[] {
  if (!isPointwise(kind)) return Array.from({ length: down }, (_, j) => j);
  if (kind === 'FORWARD') return [i];
  if (up >= down) {
    for (let j = 0; j < down; j++) if (i < Math.floor(((j + 1) * up) / down)) return [j];
    return [down - 1];
  }
  const out: number[] = [];
  for (let j = Math.floor((i * down) / up); j < Math.floor(((i + 1) * down) / up); j++) out.push(j);
  return out;
}

export interface SelectorContext {
  numChannels: number;
  subtask: number;
  budget: MemoryBudget;
  maxParallelism: number;
  /** Seeds the random choices of shuffle (deterministic per job and subtask). */
  seed: number;
}

export function createSelector(spec: PartitionerSpec, ctx: SelectorContext): ChannelSelector {
  const n = ctx.numChannels;
  switch (spec.kind) {
    case 'FORWARD':
    case 'GLOBAL':
      return { isBroadcast: false, select: () => 0 };
    case 'BROADCAST':
      return { isBroadcast: true, select: () => 0 };
    case 'REBALANCE':
    case 'RESCALE': {
      let next = ctx.subtask % n;
      return {
        isBroadcast: false,
        select: () => {
          const c = next;
          next = next + 1 === n ? 0 : next + 1;
          return c;
        },
      };
    }
    case 'SHUFFLE': {
      let s = (ctx.seed ^ Math.imul(ctx.subtask + 1, 0x9e3779b9)) >>> 0 || 1;
      return {
        isBroadcast: false,
        select: () => {
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          return (s >>> 0) % n;
        },
      };
    }
    case 'HASH':
      return hashSelector(spec, ctx);
    case 'CUSTOM': {
      const selector = spec.keySelector!;
      const custom = spec.custom!;
      return {
        isBroadcast: false,
        alwaysSelect: true,
        select: (record) => {
          const c = custom(selector(record), n);
          if (!Number.isInteger(c) || c < 0 || c >= n) {
            throw new ConfigurationError(`partitionCustom: the partitioner returned ${String(c)}; it must be an integer from 0 to ${n - 1}`);
          }
          return c;
        },
      };
    }
  }
}

function hashSelector(spec: PartitionerSpec, ctx: SelectorContext): ChannelSelector {
  const selector = spec.keySelector!;
  const { maxParallelism, numChannels } = ctx;
  let hasher: KeyHasher<unknown> | null = spec.keyType === undefined ? null : new KeyHasher(spec.keyType, ctx.budget);
  return {
    isBroadcast: false,
    select: (record) => {
      let key = selector(record);
      // -0 and 0 are one key in JS (and in the keyed operators' per-key state) but not one bit pattern:
      // hash them alike, or `x % n` of a negative x (-0) would send key 0 to two instances.
      if (key === 0) key = 0;
      hasher ??= new KeyHasher(inferKeyType(key), ctx.budget);
      let hash: number;
      try {
        hash = hasher.hash(key);
      } catch (error) {
        throw new ConfigurationError(`keyBy: the key ${renderRecord(key)} cannot be hashed as ${hasher.keyType.toString()} (${(error as Error).message}); the key selector must return keys of one type`, { cause: error });
      }
      const group = computeKeyGroupForKeyHash(hash, maxParallelism);
      return computeOperatorIndexForKeyGroup(maxParallelism, numChannels, group);
    },
  };
}
