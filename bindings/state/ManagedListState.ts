/**
 * ListState in managed memory. A list is a head entry per (key, namespace)
 * pointing at a chain of blocks that hold the serialized elements back to
 * back (each after its TTL stamp, with a time-to-live). `add` serializes one
 * element and appends it to the last block, or to a new block twice the size
 * of the last (up to a page): amortized O(size of the element), one wasm call.
 * `get` walks the blocks and deserializes every element.
 *
 * `addAll` and `update` are all or nothing: if an element cannot be
 * serialized or the budget runs out, the list is cut back to what it was.
 * `update` writes the new elements into fresh blocks and frees the old ones
 * only when all are in. `mergeNamespaces` relinks the sources' block chains
 * onto the target's, without copying elements.
 *
 * With a time-to-live each element carries its own stamp (as Flink's TTL
 * list); `get` drops expired elements and, if it found any, rewrites the list
 * without them.
 * @module
 * @internal
 */
import { MemoryBudgetError } from '../errors.js';
import type { ListState } from './State.js';
import { AbstractKeyedState, sameBytes } from './AbstractKeyedState.js';
import { isCode } from './StateTable.js';

export class ManagedListState<K, N, T> extends AbstractKeyedState<K, N, T> implements ListState<T> {
  get(): T[] {
    const t = this.table;
    const compLen = this.composite();
    const core = t.memory.core;
    if (core.stGet(t.ctl, t.comp, compLen) === 0) return [];
    const view = t.memory.view;
    const input = this.backend.input;
    const bytes = t.memory.bytes;
    const out: T[] = [];
    const ttl = this.ttl > 0;
    const now = ttl ? this.now() : 0;
    let stamps: number[] | undefined;
    let expired = false;
    let block = view.getUint32(t.resultAddress, true);
    while (block !== 0) {
      const used = view.getUint32(block + 4, true) & 0xffffff;
      input.setBuffer(bytes, block + 8, used);
      while (input.position < input.end) {
        if (ttl) {
          const at = input.position;
          const stamp = input.readFloat64();
          if (stamp + this.ttl <= now && this.neverReturnExpired) {
            this.serializer.deserialize(input);
            expired = true;
            continue;
          }
          if (this.refreshOnRead) view.setFloat64(at, now, true);
          (stamps ??= []).push(this.refreshOnRead ? now : stamp);
        }
        out.push(this.serializer.deserialize(input));
      }
      block = view.getUint32(block, true);
    }
    if (expired) {
      try {
        this.write(out, stamps ?? [], true);
      } catch (error) {
        // Cleaning up needs fresh blocks; without memory the expired elements stay (and stay hidden).
        if (!(error instanceof MemoryBudgetError)) throw error;
      }
    }
    return out;
  }

  add(value: T): void {
    this.noNull(value, 'an added element');
    const t = this.table;
    const compLen = this.composite();
    const n = this.serializeValue(value);
    const core = t.memory.core;
    for (;;) {
      const r = core.stListAdd(t.ctl, t.comp, compLen, this.backend.currentKeyGroup, t.value, n, 0);
      if (!isCode(r)) return;
      t.handle(r, this.name);
    }
  }

  addAll(values: Iterable<T>): void {
    const list = [...values];
    for (const v of list) this.noNull(v, 'an added element');
    this.write(list, undefined, false);
  }

  update(values: Iterable<T>): void {
    const list = [...values];
    for (const v of list) this.noNull(v, 'an element');
    this.write(list, undefined, true);
  }

  clear(): void {
    this.removeEntry();
  }

  /** Appends `values` (with their stamps), replacing the list if `replace`; all or nothing. */
  private write(values: T[], stamps: number[] | undefined, replace: boolean): void {
    if (values.length === 0) {
      if (replace) this.clear();
      return;
    }
    const t = this.table;
    const core = t.memory.core;
    const compLen = this.composite();
    let head: number;
    for (;;) {
      const r = core.stListHead(t.ctl, t.comp, compLen, this.backend.currentKeyGroup);
      if (!isCode(r)) {
        head = r >>> 0;
        break;
      }
      t.handle(r, this.name);
    }
    const savedLast = t.resultAddress;
    const savedUsed = t.resultLength;
    try {
      for (let i = 0; i < values.length; i++) {
        const n = this.serializeValue(values[i]!, this.serializer, stamps?.[i]);
        for (;;) {
          const r = core.stListAppend(t.ctl, head, t.value, n, replace && i === 0 ? 1 : 0);
          if (!isCode(r)) break;
          t.handle(r, this.name);
        }
      }
    } catch (error) {
      core.stListTruncate(t.ctl, head, savedLast, savedUsed);
      if (savedLast === 0) this.removeEntry();
      throw error;
    }
    if (replace && savedLast !== 0) core.stListDropPrefix(t.ctl, head, savedLast);
  }

  /** Appends the lists of `sources` to the list of `target` (relinking their blocks) and clears the sources. */
  mergeNamespaces(target: N, sources: N[]): void {
    const t = this.table;
    const core = t.memory.core;
    const targetBytes = this.serializeNamespace(target);
    for (const source of sources) {
      const bytes = this.serializeNamespace(source);
      if (sameBytes(bytes, targetBytes)) continue;
      const sourceHead = this.withNamespace(bytes, () => core.stGet(t.ctl, t.comp, this.composite()) >>> 0);
      if (sourceHead === 0) continue;
      const targetHead = this.withNamespace(targetBytes, () => {
        const compLen = this.composite();
        for (;;) {
          const r = core.stListHead(t.ctl, t.comp, compLen, this.backend.currentKeyGroup);
          if (!isCode(r)) return r >>> 0;
          t.handle(r, this.name);
        }
      });
      core.stListSplice(targetHead, sourceHead);
      this.withNamespace(bytes, () => this.removeEntry());
    }
  }
}
