/**
 * Time-to-live of state values, as Flink's StateTtlConfig: a value expires
 * `ttl` milliseconds of processing time after it was last written (and, with
 * `OnReadAndWrite`, read); an expired value is never returned.
 */
import { ConfigurationError } from '../errors.js';

export enum UpdateType {
  /** The TTL starts again when the value is created or written. */
  OnCreateAndWrite = 'OnCreateAndWrite',
  /** … and when it is read. */
  OnReadAndWrite = 'OnReadAndWrite',
}

export enum StateVisibility {
  /** An expired value is never returned, even if not yet cleaned up. */
  NeverReturnExpired = 'NeverReturnExpired',
  /** An expired value not yet cleaned up may be returned. */
  ReturnExpiredIfNotCleanedUp = 'ReturnExpiredIfNotCleanedUp',
}

export class StateTtlConfig {
  readonly ttl: number;
  readonly updateType: UpdateType;
  readonly stateVisibility: StateVisibility;

  private constructor(ttl: number, updateType: UpdateType, stateVisibility: StateVisibility) {
    this.ttl = ttl;
    this.updateType = updateType;
    this.stateVisibility = stateVisibility;
  }

  static newBuilder(ttl: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }

  /** @internal */
  static create(ttl: number, updateType: UpdateType, visibility: StateVisibility): StateTtlConfig {
    return new StateTtlConfig(ttl, updateType, visibility);
  }
}

export class StateTtlConfigBuilder {
  private updateType = UpdateType.OnCreateAndWrite;
  private visibility = StateVisibility.NeverReturnExpired;
  constructor(private readonly ttl: number) {
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
      throw new ConfigurationError(`StateTtlConfig: the time-to-live must be a positive number of milliseconds, got ${String(ttl)}`);
    }
  }
  setUpdateType(type: UpdateType): this {
    this.updateType = type;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType(UpdateType.OnCreateAndWrite);
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType(UpdateType.OnReadAndWrite);
  }
  setStateVisibility(visibility: StateVisibility): this {
    this.visibility = visibility;
    return this;
  }
  neverReturnExpired(): this {
    return this.setStateVisibility(StateVisibility.NeverReturnExpired);
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility(StateVisibility.ReturnExpiredIfNotCleanedUp);
  }
  build(): StateTtlConfig {
    return StateTtlConfig.create(this.ttl, this.updateType, this.visibility);
  }
}
