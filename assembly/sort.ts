// The key+pointer sort (Flink's NormalizedKeySorter, seed §6 "排序").
//
// Index entries live in pages of linear memory listed in a page table:
// entry i is at table[i >> entryShift] + ((i & mask) << entrySizeLog2), and
// holds [record address u32][sequence u32][normalized key, nkLen bytes].
// Sorting compares normalized keys as unsigned bytes and swaps whole
// entries; only when two keys tie and the key does not decide the order is
// the comparator program (keys.ts) run on the two records. Quicksort with
// median-of-3 and insertion sort below 13 entries, heapsort when recursion
// gets too deep. Nothing allocates.
//
// The merge heap orders the current records of k sorted runs for a k-way
// merge: heap of run numbers, keyed by the record address of each run.

import { compareRecords } from "./keys";

let table: usize = 0;
let entryShift: u32 = 0;
let entryMask: u32 = 0;
let entrySizeLog2: u32 = 0;
let entrySize: usize = 0;
let nkLen: usize = 0;
let program: usize = 0;
let stable: bool = false;

/** Configures the index the next calls work on. `prog` is 0 when normalized keys decide the order. */
export function sortSetup(pageTable: usize, shift: u32, sizeLog2: u32, keyLength: usize, prog: usize, isStable: bool): void {
  table = pageTable;
  entryShift = shift;
  entryMask = (1 << shift) - 1;
  entrySizeLog2 = sizeLog2;
  entrySize = <usize>1 << sizeLog2;
  nkLen = keyLength;
  program = prog;
  stable = isStable;
}

/** The address of entry `i`. */
@inline export function entry(i: u32): usize {
  return <usize>load<u32>(table + (<usize>(i >> entryShift) << 2)) + (<usize>(i & entryMask) << entrySizeLog2);
}

/** Compares the normalized keys at `a` and `b` as big-endian unsigned bytes. */
@inline function compareKeys(a: usize, b: usize): i32 {
  let i: usize = 0;
  while (i + 8 <= nkLen) {
    const x = bswap<u64>(load<u64>(a + i));
    const y = bswap<u64>(load<u64>(b + i));
    if (x != y) return x < y ? -1 : 1;
    i += 8;
  }
  while (i < nkLen) {
    const x = load<u8>(a + i);
    const y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
    i++;
  }
  return 0;
}

