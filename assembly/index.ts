// The weir WebAssembly module: everything that loops over bytes.
// Exports take and return numbers only (addresses, ids, lengths, counts).
export { copy, fill, compare, swap, equals } from "./segments";
export { heapBase, init, take, give, available, ownerOf } from "./pools";
export { compareRecords, murmur3, murmurBlocks, murmurFinish } from "./keys";
export { sortSetup, sortIndex, mergeSetup, mergeTop, mergeAdvance, mergeRemoveTop, radixSortU64, radixSortIndex, sortTies } from "./sort";
export {
  stInit, stAddHeapPage, stGrowIndex, stGet, stPut, stRemove, stListHead, stListAdd, stListAppend, stListTruncate, stListDropPrefix,
  stListSplice, stMapPut, stMapRemove, stNext, stHeapInit, stHeapAddPage, stTimerAdd, stTimerDelete, stTimerPeek, stTimerCount, stTimerPop,
} from "./state";
