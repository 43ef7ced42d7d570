// Timers as state: event-time timers fire in time order when the watermark
// passes them, with the current key set; deduplicated per (key, namespace,
// time); deletion; timers registered while firing; negative and infinite
// times; many keys over many pages against a sorted reference; processing
// time; every page returned.
import { expect } from 'chai';
import fc from 'fast-check';
import { GlobalWindow, GlobalWindowNamespaceType, KeyedStateBackend, TimeWindow, TimeWindowNamespaceType, Types, ValueStateDescriptor, WeirError, type MemoryBudget } from 'weir';
import { budget, withBudget } from '../support/leaks.js';

const small = { network: '64kb', managed: '2mb', segmentSize: '4kb' } as const;

function setup<K>(b: MemoryBudget, keyType: TypeLike<K>) {
  const backend = new KeyedStateBackend<K>({ keyType, budget: b, operatorName: 'timers-op', maxParallelism: 128 });
  return backend;
}
type TypeLike<K> = ConstructorParameters<typeof KeyedStateBackend<K>>[0]['keyType'];

describe('InternalTimerService', () => {
  it('fires event-time timers in time order with their key and namespace current, once each', () => {
    const backend = setup(budget(small), Types.STRING);
    const timers = backend.createTimerService('t', TimeWindowNamespaceType);
    const w = new TimeWindow(0, 100);
    backend.setCurrentKey('b');
    timers.registerEventTimeTimer(w, 30);
    timers.registerEventTimeTimer(w, 30); // duplicate
    timers.registerEventTimeTimer(w, 10);
    backend.setCurrentKey('a');
    timers.registerEventTimeTimer(w, 20);
    timers.registerEventTimeTimer(new TimeWindow(0, 50), 20);
    expect(timers.numEventTimeTimers()).to.equal(4);
    const fired: unknown[] = [];
    timers.advanceWatermark(25, (key, ns, time) => fired.push([key, ns.end, time, backend.getCurrentKey()]));
    expect(fired).to.deep.equal([
      ['b', 100, 10, 'b'],
      ['a', 100, 20, 'a'],
      ['a', 50, 20, 'a'],
    ]);
    expect(timers.currentWatermark()).to.equal(25);
    timers.advanceWatermark(25, () => expect.fail('nothing left at 25'));
    timers.advanceWatermark(Number.POSITIVE_INFINITY, (key, _ns, time) => fired.push([key, time]));
    expect(fired.slice(3)).to.deep.equal([['b', 30]]);
    expect(timers.numEventTimeTimers()).to.equal(0);
    backend.dispose();
  });

  it('deletes timers; deleting an unknown timer is a no-op', () => {
    const backend = setup(budget(small), Types.INT);
    const timers = backend.createTimerService('t', GlobalWindowNamespaceType);
    const g = GlobalWindow.get();
    for (let k = 0; k < 10; k++) {
      backend.setCurrentKey(k);
      timers.registerEventTimeTimer(g, k * 10);
    }
    backend.setCurrentKey(3);
    timers.deleteEventTimeTimer(g, 30);
    timers.deleteEventTimeTimer(g, 31);
    timers.deleteProcessingTimeTimer(g, 30);
    backend.setCurrentKey(11);
    timers.deleteEventTimeTimer(g, 30);
    const fired: number[] = [];
    timers.advanceWatermark(1000, (k) => fired.push(k));
    expect(fired).to.deep.equal([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    backend.dispose();
  });

  it('fires timers that a callback registers at or before the watermark in the same call', () => {
    const backend = setup(budget(small), Types.INT);
    const timers = backend.createTimerService('t', GlobalWindowNamespaceType);
    const g = GlobalWindow.get();
    backend.setCurrentKey(1);
    timers.registerEventTimeTimer(g, 5);
    const fired: Array<[number, number]> = [];
    timers.advanceWatermark(10, (key, _ns, time) => {
      fired.push([key, time]);
      if (time === 5) {
        backend.setCurrentKey(2);
        timers.registerEventTimeTimer(g, 7);
        timers.registerEventTimeTimer(g, 11); // after the watermark: not now
      }
    });
    expect(fired).to.deep.equal([
      [1, 5],
      [2, 7],
    ]);
    expect(timers.numEventTimeTimers()).to.equal(1);
    timers.advanceWatermark(11, () => undefined);
    expect(timers.numEventTimeTimers()).to.equal(0);
    backend.dispose();
  });

  it('handles negative times, -0 and a watermark of -Infinity', () => {
    const backend = setup(budget(small), Types.INT);
    const timers = backend.createTimerService('t', GlobalWindowNamespaceType);
    const g = GlobalWindow.get();
    backend.setCurrentKey(1);
    for (const t of [-5, -1000, 0, -0, 3, -1]) timers.registerEventTimeTimer(g, t);
    expect(timers.numEventTimeTimers(), '0 and -0 are one timer').to.equal(5);
    const fired: number[] = [];
    timers.advanceWatermark(Number.NEGATIVE_INFINITY, () => expect.fail('nothing fires at -Infinity'));
    timers.advanceWatermark(-1, (_k, _n, t) => fired.push(t));
    expect(fired).to.deep.equal([-1000, -5, -1]);
    timers.advanceWatermark(0, (_k, _n, t) => fired.push(t));
    expect(fired).to.deep.equal([-1000, -5, -1, 0]);
    expect(() => timers.registerEventTimeTimer(g, Number.NaN)).to.throw(/NaN/);
    backend.dispose();
  });

  it('fires processing-time timers separately from event time', () => {
    const backend = setup(budget(small), Types.STRING);
    const timers = backend.createTimerService('t', GlobalWindowNamespaceType);
    const g = GlobalWindow.get();
    expect(timers.nextProcessingTimer()).to.equal(Number.POSITIVE_INFINITY);
    backend.setCurrentKey('x');
    timers.registerProcessingTimeTimer(g, 500);
    timers.registerProcessingTimeTimer(g, 200);
    timers.registerEventTimeTimer(g, 100);
    expect(timers.nextProcessingTimer()).to.equal(200);
    const fired: number[] = [];
    timers.advanceWatermark(1000, (_k, _n, t) => fired.push(t));
    timers.advanceProcessingTime(300, (_k, _n, t) => fired.push(-t));
    expect(fired).to.deep.equal([100, -200]);
    expect(timers.nextProcessingTimer()).to.equal(500);
    timers.deleteProcessingTimeTimer(g, 500);
    expect(timers.nextProcessingTimer()).to.equal(Number.POSITIVE_INFINITY);
    backend.dispose();
  });

  it('property: many keys and namespaces fire as a sorted, deduplicated reference, with deletions', () => {
    const op = fc.record({
      k: fc.integer({ min: 0, max: 300 }),
      w: fc.nat(3),
      t: fc.integer({ min: -50, max: 50 }),
      del: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400, size: 'max' }), fc.array(fc.integer({ min: -60, max: 60 }), { maxLength: 5 }), (ops, marks) => {
        withBudget(small, (b) => {
          const backend = setup(b, Types.INT);
          const timers = backend.createTimerService('t', TimeWindowNamespaceType);
          const windows = [0, 1, 2, 3].map((i) => new TimeWindow(i * 10, i * 10 + 10));
          const ref = new Map<string, [number, number, number]>();
          for (const o of ops) {
            backend.setCurrentKey(o.k);
            const id = `${o.k}/${o.w}/${o.t}`;
            if (o.del) {
              timers.deleteEventTimeTimer(windows[o.w]!, o.t);
              ref.delete(id);
            } else {
              timers.registerEventTimeTimer(windows[o.w]!, o.t);
              ref.set(id, [o.k, o.w, o.t]);
            }
          }
          expect(timers.numEventTimeTimers()).to.equal(ref.size);
          let last = Number.NEGATIVE_INFINITY;
          for (const mark of [...marks.sort((x, y) => x - y), Number.POSITIVE_INFINITY]) {
            const fired: string[] = [];
            timers.advanceWatermark(mark, (k, ns, t) => {
              expect(t).to.be.at.least(last);
              last = t;
              fired.push(`${k}/${ns.start / 10}/${t}`);
            });
            const due = [...ref.entries()].filter(([, v]) => v[2] <= mark).map(([id]) => id);
            expect(fired.sort()).to.deep.equal(due.sort());
            for (const id of due) ref.delete(id);
          }
          backend.dispose();
        });
      }),
      { numRuns: 50 },
    );
  });

  it('holds 100k timers over many pages, returns heap pages as they fire, and everything on dispose', () => {
    const b = budget({ network: '64kb', managed: '16mb', segmentSize: '4kb' });
    const backend = setup(b, Types.INT);
    const timers = backend.createTimerService('t', GlobalWindowNamespaceType);
    const g = GlobalWindow.get();
    for (let i = 0; i < 100_000; i++) {
      backend.setCurrentKey(i % 5000);
      timers.registerEventTimeTimer(g, (i * 7919) % 100_003);
    }
    expect(timers.numEventTimeTimers()).to.equal(100_000);
    const full = backend.pagesHeld;
    let n = 0;
    let last = Number.NEGATIVE_INFINITY;
    timers.advanceWatermark(50_000, (_k, _ns, t) => {
      expect(t).to.be.at.least(last);
      last = t;
      n++;
    });
    expect(n + timers.numEventTimeTimers()).to.equal(100_000);
    expect(backend.pagesHeld).to.be.below(full);
    backend.dispose();
    expect(b.memoryManager.pagesHeld()).to.equal(0);
  });

  it('requires a current key, and keeps state and timers of one key together', () => {
    const backend = setup(budget(small), Types.STRING);
    const timers = backend.createTimerService('t', GlobalWindowNamespaceType);
    expect(() => timers.registerEventTimeTimer(GlobalWindow.get(), 1)).to.throw(WeirError, /^No key set/);
    const count = backend.getState(new ValueStateDescriptor('count', Types.INT));
    for (const k of ['a', 'b', 'c']) {
      backend.setCurrentKey(k);
      count.update(k.charCodeAt(0));
      timers.registerEventTimeTimer(GlobalWindow.get(), 1);
    }
    const seen: Array<[string, number | null]> = [];
    timers.advanceWatermark(1, (k) => seen.push([k, count.value()]));
    expect(seen.sort()).to.deep.equal([
      ['a', 97],
      ['b', 98],
      ['c', 99],
    ]);
    expect(backend.createTimerService('t', GlobalWindowNamespaceType)).to.equal(timers);
    backend.dispose();
  });
});
