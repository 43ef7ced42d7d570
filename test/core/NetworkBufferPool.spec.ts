// NetworkBufferPool and LocalBufferPool: lazy allocation, redistribution on
// create/destroy, where a recycled buffer goes, waiters served in order,
// exhaustion, misuse, and a model-based property test of random sequences.
import { expect } from 'chai';
import fc from 'fast-check';
import { BufferPoolError, ConfigurationError, MemoryBudgetError, MemorySegmentError, type LocalBufferPool, type NetworkBuffer } from 'weir';
import { budget, untrack, withBudget } from '../support/leaks.js';

const SEG = 1024;
const withSegments = (n: number) => budget({ network: n * SEG, managed: 0, segmentSize: SEG });
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('NetworkBufferPool', () => {
  it('holds the configured number of segments, by default 2048 of 32 KiB', () => {
    const b = budget({ managed: 0 });
    expect(b.networkBufferPool.totalSegments).to.equal(2048);
    expect(b.networkBufferPool.segmentSize).to.equal(32 * 1024);
    expect(b.networkBufferPool.numAvailable).to.equal(2048);
  });

  it('takes segments from the global pool lazily, one per request beyond the local free list', () => {
    const { networkBufferPool: global } = withSegments(16);
    const pool = global.createBufferPool({ min: 2, max: 8, name: 'out' });
    expect(global.numAvailable, 'creating a pool takes nothing').to.equal(16);
    const a = pool.requestBuffer()!;
    expect(global.numAvailable).to.equal(15);
    const c = pool.requestBuffer()!;
    expect(global.numAvailable).to.equal(14);
    a.recycle();
    expect(global.numAvailable, 'recycled under its size: stays local').to.equal(14);
    expect(pool.numAvailable).to.equal(1);
    const d = pool.requestBuffer()!;
    expect(d.segment.id, 'the local free list is used first').to.equal(a.segment.id);
    expect(global.numAvailable).to.equal(14);
    c.recycle();
    d.recycle();
    pool.destroy();
    expect(global.numAvailable).to.equal(16);
  });

  it('redistributes spare segments among pools on create and destroy, in proportion to max − min', () => {
    const { networkBufferPool: global } = withSegments(100);
    const a = global.createBufferPool({ min: 10, name: 'a' });
    expect(a.numBuffers, 'alone it may use everything').to.equal(100);
    const b = global.createBufferPool({ min: 10, name: 'b' });
    expect([a.numBuffers, b.numBuffers]).to.deep.equal([50, 50]);
    const c = global.createBufferPool({ min: 4, max: 6, name: 'c' });
    // spare = 76; a and b can take 76 each, c only 2: shares 76:76:2.
    const sizes = [a.numBuffers, b.numBuffers, c.numBuffers];
    expect(sizes.reduce((x, y) => x + y)).to.equal(100);
    expect(c.numBuffers).to.be.within(4, 6);
    expect(Math.abs(a.numBuffers - b.numBuffers)).to.be.at.most(1);
    const fixed = global.createBufferPool({ min: 5, max: 5, name: 'fixed' });
    expect(fixed.numBuffers).to.equal(5);
    b.destroy();
    expect(a.numBuffers + c.numBuffers + fixed.numBuffers).to.equal(100);
    expect(c.numBuffers).to.equal(6);
    expect(fixed.numBuffers).to.equal(5);
    expect(global.numRequired).to.equal(19);
    for (const p of [a, c, fixed]) p.destroy();
    expect(global.numPools).to.equal(0);
  });

  it('refuses a pool whose minimum the remaining segments cannot cover, naming the pool and the numbers', () => {
    const { networkBufferPool: global } = withSegments(8);
    const a = global.createBufferPool({ min: 6, name: 'a' });
    expect(() => global.createBufferPool({ min: 3, name: 'b' })).to.throw(MemoryBudgetError, /LocalBufferPool "b" requires 3 network buffers, but only 2 of 8/);
    expect(() => global.createBufferPool({ min: 9, name: 'huge' })).to.throw(MemoryBudgetError, /requires 9 network buffers/);
    expect(global.numPools, 'a refused pool is not registered').to.equal(1);
    a.destroy();
  });

  it('refuses invalid pool sizes', () => {
    const { networkBufferPool: global } = withSegments(8);
    expect(() => global.createBufferPool({ min: 0, name: 'z' })).to.throw(ConfigurationError, /"z": min must be an integer ≥ 1, got 0/);
    expect(() => global.createBufferPool({ min: 1.5 })).to.throw(ConfigurationError, /min must be an integer/);
    expect(() => global.createBufferPool({ min: 3, max: 2, name: 'm' })).to.throw(ConfigurationError, /"m": max must be an integer ≥ min \(3\)/);
  });
});

