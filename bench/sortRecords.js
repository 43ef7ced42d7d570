// The records of the sort benchmarks: { key: integer < 2^53, payload: 20 characters }, deterministic.
export function* generate(n, seed) {
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0);
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < n; i++) {
    const key = (next() * 2097152 + (next() & 0x1fffff)) % 2 ** 53;
    let payload = '';
    for (let k = 0; k < 20; k++) payload += chars[next() % 36];
    yield { key, payload };
  }
}
