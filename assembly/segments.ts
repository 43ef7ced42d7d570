// Byte-level bulk work on MemorySegments: copy, fill, compare, swap.
//
// Every function takes absolute addresses in linear memory and a length in
// bytes; the TypeScript MemorySegment view checks bounds and ownership before
// it calls here, so nothing in this file re-checks them. Nothing allocates.
// Compare and swap use 128-bit SIMD lanes for the body and 8/1-byte steps for
// the tail.

/** Copies `len` bytes from `src` to `dst`; the regions may overlap. */
export function copy(src: usize, dst: usize, len: usize): void {
  memory.copy(dst, src, len);
}

/** Sets `len` bytes at `dst` to `value`. */
export function fill(dst: usize, value: u8, len: usize): void {
  memory.fill(dst, value, len);
}

/**
 * Compares `len` bytes at `a` and `b` lexicographically as unsigned bytes.
 * Returns a negative number, zero or a positive number.
 */
export function compare(a: usize, b: usize, len: usize): i32 {
  let i: usize = 0;
  // 64 bytes a step while they are equal, then 16 bytes a step: a mismatch is
  // located by the lane mask.
  while (i + 64 <= len) {
    if (differ64(a + i, b + i)) break;
    i += 64;
  }
  while (i + 16 <= len) {
    const eq = i8x16.eq(v128.load(a + i), v128.load(b + i));
    const mask = i8x16.bitmask(eq);
    if (mask != 0xffff) {
      const at = i + <usize>ctz<u32>(~mask);
      return <i32>load<u8>(a + at) - <i32>load<u8>(b + at);
    }
    i += 16;
  }
  while (i + 8 <= len) {
    const x = load<u64>(a + i);
    const y = load<u64>(b + i);
    if (x != y) {
      // Little-endian words: the first differing byte is the lowest set bit.
      const at = i + (<usize>ctz<u64>(x ^ y) >> 3);
      return <i32>load<u8>(a + at) - <i32>load<u8>(b + at);
    }
    i += 8;
  }
  while (i < len) {
    const d = <i32>load<u8>(a + i) - <i32>load<u8>(b + i);
    if (d != 0) return d;
    i++;
  }
  return 0;
}

/** True if the 64 bytes at `a` and `b` differ anywhere. */
@inline function differ64(a: usize, b: usize): bool {
  const x0 = v128.xor(v128.load(a), v128.load(b));
  const x1 = v128.xor(v128.load(a, 16), v128.load(b, 16));
  const x2 = v128.xor(v128.load(a, 32), v128.load(b, 32));
  const x3 = v128.xor(v128.load(a, 48), v128.load(b, 48));
  return v128.any_true(v128.or(v128.or(x0, x1), v128.or(x2, x3)));
}

/** Exchanges `len` bytes between `a` and `b`; the regions must not overlap. */
export function swap(a: usize, b: usize, len: usize): void {
  let i: usize = 0;
  while (i + 16 <= len) {
    const x = v128.load(a + i);
    v128.store(a + i, v128.load(b + i));
    v128.store(b + i, x);
    i += 16;
  }
  while (i + 8 <= len) {
    const x = load<u64>(a + i);
    store<u64>(a + i, load<u64>(b + i));
    store<u64>(b + i, x);
    i += 8;
  }
  while (i < len) {
    const x = load<u8>(a + i);
    store<u8>(a + i, load<u8>(b + i));
    store<u8>(b + i, x);
    i++;
  }
}

/** Compares two regions for equality only (cheaper than `compare` when order is not needed). */
export function equals(a: usize, b: usize, len: usize): bool {
  let i: usize = 0;
  while (i + 64 <= len) {
    if (differ64(a + i, b + i)) return false;
    i += 64;
  }
  while (i + 16 <= len) {
    if (!i8x16.all_true(i8x16.eq(v128.load(a + i), v128.load(b + i)))) return false;
    i += 16;
  }
  while (i < len) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}