describe('LocalBufferPool', () => {
  it('returns null when exhausted, and a buffer again after a recycle', () => {
    const { networkBufferPool: global } = withSegments(4);
    const pool = global.createBufferPool({ min: 2, max: 2 });
    const a = pool.requestBuffer()!;
    const b = pool.requestBuffer()!;
    expect(pool.requestBuffer()).to.equal(null);
    expect(pool.isAvailable).to.equal(false);
    expect(global.numAvailable, 'the pool stops at its size, not at the global pool').to.equal(2);
    a.recycle();
    expect(pool.isAvailable).to.equal(true);
    pool.requestBuffer()!.recycle();
    b.recycle();
    pool.destroy();
  });

  it('a recycled buffer goes back to the global pool while its pool holds more than its (shrunk) size', () => {
    const { networkBufferPool: global } = withSegments(12);
    const a = global.createBufferPool({ min: 1, max: 13, name: 'a' });
    const held = Array.from({ length: 10 }, () => a.requestBuffer()!);
    expect(a.numBuffers).to.equal(12);
    const b = global.createBufferPool({ min: 2, max: 8, name: 'b' });
    expect(a.numBuffers, 'a shrinks when b arrives').to.equal(6);
    expect(a.numRequested).to.equal(10);
    held.pop()!.recycle();
    expect(a.numAvailable, 'not kept while over size').to.equal(0);
    expect(global.numAvailable).to.equal(3);
    while (held.length > 6) held.pop()!.recycle();
    expect(a.numRequested).to.equal(6);
    held.pop()!.recycle();
    expect(a.numAvailable, 'kept once within its size').to.equal(1);
    expect(global.numAvailable).to.equal(6);
    for (const x of held) x.recycle();
    a.destroy();
    b.destroy();
  });

  it('wakes waiting requests in order as buffers come back', async () => {
    const { networkBufferPool: global } = withSegments(2);
    const pool = global.createBufferPool({ min: 2, max: 2 });
    const held = [pool.requestBuffer()!, pool.requestBuffer()!];
    const order: number[] = [];
    const waits = [0, 1, 2].map((i) => pool.requestBufferAsync().then((buf) => (order.push(i), buf)));
    await tick();
    expect(order).to.deep.equal([]);
    expect(pool.numWaiting).to.equal(3);
    expect(pool.requestBuffer(), 'a sync request does not overtake waiters').to.equal(null);
    held[1]!.recycle();
    await tick();
    expect(order).to.deep.equal([0]);
    held[0]!.recycle();
    const first = await waits[0]!;
    first.recycle();
    const got = await Promise.all(waits);
    expect(order).to.deep.equal([0, 1, 2]);
    for (const buf of got.slice(1)) buf.recycle();
    pool.destroy();
  });

  it('a waiting request of a pool below its size is served from the global pool when another pool returns a segment', async () => {
    const { networkBufferPool: global } = withSegments(4);
    const a = global.createBufferPool({ min: 1, max: 4, name: 'a' });
    const b = global.createBufferPool({ min: 1, max: 4, name: 'b' });
    expect([a.numBuffers, b.numBuffers]).to.deep.equal([2, 2]);
    const heldA = [a.requestBuffer()!, a.requestBuffer()!];
    b.destroy(); // a grows to 4, and the global pool has 2 free
    expect(a.numBuffers).to.equal(4);
    const heldB = [a.requestBuffer()!, a.requestBuffer()!];
    const c = global.createBufferPool({ min: 2, max: 2, name: 'c' }); // a shrinks to 2 but holds 4
    expect(a.numBuffers).to.equal(2);
    const waiting = c.requestBufferAsync();
    heldB[0]!.recycle(); // a is over its size: the segment goes to the global pool, then to c's waiter
    const buf = await waiting;
    expect(buf.segment.id).to.equal(heldB[0]!.segment.id);
    expect(a.numRequested).to.equal(3);
    buf.recycle();
    for (const x of [...heldA, heldB[1]!]) x.recycle();
    expect(a.numRequested, 'a keeps only its size').to.equal(2);
    a.destroy();
    c.destroy();
  });

  it('a request can be cancelled with an AbortSignal', async () => {
    const { networkBufferPool: global } = withSegments(1);
    const pool = global.createBufferPool({ min: 1, max: 1 });
    const held = pool.requestBuffer()!;
    const controller = new AbortController();
    const waiting = pool.requestBufferAsync(controller.signal);
    controller.abort(new Error('job cancelled'));
    let error: unknown;
    try {
      await waiting;
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error).with.property('message', 'job cancelled');
    expect(pool.numWaiting).to.equal(0);
    held.recycle();
    expect(pool.numAvailable, 'the cancelled waiter took nothing').to.equal(1);
    const aborted = AbortSignal.abort(new Error('already'));
    await pool.requestBufferAsync(aborted).then(
      () => expect.fail('should reject'),
      (e) => expect(e.message).to.equal('already'),
    );
    pool.destroy();
  });

  it('destroy rejects waiting requests, frees idle segments, and takes in-flight buffers back when recycled', async () => {
    const { networkBufferPool: global } = withSegments(4);
    const pool = global.createBufferPool({ min: 3, max: 3, name: 'gate' });
    const inFlight = [pool.requestBuffer()!, pool.requestBuffer()!];
    pool.requestBuffer()!.recycle(); // one idle segment on the free list
    const extra = pool.requestBuffer()!; // takes the idle one back
    extra.recycle();
    expect([pool.numRequested, pool.numAvailable]).to.deep.equal([3, 1]);
    const last = pool.requestBuffer()!;
    const waits = [pool.requestBufferAsync(), pool.requestBufferAsync()];
    expect(pool.numWaiting).to.equal(2);
    pool.destroy();
    const outcomes = await Promise.allSettled(waits);
    for (const o of outcomes) {
      expect(o.status).to.equal('rejected');
      expect((o as PromiseRejectedResult).reason).to.be.instanceOf(BufferPoolError).with.property('message').match(/"gate" was destroyed while a buffer request was waiting/);
    }
    expect(() => pool.requestBuffer()).to.throw(BufferPoolError, /"gate": requestBuffer after the pool was destroyed/);
    await pool.requestBufferAsync().then(
      () => expect.fail('should reject'),
      (e) => expect(e).to.be.instanceOf(BufferPoolError),
    );
    expect(global.numAvailable, 'only in-flight buffers are still out').to.equal(1);
    expect(() => global.assertAllReturned()).to.throw(BufferPoolError, /"gate" \(destroyed\): 3/);
    for (const b of [...inFlight, last]) b.recycle();
    expect(global.numAvailable, 'recycled after destroy: back to the global pool').to.equal(4);
  });

  it('when a pool grows, its waiting requests are all served from the global pool, oldest first', async () => {
    const { networkBufferPool: global } = withSegments(8);
    const a = global.createBufferPool({ min: 2, max: 8, name: 'a' });
    const b = global.createBufferPool({ min: 4, max: 4, name: 'b' });
    expect(a.numBuffers).to.equal(4);
    const held = Array.from({ length: 4 }, () => a.requestBuffer()!);
    const order: number[] = [];
    const waits = [0, 1, 2].map((i) => a.requestBufferAsync().then((buf) => (order.push(i), buf)));
    b.destroy(); // a may now hold 8: three waiters, three free segments
    const got = await Promise.all(waits);
    expect(order).to.deep.equal([0, 1, 2]);
    expect(a.numWaiting).to.equal(0);
    for (const x of [...held, ...got]) x.recycle();
    a.destroy();
  });

  it('refuses a double recycle and access after recycle, naming the segment and the pool', () => {
    const { networkBufferPool: global } = withSegments(2);
    const pool = global.createBufferPool({ min: 1, name: 'src' });
    const buf = pool.requestBuffer()!;
    buf.segment.putInt32(0, 5);
    buf.recycle();
    expect(buf.isRecycled).to.equal(true);
    expect(() => buf.recycle()).to.throw(BufferPoolError, new RegExp(`NetworkBuffer on segment #${buf.segment.id} of LocalBufferPool "src": cannot recycle, the buffer was already recycled`));
    expect(() => buf.retain()).to.throw(BufferPoolError, /cannot retain/);
    expect(() => buf.segment.getInt32(0)).to.throw(MemorySegmentError, /was released by LocalBufferPool "src"/);
    expect(pool.numAvailable, 'the double recycle changed nothing').to.equal(1);
    pool.destroy();
  });

  it('a retained buffer returns to the pool only after every reference is recycled', () => {
    const { networkBufferPool: global } = withSegments(2);
    const pool = global.createBufferPool({ min: 1, max: 1 });
    const buf = pool.requestBuffer()!.retain().retain();
    expect(buf.referenceCount).to.equal(3);
    buf.recycle();
    buf.recycle();
    expect(pool.requestBuffer(), 'still held by one receiver').to.equal(null);
    buf.recycle();
    pool.requestBuffer()!.recycle();
    pool.destroy();
  });

  it('assertAllReturned names the pool and the segments of buffers not recycled', () => {
    const b = withSegments(4);
    untrack(b);
    const pool = b.networkBufferPool.createBufferPool({ min: 1, name: 'leaky' });
    const leaked = pool.requestBuffer()!;
    pool.requestBuffer()!.recycle();
    expect(() => pool.assertAllReturned()).to.throw(BufferPoolError, new RegExp(`"leaky": 1 buffer\\(s\\) not recycled \\(segments #${leaked.segment.id}\\)`));
    expect(() => b.assertAllReturned()).to.throw(BufferPoolError, /NetworkBufferPool: 1 buffer\(s\) not recycled — "leaky": 1/);
    leaked.recycle();
    pool.assertAllReturned();
    b.assertAllReturned();
  });

  it('buffers carry their size and capacity', () => {
    const { networkBufferPool: global } = withSegments(1);
    const pool = global.createBufferPool({ min: 1 });
    const buf = pool.requestBuffer()!;
    expect(buf.capacity).to.equal(SEG);
    expect(buf.size).to.equal(0);
    buf.segment.putInt32(0, 1);
    buf.size = 4;
    for (const bad of [-1, SEG + 1, 1.5, Number.NaN]) {
      expect(() => (buf.size = bad)).to.throw(RangeError, new RegExp(`size must be an integer from 0 to ${SEG}, got ${bad}`));
    }
    expect(buf.size).to.equal(4);
    buf.recycle();
    const again = pool.requestBuffer()!;
    expect(again.size, 'a new buffer starts empty').to.equal(0);
    again.recycle();
    pool.destroy();
  });

  describe('property: random create/destroy/request/recycle sequences', () => {
    type Op =
      | { kind: 'create'; min: number; span: number }
      | { kind: 'destroy'; pool: number }
      | { kind: 'request'; pool: number }
      | { kind: 'requestAsync'; pool: number }
      | { kind: 'recycle'; pick: number }
      | { kind: 'retain'; pick: number };

    const pool = fc.nat();
    const pick = fc.nat();
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), min: fc.integer({ min: 1, max: 3 }), span: fc.integer({ min: 0, max: 8 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('destroy' as const), pool }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('request' as const), pool }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('requestAsync' as const), pool }) },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('recycle' as const), pick }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('retain' as const), pick }) },
    );

    it('never hands a segment to two holders, never loses one, and serves every waiter once buffers return', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 120 }), async (ops) => {
          const TOTAL = 8;
          await withBudget({ network: TOTAL * SEG, managed: 0, segmentSize: SEG }, async ({ networkBufferPool: global }) => {
          const pools: LocalBufferPool[] = [];
          // Model: each holding is a (buffer, remaining references) pair; a segment id is held at most once.
          const held = new Map<NetworkBuffer, number>();
          const heldIds = new Set<number>();
          const pending: Promise<unknown>[] = [];
          const take = (buf: NetworkBuffer) => {
            expect(heldIds.has(buf.segment.id), `segment #${buf.segment.id} handed out twice`).to.equal(false);
            heldIds.add(buf.segment.id);
            held.set(buf, 1);
            buf.segment.putInt32(0, buf.segment.id); // the bytes are ours to write
          };
          const check = () => {
            let localHeld = 0;
            for (const p of pools) {
              localHeld += p.numRequested;
              expect(p.numRequested - p.numAvailable).to.equal(p.numInUse);
              expect(p.numAvailable === 0 || p.numWaiting === 0, 'a waiter while the free list has segments').to.equal(true);
              if (!p.isDestroyed) {
                expect(p.numRequested <= p.numBuffers || p.numAvailable === 0, 'a pool over its size keeps idle segments').to.equal(true);
              }
              if (p.numWaiting > 0) {
                const stuck = p.numRequested < p.numBuffers && global.numAvailable > 0;
                expect(stuck, 'a waiter of a pool below its size while the global pool has segments').to.equal(false);
              }
            }
            const sizes = pools.filter((p) => !p.isDestroyed).reduce((s, p) => s + p.numBuffers, 0);
            expect(sizes, 'pool sizes exceed the segments').to.be.at.most(TOTAL);
            expect(global.numAvailable + localHeld, 'segments lost or duplicated').to.equal(TOTAL);
            expect(pools.reduce((s, p) => s + p.numInUse, 0), 'in-use count differs from the holders').to.equal(heldIds.size);
            for (const buf of held.keys()) expect(buf.segment.getInt32(0)).to.equal(buf.segment.id);
          };
          for (const o of ops) {
            const live = pools.filter((p) => !p.isDestroyed);
            if (o.kind === 'create') {
              if (global.numRequired + o.min <= TOTAL) pools.push(global.createBufferPool({ min: o.min, max: o.min + o.span }));
              else expect(() => global.createBufferPool({ min: o.min })).to.throw(MemoryBudgetError);
            } else if (o.kind === 'destroy' && live.length > 0) {
              live[o.pool % live.length]!.destroy();
            } else if (o.kind === 'request' && live.length > 0) {
              const buf = live[o.pool % live.length]!.requestBuffer();
              if (buf) take(buf);
            } else if (o.kind === 'requestAsync' && live.length > 0) {
              pending.push(live[o.pool % live.length]!.requestBufferAsync().then(take, (e) => expect(e).to.be.instanceOf(BufferPoolError)));
            } else if ((o.kind === 'recycle' || o.kind === 'retain') && held.size > 0) {
              const buf = [...held.keys()][o.pick % held.size]!;
              if (o.kind === 'retain') {
                buf.retain();
                held.set(buf, held.get(buf)! + 1);
              } else {
                const left = held.get(buf)! - 1;
                if (left === 0) {
                  held.delete(buf);
                  heldIds.delete(buf.segment.id);
                } else held.set(buf, left);
                buf.recycle();
              }
            }
            await tick();
            check();
          }
          // Return everything; every waiter is then served or rejected by destroy.
          while (held.size > 0) {
            for (const [buf, refs] of [...held]) {
              for (let i = 0; i < refs; i++) buf.recycle();
              held.delete(buf);
              heldIds.delete(buf.segment.id);
            }
            await tick();
          }
          check();
          for (const p of pools) expect(p.numWaiting, 'a waiter left although every buffer was returned').to.equal(0);
          for (const p of pools) p.destroy();
          await Promise.all(pending);
          for (const [buf, refs] of [...held]) for (let i = 0; i < refs; i++) buf.recycle();
          expect(global.numAvailable).to.equal(TOTAL);
          });
        }),
        { numRuns: 200 },
      );
    });
  });
});
