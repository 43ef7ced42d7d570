// Keys over serialized records: the byte-level comparator, field skipping and
// key hashing. Records are read in place, by offset, in the encoding that
// bindings/types/DataOutputSerializer writes: numbers little-endian, LEB128
// varints for lengths, strings as a varint header (byteLength << 1 | wtf8)
// followed by UTF-8/WTF-8 bytes.
//
// A type is described to wasm by a descriptor tree of i32 words in linear
// memory, each node [code, words, ...payload] (see TypeDescriptors.ts on the
// TypeScript side). A comparator program lists, for each key field, the nodes
// of the fields to skip before it and the node to compare with:
//   [numKeys, then per key: descending, numSkips, skipNode..., compareNode]
// Nothing here allocates.

export const T_BOOLEAN: i32 = 1;
export const T_BYTE: i32 = 2;
export const T_SHORT: i32 = 3;
export const T_INT: i32 = 4;
export const T_LONG: i32 = 5;
export const T_BIGINT: i32 = 6;
export const T_FLOAT: i32 = 7;
export const T_DOUBLE: i32 = 8;
export const T_INSTANT: i32 = 9;
export const T_STRING: i32 = 10;
export const T_BYTES: i32 = 11;
export const T_ENUM: i32 = 12;
export const T_NULLABLE: i32 = 13;
export const T_COMPOSITE: i32 = 14;
export const T_LIST: i32 = 15;
export const T_MAP: i32 = 16;
export const T_PRIMITIVE_ARRAY: i32 = 17;
export const T_GENERIC: i32 = 18;

// Cursors of the two records being compared, and the end of the last varint read.
let pa: usize = 0;
let pb: usize = 0;
let varEnd: usize = 0;

@inline function code(node: usize): i32 {
  return load<i32>(node);
}

/** The first child of a node with a payload of `skipWords` words before its children. */
@inline function child(node: usize, skipWords: i32): usize {
  return node + 8 + (<usize>skipWords << 2);
}

@inline function next(node: usize): usize {
  return node + (<usize>load<i32>(node, 4) << 2);
}

