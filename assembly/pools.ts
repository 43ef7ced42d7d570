// The segment allocator under the memory budget: which segment is free and
// who holds the others.
//
// Linear memory holds, after the module's static data, an owner table (one
// i32 per segment: 0 = free, otherwise the tag of the LocalBufferPool or the
// managed-memory owner that holds it) and one free stack per share of the
// budget (kind 0 = network segments, kind 1 = managed segments). The network
// share is segments [0, networkCount), the managed share follows it. A
// segment is in its kind's free stack if and only if its owner entry is 0.
//
// The TypeScript pools (NetworkBufferPool, LocalBufferPool, MemoryManager)
// keep the policy — sizes, redistribution, waiters — and call here once per
// segment that changes hands. Because the tables live in linear memory, a
// later worker thread that shares the memory sees the same ownership.

export const KIND_NETWORK: i32 = 0;
export const KIND_MANAGED: i32 = 1;

/** Result codes of `give`. */
export const GIVE_OK: i32 = 0;
export const GIVE_OUT_OF_RANGE: i32 = 1;
export const GIVE_ALREADY_FREE: i32 = 2;
export const GIVE_WRONG_OWNER: i32 = 3;

// Per kind: [stack address, stack top (count of free ids), first id, count].
const STACKS: usize = memory.data(32, 16);

let ownerTable: usize = 0;

@inline function stackField(kind: i32, field: i32): usize {
  return STACKS + ((<usize>kind << 4) + (<usize>field << 2));
}

/** The first address past the module's own static data: tables may start here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Lays out the tables at the given addresses and marks every segment free.
 * Ids are handed out lowest first.
 */
export function init(
  ownerTableAddr: usize,
  networkStackAddr: usize,
  networkCount: i32,
  managedStackAddr: usize,
  managedCount: i32,
): void {
  ownerTable = ownerTableAddr;
  memory.fill(ownerTableAddr, 0, <usize>(networkCount + managedCount) << 2);
  initStack(KIND_NETWORK, networkStackAddr, 0, networkCount);
  initStack(KIND_MANAGED, managedStackAddr, networkCount, managedCount);
}

function initStack(kind: i32, addr: usize, first: i32, count: i32): void {
  store<u32>(stackField(kind, 0), <u32>addr);
  store<i32>(stackField(kind, 1), count);
  store<i32>(stackField(kind, 2), first);
  store<i32>(stackField(kind, 3), count);
  // Pushed highest first so that the top of the stack is the lowest id.
  for (let i = 0; i < count; i++) {
    store<i32>(addr + (<usize>i << 2), first + count - 1 - i);
  }
}

/** Takes a free segment of `kind` for `owner` (> 0). Returns its id, or -1 if none is free. */
export function take(kind: i32, owner: i32): i32 {
  const top = load<i32>(stackField(kind, 1));
  if (top == 0) return -1;
  const addr = <usize>load<u32>(stackField(kind, 0));
  const id = load<i32>(addr + (<usize>(top - 1) << 2));
  store<i32>(stackField(kind, 1), top - 1);
  store<i32>(ownerTable + (<usize>id << 2), owner);
  return id;
}

/** Returns segment `id` of `kind`, held by `owner`, to the free stack. */
export function give(kind: i32, id: i32, owner: i32): i32 {
  const first = load<i32>(stackField(kind, 2));
  const count = load<i32>(stackField(kind, 3));
  if (id < first || id >= first + count) return GIVE_OUT_OF_RANGE;
  const slot = ownerTable + (<usize>id << 2);
  const holder = load<i32>(slot);
  if (holder == 0) return GIVE_ALREADY_FREE;
  if (holder != owner) return GIVE_WRONG_OWNER;
  store<i32>(slot, 0);
  const top = load<i32>(stackField(kind, 1));
  const addr = <usize>load<u32>(stackField(kind, 0));
  store<i32>(addr + (<usize>top << 2), id);
  store<i32>(stackField(kind, 1), top + 1);
  return GIVE_OK;
}

/** The number of free segments of `kind`. */
export function available(kind: i32): i32 {
  return load<i32>(stackField(kind, 1));
}

/** The tag of the owner of segment `id`, 0 if it is free. */
export function ownerOf(id: i32): i32 {
  return load<i32>(ownerTable + (<usize>id << 2));
}
