/**
 * OutputTag: names a side output of a process function. Tags are equal when
 * their ids are; the type describes the side output's records (inferred from
 * the first record when absent).
 *
 * @example
 * ```ts
 * const rejected = new OutputTag<string>('rejected', Types.STRING);
 * ```
 */
import { ConfigurationError } from '../errors.js';
import type { TypeInformation } from '../types/TypeInformation.js';

export class OutputTag<T> {
  readonly id: string;
  readonly type: TypeInformation<T> | undefined;

  constructor(id: string, type?: TypeInformation<T>) {
    if (typeof id !== 'string' || id === '') throw new ConfigurationError(`OutputTag: the id must be a non-empty string, got ${JSON.stringify(id)}`);
    this.id = id;
    this.type = type;
  }

  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