/** Reads the varint at `at`; {@link varintEnd} is then the address just past it. */
export function readVarint(at: usize): u32 {
  let result: u32 = 0;
  let shift: u32 = 0;
  while (true) {
    const b = <u32>load<u8>(at++);
    result |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  varEnd = at;
  return result;
}

/** The address just past the varint {@link readVarint} read last. */
@inline export function varintEnd(): usize {
  return varEnd;
}

/** The address just past the value of type `node` that starts at `at`. */
function skip(node: usize, at: usize): usize {
  switch (code(node)) {
    case T_BOOLEAN:
    case T_BYTE:
      return at + 1;
    case T_SHORT:
      return at + 2;
    case T_INT:
    case T_FLOAT:
      return at + 4;
    case T_LONG:
    case T_BIGINT:
    case T_DOUBLE:
    case T_INSTANT:
      return at + 8;
    case T_STRING: {
      const h = readVarint(at);
      return varEnd + <usize>(h >> 1);
    }
    case T_BYTES:
    case T_GENERIC: {
      const n = readVarint(at);
      return varEnd + <usize>n;
    }
    case T_ENUM:
      readVarint(at);
      return varEnd;
    case T_NULLABLE:
      return load<u8>(at) == 1 ? skip(child(node, 0), at + 1) : at + 1;
    case T_COMPOSITE: {
      const n = load<i32>(node, 8);
      let c = child(node, 1);
      for (let i = 0; i < n; i++) {
        at = skip(c, at);
        c = next(c);
      }
      return at;
    }
    case T_LIST: {
      const n = readVarint(at);
      at = varEnd;
      const c = child(node, 0);
      for (let i: u32 = 0; i < n; i++) at = skip(c, at);
      return at;
    }
    case T_MAP: {
      const n = readVarint(at);
      at = varEnd;
      const k = child(node, 0);
      const v = next(k);
      for (let i: u32 = 0; i < n; i++) at = skip(v, skip(k, at));
      return at;
    }
    case T_PRIMITIVE_ARRAY: {
      const n = readVarint(at);
      return varEnd + <usize>n * <usize>load<i32>(node, 8);
    }
    default:
      unreachable();
      return 0;
  }
}

@inline function nullRank(flag: u8): i32 {
  return flag == 0 ? 0 : flag == 2 ? 1 : 2;
}

@inline function sign<T>(a: T, b: T): i32 {
  return i32(a > b) - i32(a < b);
}

/** Compares the values of type `node` at the cursors `pa` and `pb`, advancing both past them. */
function compareNode(node: usize): i32 {
  const a = pa;
  const b = pb;
  switch (code(node)) {
    case T_BOOLEAN:
      pa += 1; pb += 1;
      return sign<u8>(load<u8>(a), load<u8>(b));
    case T_BYTE:
      pa += 1; pb += 1;
      return sign<i8>(load<i8>(a), load<i8>(b));
    case T_SHORT:
      pa += 2; pb += 2;
      return sign<i16>(load<i16>(a), load<i16>(b));
    case T_INT:
      pa += 4; pb += 4;
      return sign<i32>(load<i32>(a), load<i32>(b));
    case T_LONG:
    case T_BIGINT:
    case T_INSTANT:
      pa += 8; pb += 8;
      return sign<i64>(load<i64>(a), load<i64>(b));
    case T_FLOAT: {
      pa += 4; pb += 4;
      // IEEE order as signed integers: flip the magnitude of negatives. -0 < +0; NaN (canonical) is greatest.
      const x = load<i32>(a);
      const y = load<i32>(b);
      return sign<i32>(x ^ ((x >> 31) & 0x7fffffff), y ^ ((y >> 31) & 0x7fffffff));
    }
    case T_DOUBLE: {
      pa += 8; pb += 8;
      const x = load<i64>(a);
      const y = load<i64>(b);
      return sign<i64>(x ^ ((x >> 63) & 0x7fffffffffffffff), y ^ ((y >> 63) & 0x7fffffffffffffff));
    }
    case T_ENUM: {
      const x = readVarint(a);
      pa = varEnd;
      const y = readVarint(b);
      pb = varEnd;
      return sign<u32>(x, y);
    }
    case T_STRING:
      return compareStrings();
    case T_BYTES: {
      const la = readVarint(a);
      const sa = varEnd;
      const lb = readVarint(b);
      const sb = varEnd;
      pa = sa + la; pb = sb + lb;
      const n = la < lb ? la : lb;
      for (let i: u32 = 0; i < n; i++) {
        const d = <i32>load<u8>(sa + i) - <i32>load<u8>(sb + i);
        if (d != 0) return d < 0 ? -1 : 1;
      }
      return sign<u32>(la, lb);
    }
    case T_NULLABLE: {
      // Flags: 0 null, 2 undefined, 1 value; order null < undefined < value.
      const ra = nullRank(load<u8>(a));
      const rb = nullRank(load<u8>(b));
      pa += 1; pb += 1;
      if (ra == 2 && rb == 2) return compareNode(child(node, 0));
      return sign<i32>(ra, rb);
    }
    case T_COMPOSITE: {
      const n = load<i32>(node, 8);
      let c = child(node, 1);
      for (let i = 0; i < n; i++) {
        const r = compareNode(c);
        if (r != 0) return r;
        c = next(c);
      }
      return 0;
    }
    default:
      unreachable();
      return 0;
  }
}

// String comparison in UTF-16 code-unit order (JavaScript's `<`), over UTF-8/WTF-8 bytes.
let unitLow: i32 = -1; // pending low surrogate of the last astral character decoded
let unitPos: usize = 0;

/** The next UTF-16 code unit of the string at `unitPos` (state in unitLow/unitPos). */
function nextUnit(): i32 {
  if (unitLow >= 0) {
    const u = unitLow;
    unitLow = -1;
    return u;
  }
  const at = unitPos;
  const c = <i32>load<u8>(at);
  if (c < 0x80) {
    unitPos = at + 1;
    return c;
  }
  if (c < 0xe0) {
    unitPos = at + 2;
    return ((c & 0x1f) << 6) | (<i32>load<u8>(at, 1) & 0x3f);
  }
  if (c < 0xf0) {
    unitPos = at + 3;
    return ((c & 0x0f) << 12) | ((<i32>load<u8>(at, 1) & 0x3f) << 6) | (<i32>load<u8>(at, 2) & 0x3f);
  }
  unitPos = at + 4;
  const cp =
    (((c & 0x07) << 18) | ((<i32>load<u8>(at, 1) & 0x3f) << 12) | ((<i32>load<u8>(at, 2) & 0x3f) << 6) | (<i32>load<u8>(at, 3) & 0x3f)) -
    0x10000;
  unitLow = 0xdc00 + (cp & 0x3ff);
  return 0xd800 + (cp >> 10);
}

function compareStrings(): i32 {
  const ha = readVarint(pa);
  const sa = varEnd;
  const hb = readVarint(pb);
  const sb = varEnd;
  const la = <usize>(ha >> 1);
  const lb = <usize>(hb >> 1);
  pa = sa + la;
  pb = sb + lb;
  const n = la < lb ? la : lb;
  // Equal bytes are equal code units: skip the common prefix 8 bytes at a time.
  let i: usize = 0;
  while (i + 8 <= n && load<u64>(sa + i) == load<u64>(sb + i)) i += 8;
  while (i < n && load<u8>(sa + i) == load<u8>(sb + i)) i++;
  if (i == n) return sign<usize>(la, lb);
  // Back up to the start of the character the difference falls in, then compare code units.
  while (i > 0 && (load<u8>(sa + i) & 0xc0) == 0x80) i--;
  let posA = sa + i;
  let posB = sb + i;
  let lowA: i32 = -1;
  let lowB: i32 = -1;
  while (true) {
    const endA = posA >= pa && lowA < 0;
    const endB = posB >= pb && lowB < 0;
    if (endA || endB) return i32(endB) - i32(endA);
    unitPos = posA; unitLow = lowA;
    const ua = nextUnit();
    posA = unitPos; lowA = unitLow;
    unitPos = posB; unitLow = lowB;
    const ub = nextUnit();
    posB = unitPos; lowB = unitLow;
    if (ua != ub) return ua < ub ? -1 : 1;
  }
  return 0;
}

/** Runs comparator program `prog` on the records at `a` and `b`: negative, 0 or positive. */
export function compareRecords(prog: usize, a: usize, b: usize): i32 {
  const keys = load<i32>(prog);
  let p = prog + 4;
  for (let k = 0; k < keys; k++) {
    const descending = load<i32>(p);
    const skips = load<i32>(p, 4);
    p += 8;
    let xa = a;
    let xb = b;
    for (let s = 0; s < skips; s++) {
      const node = <usize>load<u32>(p);
      xa = skip(node, xa);
      xb = skip(node, xb);
      p += 4;
    }
    pa = xa;
    pb = xb;
    const r = compareNode(<usize>load<u32>(p));
    p += 4;
    if (r != 0) return descending ? -r : r;
  }
  return 0;
}

// MurmurHash3 (x86, 32-bit) over bytes.

@inline function mix(k: u32): u32 {
  k *= 0xcc9e2d51;
  k = rotl<u32>(k, 15);
  return k * 0x1b873593;
}

/** Hashes `len` bytes at `at` with `seed`; fed in chunks, every chunk but the last must be a multiple of 4 bytes. */
export function murmurBlocks(h: u32, at: usize, len: usize): u32 {
  const end = at + (len & ~3);
  while (at < end) {
    h ^= mix(load<u32>(at));
    h = rotl<u32>(h, 13);
    h = h * 5 + 0xe6546b64;
    at += 4;
  }
  return h;
}

/** Finishes a hash: the last `len & 3` bytes at `at + (len & ~3)`, then the total length. */
export function murmurFinish(h: u32, at: usize, len: usize, total: usize): u32 {
  const tail = at + (len & ~3);
  let k: u32 = 0;
  const rem = len & 3;
  if (rem == 3) k ^= <u32>load<u8>(tail, 2) << 16;
  if (rem >= 2) k ^= <u32>load<u8>(tail, 1) << 8;
  if (rem >= 1) {
    k ^= <u32>load<u8>(tail);
    h ^= mix(k);
  }
  h ^= <u32>total;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/** MurmurHash3 x86_32 of `len` bytes at `at`. */
export function murmur3(at: usize, len: usize, seed: u32): u32 {
  return murmurFinish(murmurBlocks(seed, at, len), at, len, len);
}
