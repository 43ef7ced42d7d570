/**
 * Keys of keyed streams when the user gave no key type. Every producer
 * subtask must hash a key the same way whatever keys it saw first, so the
 * encoding depends on the key alone: strings as STRING, every number as
 * DOUBLE (1 and 1.0 are one key), bigints as BIGINT, booleans as BOOLEAN, and
 * anything else (arrays, objects) as GENERIC — declare a key type for those
 * to hash them faster and independently of their fields' order. Keyed state
 * stores keys in the same encoding (two equal objects are one key), with the
 * type of the first key unless one was declared.
 */
import type { TypeInformation } from '../types/TypeInformation.js';
import { Types } from '../types/Types.js';

export function inferKeyType(key: unknown): TypeInformation<any> {
  const t = typeof key;
  // Primitives as Types.infer types them; anything else by value alone.
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean' ? Types.infer(key) : Types.GENERIC;
}
