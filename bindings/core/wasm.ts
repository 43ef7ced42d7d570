/**
 * The one place where weir's WebAssembly module is compiled and instantiated,
 * in Node and in browsers alike.
 *
 * The module's bytes are inlined as base64 at build time
 * (`scripts/inline-wasm.js` → `wasmBytes.generated.ts`), so loading needs no
 * file path, no `fetch` and no bundler plugin. The module imports its memory:
 * the caller creates a `WebAssembly.Memory` whose initial size equals its
 * maximum, so linear memory never grows and views onto it never detach.
 * Compilation happens once per process; each instance gets its own memory.
 * @module
 * @internal
 */
import { WASM_BASE64 } from './wasmBytes.generated.js';

/** The functions the module exports; all take and return numbers. */
export interface CoreExports {
  copy(src: number, dst: number, len: number): void;
  fill(dst: number, value: number, len: number): void;
  compare(a: number, b: number, len: number): number;
  swap(a: number, b: number, len: number): void;
  equals(a: number, b: number, len: number): number;
  heapBase(): number;
  init(ownerTable: number, networkStack: number, networkCount: number, managedStack: number, managedCount: number): void;
  take(kind: number, owner: number): number;
  give(kind: number, id: number, owner: number): number;
  available(kind: number): number;
  ownerOf(id: number): number;
  compareRecords(program: number, a: number, b: number): number;
  murmur3(at: number, len: number, seed: number): number;
  murmurBlocks(h: number, at: number, len: number): number;
  murmurFinish(h: number, at: number, len: number, total: number): number;
  sortSetup(pageTable: number, shift: number, sizeLog2: number, keyLength: number, program: number, stable: number): void;
  sortIndex(count: number): void;
  mergeSetup(control: number, k: number, program: number): void;
  mergeTop(control: number, k: number): number;
  mergeAdvance(control: number, k: number, address: number): number;
  mergeRemoveTop(control: number, k: number): number;
  radixSortU64(keys: number, tmp: number, counts: number, n: number): void;
  radixSortIndex(count: number, tmpTable: number): number;
  sortTies(count: number): void;
  stInit(ctl: number, pageSize: number, table: number, spare: number): void;
  stAddHeapPage(ctl: number, page: number): void;
  stGrowIndex(ctl: number, newLog2: number): void;
  stGet(ctl: number, comp: number, compLen: number): number;
  stPut(ctl: number, comp: number, compLen: number, keyGroup: number, kind: number, src: number, len: number): number;
  stRemove(ctl: number, comp: number, compLen: number): number;
  stListHead(ctl: number, comp: number, compLen: number, keyGroup: number): number;
  stListAdd(ctl: number, comp: number, compLen: number, keyGroup: number, src: number, len: number, forceNew: number): number;
  stListAppend(ctl: number, head: number, src: number, len: number, forceNew: number): number;
  stListTruncate(ctl: number, head: number, last: number, used: number): void;
  stListDropPrefix(ctl: number, head: number, upTo: number): void;
  stListSplice(target: number, source: number): void;
  stMapPut(ctl: number, comp: number, prefixLen: number, compLen: number, keyGroup: number, src: number, len: number): number;
  stMapRemove(ctl: number, comp: number, prefixLen: number, compLen: number): number;
  stNext(ctl: number, slot: number, keyGroup: number): number;
  stHeapInit(heap: number, pageSize: number): void;
  stHeapAddPage(heap: number, page: number): void;
  stTimerAdd(ctl: number, heap: number, comp: number, compLen: number, keyGroup: number, time: number): number;
  stTimerDelete(ctl: number, heap: number, comp: number, compLen: number): number;
  stTimerPeek(heap: number): number;
  stTimerCount(heap: number): number;
  stTimerPop(ctl: number, heap: number, out: number): number;
}

let compiled: WebAssembly.Module | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled module, compiled on first use. Synchronous: the module is a few KiB. */
export function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(decodeBase64(WASM_BASE64));
  return compiled;
}

/** Instantiates the module over `memory`, which the caller reserved. */
export function instantiateCore(memory: WebAssembly.Memory): CoreExports {
  const instance = new WebAssembly.Instance(wasmModule(), {
    env: {
      memory,
      // Only debug builds import abort; release builds are built without assertions.
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`weir wasm: assertion failed at ${line}:${column}`);
      },
    },
  });
  return instance.exports as unknown as CoreExports;
}
