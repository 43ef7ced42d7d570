// Keyed state as bytes in managed memory: one open-addressing hash table per
// state backend, and binary heaps of timers. TypeScript
// (bindings/state/StateTable.ts) owns the pages and hands them in; this file
// only reads and writes bytes at the addresses it is given. Nothing here
// allocates: the "heap" below is a free-list allocator over pages the
// TypeScript side added.
//
// Control block (`ctl`, at the start of the backend's meta page):
//   0 u32 log2 of the index capacity      4 u32 entries in the index
//   8 u32 active index page table        12 u32 spare index page table
//  16 u32 log2 of slots per index page   20 u32 bump pointer  24 u32 bump end
//  28 u32 page size                      32 u32 result address 36 u32 result length
//  40 u32 bytes in allocated chunks      44 u32 chunk size of a failed allocation
//  64 u32[NUM_CLASSES] free-list heads, one per size class
//
// Index: `capacity` u32 slots spread over pages (slot i is in page i >> shift
// of the page table), each 0 (empty) or the address of an entry. Linear
// probing; deletion shifts later entries of the cluster back (no tombstones).
// The table is rehashed into twice as many pages when it would pass 3/4 full.
//
// Entry (a chunk of the heap):
//   u16 key group | u8 size class | u8 kind | varint compositeLength |
//   composite bytes | varint valueLength | value bytes
// The composite is what the entry is found by: a tag byte (state and entry
// kind), the serialized key, the serialized namespace and, for map entries,
// the serialized user key (for timers, the timestamp). The value length comes
// after the composite so that rewriting a value never moves the composite.
//
// Kinds and their values:
//   VALUE      the state's bytes (value, reducing, aggregating state)
//   LIST_HEAD  u32 first block, u32 last block; blocks are chunks
//              [u32 next][u32 class << 24 | used bytes][elements...]
//   MAP_HEAD   u32 first map entry, u32 count
//   MAP_ENTRY  u32 previous, u32 next (a doubly linked list per map), user value
//   TIMER      u32 position in its heap
//
// Heap of chunks: size classes of 4-byte steps up to 256 bytes, then four
// classes per power of two up to the page size (at most 25% waste). A free
// chunk goes on its class's free list and is reused by that class only;
// nothing is coalesced; the TypeScript side returns pages only when the
// table is empty (stInit starts it afresh) or disposed. A chunk never spans pages, so an entry (or a list
// block) must fit in one page.
//
// Every mutating function first checks that it has all the memory it needs
// (index room, chunks, heap slots) and returns a NEED_* code before changing
// anything when it does not, so the caller can add pages and call again.
import { murmur3, readVarint, varintEnd } from "./keys";

const C_LOG2: usize = 0;
const C_COUNT: usize = 4;
const C_TABLE: usize = 8;
const C_SPARE: usize = 12;
const C_SLOT_SHIFT: usize = 16;
const C_BUMP: usize = 20;
const C_BUMP_END: usize = 24;
const C_PAGE_SIZE: usize = 28;
const C_RESULT_ADDR: usize = 32;
const C_RESULT_LEN: usize = 36;
const C_USED: usize = 40;
const C_NEED: usize = 44;
const C_FREE: usize = 64;
const NUM_CLASSES: u32 = 129;

const KIND_VALUE: u8 = 0;
const KIND_LIST_HEAD: u8 = 1;
const KIND_MAP_HEAD: u8 = 2;
const KIND_MAP_ENTRY: u8 = 3;
const KIND_TIMER: u8 = 4;

const NEED_PAGE: i32 = -1;
const NEED_INDEX: i32 = -2;
const NEED_TIMER_PAGE: i32 = -3;
const TOO_LARGE: i32 = -4;

const SEED: u32 = 0x5eed5eed;
const BLOCK_HEADER: u32 = 8;

// ---- small helpers ---------------------------------------------------------