function compareEntries(a: usize, b: usize): i32 {
  let c = compareKeys(a + 8, b + 8);
  if (c != 0) return c;
  if (program != 0) {
    c = compareRecords(program, <usize>load<u32>(a), <usize>load<u32>(b));
    if (c != 0) return c;
  }
  if (stable) {
    const x = load<u32>(a, 4);
    const y = load<u32>(b, 4);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

/** Compares entries `i` and `j`. */
function compareAt(i: u32, j: u32): i32 {
  return compareEntries(entry(i), entry(j));
}

function swapAt(i: u32, j: u32): void {
  const a = entry(i);
  const b = entry(j);
  let k: usize = 0;
  while (k < entrySize) {
    const x = v128.load(a + k);
    v128.store(a + k, v128.load(b + k));
    v128.store(b + k, x);
    k += 16;
  }
}

function insertionSort(lo: u32, hi: u32): void {
  for (let i = lo + 1; i < hi; i++) {
    for (let j = i; j > lo && compareAt(j - 1, j) > 0; j--) swapAt(j - 1, j);
  }
}

function siftDown(lo: u32, root: u32, n: u32): void {
  while (true) {
    let child = (root << 1) + 1;
    if (child >= n) return;
    if (child + 1 < n && compareAt(lo + child, lo + child + 1) < 0) child++;
    if (compareAt(lo + root, lo + child) >= 0) return;
    swapAt(lo + root, lo + child);
    root = child;
  }
}

function heapSort(lo: u32, hi: u32): void {
  const n = hi - lo;
  for (let i = n / 2; i > 0; i--) siftDown(lo, i - 1, n);
  for (let end = n - 1; end > 0; end--) {
    swapAt(lo, lo + end);
    siftDown(lo, 0, end);
  }
}

function quickSort(lo: u32, hi: u32, depth: i32): void {
  while (hi - lo > 12) {
    if (depth == 0) {
      heapSort(lo, hi);
      return;
    }
    depth--;
    // Median of three moved to lo: the pivot.
    const mid = lo + ((hi - lo) >> 1);
    const last = hi - 1;
    if (compareAt(mid, lo) < 0) swapAt(mid, lo);
    if (compareAt(last, mid) < 0) {
      swapAt(last, mid);
      if (compareAt(mid, lo) < 0) swapAt(mid, lo);
    }
    swapAt(lo, mid);
    // Partition around entry lo; scans stop on equal keys, so many equal keys still split evenly.
    let i = lo;
    let j = hi;
    while (true) {
      while (compareAt(++i, lo) < 0) if (i == last) break;
      while (compareAt(lo, --j) < 0) if (j == lo) break;
      if (i >= j) break;
      swapAt(i, j);
    }
    swapAt(lo, j);
    // Recurse into the smaller side, loop on the larger.
    if (j - lo < hi - j - 1) {
      quickSort(lo, j, depth);
      lo = j + 1;
    } else {
      quickSort(j + 1, hi, depth);
      hi = j;
    }
  }
  insertionSort(lo, hi);
}

/** Sorts entries [0, count). */
export function sortIndex(count: u32): void {
  if (count < 2) return;
  const depth = 2 * (32 - clz<u32>(count));
  quickSort(0, count, depth);
}

@inline function entryIn(pageTable: usize, i: u32): usize {
  return <usize>load<u32>(pageTable + (<usize>(i >> entryShift) << 2)) + (<usize>(i & entryMask) << entrySizeLog2);
}

// One histogram of 256 counts per normalized-key byte (keys of at most 32 bytes are radix-sorted).
const MAX_RADIX_BYTES: usize = 32;
const COUNTS: usize = memory.data(<i32>(MAX_RADIX_BYTES * 256 * 4), 16);

/**
 * Sorts entries [0, count) by their normalized keys with an LSD radix sort,
 * one byte a pass from the last, moving entries between the index pages and
 * the pages of `tmpTable` (as many as the index has). The histograms of all
 * bytes are counted in one pass first; a byte that every key shares costs no
 * pass. Stable. Returns 1 if the result ended up in the `tmpTable` pages (the
 * caller swaps the tables), else 0; -1 if the key is too long for it.
 */
export function radixSortIndex(count: u32, tmpTable: usize): i32 {
  if (nkLen > MAX_RADIX_BYTES) return -1;
  memory.fill(COUNTS, 0, nkLen * 256 * 4);
  const perPage = <u32>1 << entryShift;
  // Histograms: pages in order, entries in order within each page.
  for (let base: u32 = 0; base < count; base += perPage) {
    const page = <usize>load<u32>(table + (<usize>(base >> entryShift) << 2));
    const n = min<u32>(perPage, count - base);
    for (let k: u32 = 0; k < n; k++) {
      const key = page + (<usize>k << entrySizeLog2) + 8;
      for (let b: usize = 0; b < nkLen; b++) {
        const c = COUNTS + (((b << 8) + <usize>load<u8>(key + b)) << 2);
        store<u32>(c, load<u32>(c) + 1);
      }
    }
  }
  let src = table;
  let dst = tmpTable;
  let swapped = 0;
  for (let byte = <i32>nkLen - 1; byte >= 0; byte--) {
    const counts = COUNTS + (<usize>byte << 10);
    // Prefix sums; a byte all keys share needs no pass.
    let sum: u32 = 0;
    let single = false;
    for (let d: usize = 0; d < 256; d++) {
      const c = load<u32>(counts + (d << 2));
      if (c == count) single = true;
      store<u32>(counts + (d << 2), sum);
      sum += c;
    }
    if (single) continue;
    const at = <usize>(8 + byte);
    for (let base: u32 = 0; base < count; base += perPage) {
      const page = <usize>load<u32>(src + (<usize>(base >> entryShift) << 2));
      const n = min<u32>(perPage, count - base);
      for (let k: u32 = 0; k < n; k++) {
        const e = page + (<usize>k << entrySizeLog2);
        const c = counts + (<usize>load<u8>(e + at) << 2);
        const to = load<u32>(c);
        store<u32>(c, to + 1);
        const t = entryIn(dst, to);
        v128.store(t, v128.load(e));
        for (let w: usize = 16; w < entrySize; w += 16) v128.store(t + w, v128.load(e + w));
      }
    }
    const x = src;
    src = dst;
    dst = x;
    swapped ^= 1;
  }
  table = src;
  return swapped;
}

/** After a radix sort by normalized key: sorts each run of equal keys with the full comparison. */
export function sortTies(count: u32): void {
  let i: u32 = 0;
  while (i < count) {
    let j = i + 1;
    const a = entry(i) + 8;
    while (j < count && compareKeys(a, entry(j) + 8) == 0) j++;
    if (j - i > 1) quickSort(i, j, 2 * (32 - clz<u32>(j - i)));
    i = j;
  }
}

// The merge heap lives in a control block the caller gives, so that several
// merges can be open at once: [size u32][program u32][keys: k × u32][heap: k × u32];
// keys[run] is the address of that run's current record, heap holds run numbers.
let heap: usize = 0;
let keys: usize = 0;
let heapSize: u32 = 0;
let mergeProgram: usize = 0;

@inline function openHeap(control: usize, k: u32): void {
  heapSize = load<u32>(control);
  mergeProgram = <usize>load<u32>(control, 4);
  keys = control + 8;
  heap = keys + (<usize>k << 2);
}

@inline function heapLess(x: u32, y: u32): bool {
  const c = compareRecords(mergeProgram, <usize>load<u32>(keys + (<usize>x << 2)), <usize>load<u32>(keys + (<usize>y << 2)));
  return c < 0 || (c == 0 && x < y); // earlier runs first: a stable merge
}

function heapSift(i: u32): void {
  while (true) {
    const l = (i << 1) + 1;
    if (l >= heapSize) return;
    let m = l;
    const ml = load<u32>(heap + (<usize>l << 2));
    if (l + 1 < heapSize && heapLess(load<u32>(heap + (<usize>(l + 1) << 2)), ml)) m = l + 1;
    const mi = load<u32>(heap + (<usize>m << 2));
    const ii = load<u32>(heap + (<usize>i << 2));
    if (!heapLess(mi, ii)) return;
    store<u32>(heap + (<usize>m << 2), ii);
    store<u32>(heap + (<usize>i << 2), mi);
    i = m;
  }
}

/** Builds the heap of runs 0..k-1 in `control`, whose keys (at control + 8) the caller has filled. */
export function mergeSetup(control: usize, k: u32, prog: usize): void {
  store<u32>(control, k);
  store<u32>(control, <u32>prog, 4);
  openHeap(control, k);
  for (let i: u32 = 0; i < k; i++) store<u32>(heap + (<usize>i << 2), i);
  for (let i = k / 2; i > 0; i--) heapSift(i - 1);
}

/** The run whose current record is smallest, or -1 when all runs are done. */
export function mergeTop(control: usize, k: u32): i32 {
  openHeap(control, k);
  return heapSize == 0 ? -1 : <i32>load<u32>(heap);
}

/** The top run moved on: its new current record is at `address`. Returns the new top run. */
export function mergeAdvance(control: usize, k: u32, address: usize): i32 {
  openHeap(control, k);
  store<u32>(keys + (<usize>load<u32>(heap) << 2), <u32>address);
  heapSift(0);
  return <i32>load<u32>(heap);
}

/** The top run is exhausted. Returns the new top run, or -1 when all runs are done. */
export function mergeRemoveTop(control: usize, k: u32): i32 {
  openHeap(control, k);
  heapSize--;
  store<u32>(heap, load<u32>(heap + (<usize>heapSize << 2)));
  heapSift(0);
  store<u32>(control, heapSize);
  return heapSize == 0 ? -1 : <i32>load<u32>(heap);
}

// A plain LSD radix sort of u64 keys, 8 bits a pass: the ceiling the
// key+pointer sort is measured against (bench/sort). `tmp` holds n keys and
// `counts` 256 u32s.
export function radixSortU64(keysAddr: usize, tmp: usize, counts: usize, n: u32): void {
  let src = keysAddr;
  let dst = tmp;
  for (let shift: u64 = 0; shift < 64; shift += 8) {
    memory.fill(counts, 0, 256 * 4);
    for (let i: u32 = 0; i < n; i++) {
      const d = <usize>((load<u64>(src + (<usize>i << 3)) >> shift) & 0xff);
      store<u32>(counts + (d << 2), load<u32>(counts + (d << 2)) + 1);
    }
    let sum: u32 = 0;
    for (let d: usize = 0; d < 256; d++) {
      const c = load<u32>(counts + (d << 2));
      store<u32>(counts + (d << 2), sum);
      sum += c;
    }
    for (let i: u32 = 0; i < n; i++) {
      const k = load<u64>(src + (<usize>i << 3));
      const d = <usize>((k >> shift) & 0xff);
      const at = load<u32>(counts + (d << 2));
      store<u32>(counts + (d << 2), at + 1);
      store<u64>(dst + (<usize>at << 3), k);
    }
    const t = src;
    src = dst;
    dst = t;
  }
}
