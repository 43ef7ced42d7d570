// Buffer request + recycle throughput of weir's pools, beside the ways a JS
// program gets 32 KiB buffers without them: allocating one per use, or a
// minimal array free list of Uint8Arrays (no budget, no ownership checks).
import { MemoryBudget } from 'weir';
import { runSuite } from './harness.js';

const SIZE = 32 * 1024;
const budget = MemoryBudget.create({ network: '8mb', managed: 0, segmentSize: SIZE });
const pool = budget.networkBufferPool.createBufferPool({ min: 16, max: 64, name: 'bench' });
const freeList = Array.from({ length: 64 }, () => new Uint8Array(SIZE));
const held = new Array(8);
let sink = 0;

export async function run() {
  await runSuite('Pool: request one buffer, write 4 bytes, recycle it', 'request + write + recycle', [
    {
      name: 'weir LocalBufferPool',
      weir: true,
      fn() {
        const b = pool.requestBuffer();
        b.segment.putInt32(0, sink++);
        b.recycle();
      },
    },
    {
      name: 'JS array free list of Uint8Array',
      fn() {
        const b = freeList.pop();
        b[0] = sink++;
        freeList.push(b);
      },
    },
    {
      name: 'new Uint8Array(32 KiB) per use',
      fn() {
        const b = new Uint8Array(SIZE);
        b[0] = sink++;
      },
    },
  ]);

  await runSuite('Pool: request 8 buffers, then recycle the 8', '8 requests + 8 recycles', [
    {
      name: 'weir LocalBufferPool',
      weir: true,
      fn() {
        for (let i = 0; i < 8; i++) held[i] = pool.requestBuffer();
        for (let i = 0; i < 8; i++) held[i].recycle();
      },
    },
    {
      name: 'JS array free list of Uint8Array',
      fn() {
        for (let i = 0; i < 8; i++) held[i] = freeList.pop();
        for (let i = 0; i < 8; i++) freeList.push(held[i]);
      },
    },
  ]);

  // The backpressure path: the pool is empty, a request waits, a recycle hands the buffer over.
  const one = budget.networkBufferPool.createBufferPool({ min: 1, max: 1, name: 'hand-off' });
  let current = one.requestBuffer();
  const jsFree = [new Uint8Array(SIZE)];
  const jsWaiters = [];
  const jsRequest = () => (jsFree.length > 0 ? Promise.resolve(jsFree.pop()) : new Promise((resolve) => jsWaiters.push(resolve)));
  const jsRecycle = (b) => (jsWaiters.length > 0 ? jsWaiters.shift()(b) : jsFree.push(b));
  let jsCurrent = await jsRequest();
  await runSuite('Pool: a waiting request served by a recycle (the backpressure hand-off)', 'request (waits) + recycle + await', [
    {
      name: 'weir LocalBufferPool',
      weir: true,
      defer: true,
      fn(deferred) {
        const next = one.requestBufferAsync();
        current.recycle();
        next.then((b) => {
          current = b;
          deferred.resolve();
        });
      },
    },
    {
      name: 'JS free list + promise queue',
      defer: true,
      fn(deferred) {
        const next = jsRequest();
        jsRecycle(jsCurrent);
        next.then((b) => {
          jsCurrent = b;
          deferred.resolve();
        });
      },
    },
  ]);
  current.recycle();
  one.destroy();
}

export function dispose() {
  pool.destroy();
  budget.assertAllReturned();
  budget.dispose();
}