@inline function varSize(v: u32): u32 {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

function writeVar(at: usize, v: u32): usize {
  while (v >= 0x80) {
    store<u8>(at++, <u8>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  store<u8>(at++, <u8>v);
  return at;
}

function bytesEqual(a: usize, b: usize, n: usize): bool {
  let i: usize = 0;
  while (i + 8 <= n) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  while (i < n) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}

// The parsed entry: composite, its length, value, its length.
let eComp: usize = 0;
let eCompLen: u32 = 0;
let eVal: usize = 0;
let eValLen: u32 = 0;

function parse(e: usize): void {
  eCompLen = readVarint(e + 4);
  eComp = varintEnd();
  eValLen = readVarint(eComp + eCompLen);
  eVal = varintEnd();
}

@inline function entrySize(compLen: u32, valLen: u32): u32 {
  return 4 + varSize(compLen) + compLen + varSize(valLen) + valLen;
}

@inline function hashOf(comp: usize, len: u32): u32 {
  return murmur3(comp, len, SEED);
}

@inline function setResult(ctl: usize, addr: usize, len: u32): void {
  store<u32>(ctl + C_RESULT_ADDR, <u32>addr);
  store<u32>(ctl + C_RESULT_LEN, len);
}

// ---- chunks ----------------------------------------------------------------

let gClass: u32 = 0;

function classOf(size: u32): u32 {
  if (size <= 256) return size == 0 ? 0 : ((size + 3) >> 2) - 1;
  const e = 31 - clz<u32>((size - 1) >> 8);
  const base: u32 = 256 << e;
  const sub = ((size - base) * 4 + base - 1) / base;
  return 64 + e * 4 + sub - 1;
}

function classSize(c: u32): u32 {
  if (c < 64) return (c + 1) << 2;
  const k = c - 64;
  return ((<u32>256 << (k >> 2)) * (5 + (k & 3))) >> 2;
}

/** A chunk of at least `size` bytes, or 0 if a page must be added first (the size is left in C_NEED). */
function alloc(ctl: usize, size: u32): usize {
  const c = classOf(size);
  const cs = classSize(c);
  const headAt = ctl + C_FREE + (<usize>c << 2);
  const head = <usize>load<u32>(headAt);
  gClass = c;
  if (head != 0) {
    store<u32>(headAt, load<u32>(head));
    store<u32>(ctl + C_USED, load<u32>(ctl + C_USED) + cs);
    return head;
  }
  const at = <usize>load<u32>(ctl + C_BUMP);
  if (at != 0 && at + cs <= <usize>load<u32>(ctl + C_BUMP_END)) {
    store<u32>(ctl + C_BUMP, <u32>(at + cs));
    store<u32>(ctl + C_USED, load<u32>(ctl + C_USED) + cs);
    return at;
  }
  store<u32>(ctl + C_NEED, cs);
  return 0;
}

function release(ctl: usize, chunk: usize, c: u32): void {
  const headAt = ctl + C_FREE + (<usize>c << 2);
  store<u32>(chunk, load<u32>(headAt));
  store<u32>(headAt, <u32>chunk);
  store<u32>(ctl + C_USED, load<u32>(ctl + C_USED) - classSize(c));
}

/** Gives the allocator a new page; what is left of the current one goes to the free lists. */
export function stAddHeapPage(ctl: usize, page: usize): void {
  let at = <usize>load<u32>(ctl + C_BUMP);
  const end = <usize>load<u32>(ctl + C_BUMP_END);
  while (at != 0 && end - at >= 4) {
    let c = classOf(<u32>(end - at));
    if (classSize(c) > <u32>(end - at)) c--;
    const cs = classSize(c);
    const headAt = ctl + C_FREE + (<usize>c << 2);
    store<u32>(at, load<u32>(headAt));
    store<u32>(headAt, <u32>at);
    at += cs;
  }
  store<u32>(ctl + C_BUMP, <u32>page);
  store<u32>(ctl + C_BUMP_END, <u32>(page + load<u32>(ctl + C_PAGE_SIZE)));
}

// ---- index -----------------------------------------------------------------

@inline function slotAt(table: usize, shift: u32, i: u32): usize {
  const page = <usize>load<u32>(table + (<usize>(i >> shift) << 2));
  return page + (<usize>(i & ((<u32>1 << shift) - 1)) << 2);
}

@inline function slotAddr(ctl: usize, i: u32): usize {
  return slotAt(<usize>load<u32>(ctl + C_TABLE), load<u32>(ctl + C_SLOT_SHIFT), i);
}

@inline function mask(ctl: usize): u32 {
  return (<u32>1 << load<u32>(ctl + C_LOG2)) - 1;
}

let gSlot: u32 = 0;

/** The entry with this composite (parsed into e*), or 0 with gSlot at the empty slot where it would go. */
function find(ctl: usize, comp: usize, len: u32): usize {
  const m = mask(ctl);
  let i = hashOf(comp, len) & m;
  while (true) {
    const e = <usize>load<u32>(slotAddr(ctl, i));
    if (e == 0) {
      gSlot = i;
      return 0;
    }
    parse(e);
    if (eCompLen == len && bytesEqual(eComp, comp, len)) {
      gSlot = i;
      return e;
    }
    i = (i + 1) & m;
  }
  return 0;
}

@inline function hasRoom(ctl: usize, more: u32): bool {
  const cap = <u64>1 << load<u32>(ctl + C_LOG2);
  return <u64>(load<u32>(ctl + C_COUNT) + more) * 4 <= cap * 3;
}

function insertSlot(ctl: usize, slot: u32, e: usize): void {
  store<u32>(slotAddr(ctl, slot), <u32>e);
  store<u32>(ctl + C_COUNT, load<u32>(ctl + C_COUNT) + 1);
}

/** Empties slot `i`, moving later entries of its cluster back so that every entry stays reachable. */
function removeSlot(ctl: usize, i: u32): void {
  const m = mask(ctl);
  let hole = i;
  let j = (i + 1) & m;
  while (true) {
    const e = <usize>load<u32>(slotAddr(ctl, j));
    if (e == 0) break;
    parse(e);
    const home = hashOf(eComp, eCompLen) & m;
    if (((j - home) & m) >= ((j - hole) & m)) {
      store<u32>(slotAddr(ctl, hole), <u32>e);
      hole = j;
    }
    j = (j + 1) & m;
  }
  store<u32>(slotAddr(ctl, hole), 0);
  store<u32>(ctl + C_COUNT, load<u32>(ctl + C_COUNT) - 1);
}

/** Removes entry `e` (whose composite is `comp`) from the index. */
function unindex(ctl: usize, comp: usize, len: u32): void {
  if (find(ctl, comp, len) != 0) removeSlot(ctl, gSlot);
}

/**
 * Rehashes the index into the pages of the spare page table (already filled
 * by the caller with `2^(newLog2 - slotShift)` page addresses), which become
 * the active table.
 */
export function stGrowIndex(ctl: usize, newLog2: u32): void {
  const shift = load<u32>(ctl + C_SLOT_SHIFT);
  const oldTable = <usize>load<u32>(ctl + C_TABLE);
  const newTable = <usize>load<u32>(ctl + C_SPARE);
  const oldCap = <u32>1 << load<u32>(ctl + C_LOG2);
  const newPages = <u32>1 << (newLog2 - shift);
  const pageSize = load<u32>(ctl + C_PAGE_SIZE);
  for (let p: u32 = 0; p < newPages; p++) memory.fill(<usize>load<u32>(newTable + (<usize>p << 2)), 0, pageSize);
  const m = (<u32>1 << newLog2) - 1;
  for (let i: u32 = 0; i < oldCap; i++) {
    const e = <usize>load<u32>(slotAt(oldTable, shift, i));
    if (e == 0) continue;
    parse(e);
    let j = hashOf(eComp, eCompLen) & m;
    while (load<u32>(slotAt(newTable, shift, j)) != 0) j = (j + 1) & m;
    store<u32>(slotAt(newTable, shift, j), <u32>e);
  }
  store<u32>(ctl + C_TABLE, <u32>newTable);
  store<u32>(ctl + C_SPARE, <u32>oldTable);
  store<u32>(ctl + C_LOG2, newLog2);
}

/** Sets up an empty table whose index is the one page `indexPage` (already in the page table at `table`). */
export function stInit(ctl: usize, pageSize: u32, table: usize, spare: usize): void {
  memory.fill(ctl, 0, C_FREE + (<usize>NUM_CLASSES << 2));
  const shift = 31 - clz<u32>(pageSize >> 2);
  store<u32>(ctl + C_LOG2, shift);
  store<u32>(ctl + C_TABLE, <u32>table);
  store<u32>(ctl + C_SPARE, <u32>spare);
  store<u32>(ctl + C_SLOT_SHIFT, shift);
  store<u32>(ctl + C_PAGE_SIZE, pageSize);
  memory.fill(<usize>load<u32>(table), 0, pageSize);
}

// ---- entries ---------------------------------------------------------------

/** Writes a new entry into chunk `e` (class gClass); leaves it parsed. */
function build(e: usize, c: u32, kg: u32, kind: u8, comp: usize, compLen: u32, valLen: u32): void {
  store<u16>(e, <u16>kg);
  store<u8>(e + 2, <u8>c);
  store<u8>(e + 3, kind);
  let p = writeVar(e + 4, compLen);
  memory.copy(p, comp, compLen);
  eComp = p;
  eCompLen = compLen;
  p = writeVar(p + compLen, valLen);
  eVal = p;
  eValLen = valLen;
}

/** Rewrites the value length of the parsed entry; returns the value address. */
@inline function setValueLength(valLen: u32): usize {
  eVal = writeVar(eComp + eCompLen, valLen);
  eValLen = valLen;
  return eVal;
}

@inline function fits(e: usize, compLen: u32, valLen: u32): bool {
  return entrySize(compLen, valLen) <= classSize(<u32>load<u8>(e + 2));
}

/** The entry with this composite, or 0; the result is its value's address and length. */
export function stGet(ctl: usize, comp: usize, compLen: u32): usize {
  const e = find(ctl, comp, compLen);
  if (e != 0) setResult(ctl, eVal, eValLen);
  return e;
}

/**
 * Sets the value of the entry with this composite (creating it, of `kind`, in
 * key group `kg`) to the `len` bytes at `src`. Returns the entry's address or
 * a NEED_* / TOO_LARGE code.
 */
export function stPut(ctl: usize, comp: usize, compLen: u32, kg: u32, kind: u8, src: usize, len: u32): i32 {
  let e = find(ctl, comp, compLen);
  const need = entrySize(compLen, len);
  if (need > load<u32>(ctl + C_PAGE_SIZE)) return TOO_LARGE;
  if (e != 0) {
    if (fits(e, compLen, len)) {
      memory.copy(setValueLength(len), src, len);
    } else {
      const slot = gSlot;
      const n = alloc(ctl, need);
      if (n == 0) return NEED_PAGE;
      build(n, gClass, <u32>load<u16>(e), load<u8>(e + 3), comp, compLen, len);
      memory.copy(eVal, src, len);
      store<u32>(slotAddr(ctl, slot), <u32>n);
      release(ctl, e, <u32>load<u8>(e + 2));
      e = n;
    }
  } else {
    if (!hasRoom(ctl, 1)) return NEED_INDEX;
    const slot = gSlot;
    e = alloc(ctl, need);
    if (e == 0) return NEED_PAGE;
    build(e, gClass, kg, kind, comp, compLen, len);
    memory.copy(eVal, src, len);
    insertSlot(ctl, slot, e);
  }
  setResult(ctl, eVal, eValLen);
  return <i32>e;
}

function freeBlocks(ctl: usize, block: usize): void {
  while (block != 0) {
    const next = <usize>load<u32>(block);
    release(ctl, block, load<u32>(block + 4) >> 24);
    block = next;
  }
}

/** Removes the map entries of the map whose head value is at `headVal`. */
function freeMapEntries(ctl: usize, headVal: usize): void {
  let e = <usize>load<u32>(headVal);
  while (e != 0) {
    parse(e);
    const next = <usize>load<u32>(eVal + 4);
    unindex(ctl, eComp, eCompLen);
    release(ctl, e, <u32>load<u8>(e + 2));
    e = next;
  }
}

/** Removes the entry with this composite and whatever hangs off it. Returns 1 if it was there. */
export function stRemove(ctl: usize, comp: usize, compLen: u32): i32 {
  const e = find(ctl, comp, compLen);
  if (e == 0) return 0;
  const kind = load<u8>(e + 3);
  if (kind == KIND_LIST_HEAD) {
    freeBlocks(ctl, <usize>load<u32>(eVal));
  } else if (kind == KIND_MAP_HEAD) {
    freeMapEntries(ctl, eVal);
    find(ctl, comp, compLen); // the slots moved
  }
  removeSlot(ctl, gSlot);
  release(ctl, e, <u32>load<u8>(e + 2));
  return 1;
}

// ---- lists -----------------------------------------------------------------

@inline function blockUsed(b: usize): u32 {
  return load<u32>(b + 4) & 0xffffff;
}

@inline function blockCapacity(b: usize): u32 {
  return classSize(load<u32>(b + 4) >> 24) - BLOCK_HEADER;
}

/**
 * The head of the list with this composite, created empty if absent. Returns
 * its address (result: the last block and its used bytes) or a NEED_* code.
 */
export function stListHead(ctl: usize, comp: usize, compLen: u32, kg: u32): i32 {
  let e = find(ctl, comp, compLen);
  if (e == 0) {
    if (!hasRoom(ctl, 1)) return NEED_INDEX;
    const slot = gSlot;
    const need = entrySize(compLen, 8);
    if (need > load<u32>(ctl + C_PAGE_SIZE)) return TOO_LARGE;
    e = alloc(ctl, need);
    if (e == 0) return NEED_PAGE;
    build(e, gClass, kg, KIND_LIST_HEAD, comp, compLen, 8);
    store<u64>(eVal, 0);
    insertSlot(ctl, slot, e);
  }
  const last = <usize>load<u32>(eVal + 4);
  setResult(ctl, last, last == 0 ? 0 : blockUsed(last));
  return <i32>e;
}

/**
 * Appends `len` bytes at `src` to the list whose head value is at `headVal`,
 * in a new block if `forceNew`. New blocks double in size up to a page.
 */
function append(ctl: usize, headVal: usize, src: usize, len: u32, forceNew: bool): i32 {
  const last = <usize>load<u32>(headVal + 4);
  if (!forceNew && last != 0) {
    const used = blockUsed(last);
    if (blockCapacity(last) - used >= len) {
      memory.copy(last + BLOCK_HEADER + used, src, len);
      store<u32>(last + 4, (load<u32>(last + 4) & 0xff000000) | (used + len));
      return 1;
    }
  }
  const pageSize = load<u32>(ctl + C_PAGE_SIZE);
  if (len + BLOCK_HEADER > pageSize) return TOO_LARGE;
  let size = len + BLOCK_HEADER;
  if (last != 0) {
    const doubled = (blockCapacity(last) + BLOCK_HEADER) * 2;
    if (doubled > size) size = doubled < pageSize ? doubled : pageSize;
  }
  const b = alloc(ctl, size);
  if (b == 0) return NEED_PAGE;
  store<u32>(b, 0);
  store<u32>(b + 4, (gClass << 24) | len);
  memory.copy(b + BLOCK_HEADER, src, len);
  if (last == 0) store<u32>(headVal, <u32>b);
  else store<u32>(last, <u32>b);
  store<u32>(headVal + 4, <u32>b);
  return 1;
}

/**
 * Appends `len` bytes (one or more serialized elements) to the list with this
 * composite, creating it. Returns the head's address or a NEED_* code.
 */
export function stListAdd(ctl: usize, comp: usize, compLen: u32, kg: u32, src: usize, len: u32, forceNew: u32): i32 {
  let e = find(ctl, comp, compLen);
  if (e != 0) {
    const r = append(ctl, eVal, src, len, forceNew != 0);
    return r < 0 ? r : <i32>e;
  }
  if (!hasRoom(ctl, 1)) return NEED_INDEX;
  const slot = gSlot;
  const pageSize = load<u32>(ctl + C_PAGE_SIZE);
  const need = entrySize(compLen, 8);
  if (need > pageSize || len + BLOCK_HEADER > pageSize) return TOO_LARGE;
  e = alloc(ctl, need);
  if (e == 0) return NEED_PAGE;
  const c = gClass;
  const b = alloc(ctl, len + BLOCK_HEADER);
  if (b == 0) {
    const cs = load<u32>(ctl + C_NEED);
    release(ctl, e, c);
    store<u32>(ctl + C_NEED, cs);
    return NEED_PAGE;
  }
  store<u32>(b, 0);
  store<u32>(b + 4, (gClass << 24) | len);
  memory.copy(b + BLOCK_HEADER, src, len);
  build(e, c, kg, KIND_LIST_HEAD, comp, compLen, 8);
  store<u32>(eVal, <u32>b);
  store<u32>(eVal + 4, <u32>b);
  insertSlot(ctl, slot, e);
  return <i32>e;
}

/** Appends to the list whose head is `head` (see stListHead). */
export function stListAppend(ctl: usize, head: usize, src: usize, len: u32, forceNew: u32): i32 {
  parse(head);
  return append(ctl, eVal, src, len, forceNew != 0);
}

/** Cuts the list back to block `last` holding `used` bytes (what stListHead reported before appends). */
export function stListTruncate(ctl: usize, head: usize, last: usize, used: u32): void {
  parse(head);
  if (last == 0) {
    freeBlocks(ctl, <usize>load<u32>(eVal));
    store<u64>(eVal, 0);
    return;
  }
  freeBlocks(ctl, <usize>load<u32>(last));
  store<u32>(last, 0);
  store<u32>(last + 4, (load<u32>(last + 4) & 0xff000000) | used);
  store<u32>(eVal + 4, <u32>last);
}

/** Frees the blocks of the list from the first through `upTo`; the list then starts after it. */
export function stListDropPrefix(ctl: usize, head: usize, upTo: usize): void {
  parse(head);
  let b = <usize>load<u32>(eVal);
  while (b != 0) {
    const next = <usize>load<u32>(b);
    release(ctl, b, load<u32>(b + 4) >> 24);
    store<u32>(eVal, <u32>next);
    if (b == upTo) break;
    b = next;
  }
  if (load<u32>(eVal) == 0) store<u32>(eVal + 4, 0);
}

/** Moves the blocks of list `source` to the end of list `target` (both heads); `source` is left empty. */
export function stListSplice(target: usize, source: usize): void {
  parse(source);
  const sVal = eVal;
  const first = load<u32>(sVal);
  if (first == 0) return;
  parse(target);
  const last = <usize>load<u32>(eVal + 4);
  if (last == 0) store<u32>(eVal, first);
  else store<u32>(last, first);
  store<u32>(eVal + 4, load<u32>(sVal + 4));
  store<u64>(sVal, 0);
}

// ---- maps ------------------------------------------------------------------

/**
 * Puts a map entry: `comp` is [tag | 1][key][namespace][user key], of which
 * the first `prefixLen` bytes (with the tag's low bit clear) name the map's
 * head. The value is `len` bytes at `src`. Returns the entry's address (the
 * result: its user value) or a NEED_* code.
 */
export function stMapPut(ctl: usize, comp: usize, prefixLen: u32, compLen: u32, kg: u32, src: usize, len: u32): i32 {
  const valLen = len + 8;
  const need = entrySize(compLen, valLen);
  const headNeed = entrySize(prefixLen, 8);
  if (need > load<u32>(ctl + C_PAGE_SIZE)) return TOO_LARGE;
  let e = find(ctl, comp, compLen);
  if (e != 0) {
    const prev = <usize>load<u32>(eVal);
    const next = <usize>load<u32>(eVal + 4);
    if (fits(e, compLen, valLen)) {
      const v = setValueLength(valLen);
      store<u32>(v, <u32>prev);
      store<u32>(v + 4, <u32>next);
      memory.copy(v + 8, src, len);
    } else {
      const slot = gSlot;
      const n = alloc(ctl, need);
      if (n == 0) return NEED_PAGE;
      build(n, gClass, <u32>load<u16>(e), KIND_MAP_ENTRY, comp, compLen, valLen);
      store<u32>(eVal, <u32>prev);
      store<u32>(eVal + 4, <u32>next);
      memory.copy(eVal + 8, src, len);
      store<u32>(slotAddr(ctl, slot), <u32>n);
      if (next != 0) {
        parse(next);
        store<u32>(eVal, <u32>n);
      }
      if (prev != 0) {
        parse(prev);
        store<u32>(eVal + 4, <u32>n);
      } else {
        const tag = load<u8>(comp);
        store<u8>(comp, tag & 0xfe);
        find(ctl, comp, prefixLen);
        store<u8>(comp, tag);
        store<u32>(eVal, <u32>n);
      }
      release(ctl, e, <u32>load<u8>(e + 2));
      e = n;
      parse(e);
    }
    setResult(ctl, eVal + 8, len);
    return <i32>e;
  }
  if (headNeed > load<u32>(ctl + C_PAGE_SIZE)) return TOO_LARGE;
  const tag = load<u8>(comp);
  store<u8>(comp, tag & 0xfe);
  let head = find(ctl, comp, prefixLen);
  store<u8>(comp, tag);
  const headExists = head != 0;
  const headSlot = gSlot;
  if (!hasRoom(ctl, headExists ? 1 : 2)) return NEED_INDEX;
  let hc: u32 = 0;
  if (!headExists) {
    head = alloc(ctl, headNeed);
    if (head == 0) return NEED_PAGE;
    hc = gClass;
  }
  e = alloc(ctl, need);
  if (e == 0) {
    const cs = load<u32>(ctl + C_NEED);
    if (!headExists) release(ctl, head, hc);
    store<u32>(ctl + C_NEED, cs);
    return NEED_PAGE;
  }
  const ec = gClass;
  if (!headExists) {
    store<u8>(comp, tag & 0xfe);
    build(head, hc, kg, KIND_MAP_HEAD, comp, prefixLen, 8);
    store<u8>(comp, tag);
    store<u64>(eVal, 0);
    insertSlot(ctl, headSlot, head);
  }
  parse(head);
  const headVal = eVal;
  const first = <usize>load<u32>(headVal);
  find(ctl, comp, compLen); // the empty slot, after the head took one
  const slot = gSlot;
  build(e, ec, kg, KIND_MAP_ENTRY, comp, compLen, valLen);
  store<u32>(eVal, 0);
  store<u32>(eVal + 4, <u32>first);
  memory.copy(eVal + 8, src, len);
  insertSlot(ctl, slot, e);
  setResult(ctl, eVal + 8, len);
  if (first != 0) {
    parse(first);
    store<u32>(eVal, <u32>e);
  }
  store<u32>(headVal, <u32>e);
  store<u32>(headVal + 4, load<u32>(headVal + 4) + 1);
  return <i32>e;
}

/** Removes a map entry (composite as in stMapPut), and the map's head with its last entry. Returns 1 if it was there. */
export function stMapRemove(ctl: usize, comp: usize, prefixLen: u32, compLen: u32): i32 {
  const e = find(ctl, comp, compLen);
  if (e == 0) return 0;
  const prev = <usize>load<u32>(eVal);
  const next = <usize>load<u32>(eVal + 4);
  removeSlot(ctl, gSlot);
  release(ctl, e, <u32>load<u8>(e + 2));
  if (next != 0) {
    parse(next);
    store<u32>(eVal, <u32>prev);
  }
  if (prev != 0) {
    parse(prev);
    store<u32>(eVal + 4, <u32>next);
  }
  const tag = load<u8>(comp);
  store<u8>(comp, tag & 0xfe);
  const head = find(ctl, comp, prefixLen);
  if (head != 0) {
    if (prev == 0) store<u32>(eVal, <u32>next);
    const count = load<u32>(eVal + 4) - 1;
    store<u32>(eVal + 4, count);
    if (count == 0) {
      removeSlot(ctl, gSlot);
      release(ctl, head, <u32>load<u8>(head + 2));
    }
  }
  store<u8>(comp, tag);
  return 1;
}

// ---- iteration -------------------------------------------------------------

/**
 * The first occupied slot at or after `slot` whose entry is in key group `kg`
 * (any group if `kg` < 0), or -1; the result is the entry's address.
 */
export function stNext(ctl: usize, slot: i32, kg: i32): i32 {
  const cap = <i32>(<u32>1 << load<u32>(ctl + C_LOG2));
  for (let i = slot; i < cap; i++) {
    const e = <usize>load<u32>(slotAddr(ctl, <u32>i));
    if (e == 0) continue;
    if (kg >= 0 && <i32>load<u16>(e) != kg) continue;
    setResult(ctl, e, 0);
    return i;
  }
  return -1;
}

// ---- timers ----------------------------------------------------------------
// A heap control page: 0 u32 size, 4 u32 pages, 8 u32 log2 nodes per page,
// 12 u32 sequence, 16.. u32 page addresses. A node is 16 bytes:
// f64 time, u32 timer entry, u32 sequence (ties fire in registration order).

const H_SIZE: usize = 0;
const H_PAGES: usize = 4;
const H_SHIFT: usize = 8;
const H_SEQ: usize = 12;
const H_TABLE: usize = 16;

export function stHeapInit(hc: usize, pageSize: u32): void {
  store<u32>(hc + H_SIZE, 0);
  store<u32>(hc + H_PAGES, 0);
  store<u32>(hc + H_SHIFT, 31 - clz<u32>(pageSize >> 4));
  store<u32>(hc + H_SEQ, 0);
}

/** Adds a page to the heap's page table. */
export function stHeapAddPage(hc: usize, page: usize): void {
  const n = load<u32>(hc + H_PAGES);
  store<u32>(hc + H_TABLE + (<usize>n << 2), <u32>page);
  store<u32>(hc + H_PAGES, n + 1);
}

@inline function node(hc: usize, i: u32): usize {
  const shift = load<u32>(hc + H_SHIFT);
  const page = <usize>load<u32>(hc + H_TABLE + (<usize>(i >> shift) << 2));
  return page + (<usize>(i & ((<u32>1 << shift) - 1)) << 4);
}

@inline function before(a: usize, b: usize): bool {
  const ta = load<f64>(a);
  const tb = load<f64>(b);
  if (ta != tb) return ta < tb;
  return <i32>(load<u32>(a + 12) - load<u32>(b + 12)) < 0;
}

/** The address of the u32 in a timer entry that holds its heap position. */
@inline function positionOf(e: usize): usize {
  const n = readVarint(e + 4);
  return varintEnd() + n + 1;
}

function placeNode(hc: usize, i: u32, time: f64, e: u32, seq: u32): void {
  const a = node(hc, i);
  store<f64>(a, time);
  store<u32>(a + 8, e);
  store<u32>(a + 12, seq);
  store<u32>(positionOf(<usize>e), i);
}

function siftUp(hc: usize, i: u32): void {
  const a = node(hc, i);
  const time = load<f64>(a);
  const e = load<u32>(a + 8);
  const seq = load<u32>(a + 12);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = node(hc, parent);
    const pt = load<f64>(p);
    if (!(time < pt || (time == pt && <i32>(seq - load<u32>(p + 12)) < 0))) break;
    placeNode(hc, i, pt, load<u32>(p + 8), load<u32>(p + 12));
    i = parent;
  }
  placeNode(hc, i, time, e, seq);
}

function siftDown(hc: usize, i: u32): void {
  const size = load<u32>(hc + H_SIZE);
  const a = node(hc, i);
  const time = load<f64>(a);
  const e = load<u32>(a + 8);
  const seq = load<u32>(a + 12);
  while (true) {
    const l: u32 = (i << 1) + 1;
    if (l >= size) break;
    let c = l;
    let ca = node(hc, l);
    if (l + 1 < size) {
      const ra = node(hc, l + 1);
      if (before(ra, ca)) {
        c = l + 1;
        ca = ra;
      }
    }
    const ct = load<f64>(ca);
    if (!(ct < time || (ct == time && <i32>(load<u32>(ca + 12) - seq) < 0))) break;
    placeNode(hc, i, ct, load<u32>(ca + 8), load<u32>(ca + 12));
    i = c;
  }
  placeNode(hc, i, time, e, seq);
}

function removeNode(hc: usize, i: u32): void {
  const last = load<u32>(hc + H_SIZE) - 1;
  store<u32>(hc + H_SIZE, last);
  if (i == last) return;
  const l = node(hc, last);
  placeNode(hc, i, load<f64>(l), load<u32>(l + 8), load<u32>(l + 12));
  siftDown(hc, i);
  siftUp(hc, i);
}

/**
 * Registers a timer: `comp` is [tag][key][namespace][time]. Returns 1 if
 * added, 0 if it was already there, or a NEED_* code.
 */
export function stTimerAdd(ctl: usize, hc: usize, comp: usize, compLen: u32, kg: u32, time: f64): i32 {
  if (find(ctl, comp, compLen) != 0) return 0;
  const slot = gSlot;
  const size = load<u32>(hc + H_SIZE);
  if (size >= load<u32>(hc + H_PAGES) << load<u32>(hc + H_SHIFT)) return NEED_TIMER_PAGE;
  if (!hasRoom(ctl, 1)) return NEED_INDEX;
  const need = entrySize(compLen, 4);
  if (need > load<u32>(ctl + C_PAGE_SIZE)) return TOO_LARGE;
  const e = alloc(ctl, need);
  if (e == 0) return NEED_PAGE;
  build(e, gClass, kg, KIND_TIMER, comp, compLen, 4);
  insertSlot(ctl, slot, e);
  const seq = load<u32>(hc + H_SEQ);
  store<u32>(hc + H_SEQ, seq + 1);
  store<u32>(hc + H_SIZE, size + 1);
  placeNode(hc, size, time, <u32>e, seq);
  siftUp(hc, size);
  return 1;
}

/** Deletes a timer (composite as in stTimerAdd). Returns 1 if it was there. */
export function stTimerDelete(ctl: usize, hc: usize, comp: usize, compLen: u32): i32 {
  const e = find(ctl, comp, compLen);
  if (e == 0) return 0;
  const slot = gSlot;
  const i = load<u32>(eVal);
  removeSlot(ctl, slot);
  removeNode(hc, i);
  release(ctl, e, <u32>load<u8>(e + 2));
  return 1;
}

/** The earliest timer's time, or +Infinity. */
export function stTimerPeek(hc: usize): f64 {
  if (load<u32>(hc + H_SIZE) == 0) return Infinity;
  return load<f64>(node(hc, 0));
}

/** Timers in the heap. */
export function stTimerCount(hc: usize): u32 {
  return load<u32>(hc + H_SIZE);
}

/** Removes the earliest timer, copying its composite to `out`; returns the composite's length (-1 if none). */
export function stTimerPop(ctl: usize, hc: usize, out: usize): i32 {
  if (load<u32>(hc + H_SIZE) == 0) return -1;
  const e = <usize>load<u32>(node(hc, 0) + 8);
  parse(e);
  const len = eCompLen;
  memory.copy(out, eComp, len);
  removeNode(hc, 0);
  unindex(ctl, out, len);
  release(ctl, e, <u32>load<u8>(e + 2));
  return <i32>len;
}
