// Bulk byte work on 32 KiB segments — copy, compare, swap — done in wasm
// (memory.copy, SIMD compare and swap) beside the JS ways to do the same on
// the same bytes: Uint8Array.prototype.set / copyWithin, a byte loop, and in
// Node Buffer.compare.
import { MemoryBudget } from 'weir';
import { runSuite } from './harness.js';

const SIZE = 32 * 1024;
const budget = MemoryBudget.create({ network: '1mb', managed: '1mb', segmentSize: SIZE });
const owner = { name: 'bench' };
const [a, b] = budget.memoryManager.allocatePages(owner, 2);
// The same bytes seen as Uint8Arrays over linear memory, for the JS cases.
const va = a.view(0, SIZE);
const vb = b.view(0, SIZE);
for (let i = 0; i < SIZE; i++) va[i] = (i * 31) & 0xff;
const hasBuffer = typeof globalThis.Buffer === 'function';
let sink = 0;

function jsLoopCompare(x, y, n) {
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    if (d !== 0) return d;
  }
  return 0;
}

export async function run() {
  for (const len of [SIZE, 256, 16]) {
    const label = len === SIZE ? '32 KiB' : `${len} B`;
    await runSuite(`Copy ${label} between two segments`, `copy of ${label}`, [
      { name: 'weir segment.copyTo (wasm memory.copy)', weir: true, fn: () => a.copyTo(0, b, 0, len) },
      { name: 'Uint8Array.prototype.set', fn: () => vb.set(len === SIZE ? va : va.subarray(0, len)) },
      {
        name: 'JS byte loop',
        fn() {
          for (let i = 0; i < len; i++) vb[i] = va[i];
        },
      },
    ]);
  }

  a.copyTo(0, b, 0, SIZE); // equal bytes: compare must look at all of them
  for (const len of [SIZE, 256, 16]) {
    const label = len === SIZE ? '32 KiB' : `${len} B`;
    const cases = [
      { name: 'weir segment.compare (wasm SIMD)', weir: true, fn: () => (sink += a.compare(b, 0, 0, len)) },
      { name: 'JS byte loop', fn: () => (sink += jsLoopCompare(va, vb, len)) },
    ];
    if (hasBuffer) {
      const ba = Buffer.from(va.buffer, va.byteOffset, len);
      const bb = Buffer.from(vb.buffer, vb.byteOffset, len);
      cases.push({ name: 'Node Buffer.compare', fn: () => (sink += Buffer.compare(ba, bb)) });
    }
    await runSuite(`Compare ${label} of equal bytes`, `compare of ${label}`, cases);
  }

  const tmp = new Uint8Array(SIZE);
  await runSuite('Swap 32 KiB between two segments', 'swap of 32 KiB', [
    { name: 'weir segment.swapBytes (wasm SIMD)', weir: true, fn: () => a.swapBytes(b, 0, 0, SIZE) },
    {
      name: 'Uint8Array.set through a temp buffer',
      fn() {
        tmp.set(va);
        va.set(vb);
        vb.set(tmp);
      },
    },
  ]);
  if (sink === 0.5) console.log(sink); // keep the results alive
}

export function dispose() {
  budget.memoryManager.releaseAll(owner);
  budget.assertAllReturned();
  budget.dispose();
}
