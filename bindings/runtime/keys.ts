/**
 * Keys of keyed streams when the user gave no key type. Every producer
 * subtask must hash a key the same way whatever keys it saw first, so the
 * encoding depends on the key alone: strings as STRING, every number as
 * DOUBLE (1 and 1.0 are one key), bigints as BIGINT, booleans as BOOLEAN, and
 * anything else (arrays, objects) as GENERIC — declare a key type for those
 * to hash them faster and independently of their fields' order. A key's
 * identity for per-key values is the key itself for primitives and its
 * serialized bytes otherwise (two equal objects are one key).
 */
import { DataOutputSerializer } from '../types/DataOutputSerializer.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { TypeSerializer } from '../types/TypeSerializer.js';
import { Types } from '../types/Types.js';

export function inferKeyType(key: unknown): TypeInformation<any> {
  const t = typeof key;
  // Primitives as Types.infer types them; anything else by value alone.
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean' ? Types.infer(key) : Types.GENERIC;
}

/** Maps keys to values usable as `Map` keys with value equality. */
export class KeyIdentity {
  private serializer: TypeSerializer<unknown> | null;
  private readonly out = new DataOutputSerializer(64);
  private readonly decoder = new TextDecoder('latin1');

  constructor(keyType: TypeInformation<any> | undefined) {
    this.serializer = keyType === undefined ? null : keyType.createSerializer();
  }

  of(key: unknown): unknown {
    const t = typeof key;
    if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return key;
    this.serializer ??= inferKeyType(key).createSerializer();
    const out = this.out;
    out.clear();
    this.serializer.serialize(key, out);
    return this.decoder.decode(out.view());
  }
}
