// Time-to-live of keyed state on a manual clock: values expire ttl after the
// last write (OnCreateAndWrite) or access (OnReadAndWrite); an expired value
// is never returned with NeverReturnExpired and is removed when touched; per
// ListState element and per MapState entry.
import { expect } from 'chai';
import {
  KeyedStateBackend,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  Types,
  ValueStateDescriptor,
  type MemoryBudget,
} from 'weir';
import { budget } from '../support/leaks.js';

function setup(b: MemoryBudget = budget({ network: '64kb', managed: '1mb', segmentSize: '4kb' })) {
  const clock = { now: 1000 };
  const backend = new KeyedStateBackend({ keyType: Types.STRING, budget: b, operatorName: 'ttl-op', maxParallelism: 128, clock: () => clock.now });
  return { clock, backend };
}

const ttl = (ms: number) => StateTtlConfig.newBuilder(ms);

describe('KeyedStateBackend TTL', () => {
  it('OnCreateAndWrite: a value expires ttl after its last write, reads do not extend it, and it is removed', () => {
    const { clock, backend } = setup();
    const d = new ValueStateDescriptor('v', Types.INT);
    d.enableTimeToLive(ttl(100).updateTtlOnCreateAndWrite().neverReturnExpired().build());
    const s = backend.getState(d);
    backend.setCurrentKey('a');
    s.update(1);
    clock.now = 1050;
    expect(s.value()).to.equal(1);
    clock.now = 1099;
    expect(s.value()).to.equal(1);
    clock.now = 1100;
    expect(s.value()).to.equal(null);
    expect(backend.numEntries).to.equal(0);
    s.update(2);
    clock.now = 1150;
    s.update(3); // a write restarts the ttl
    clock.now = 1249;
    expect(s.value()).to.equal(3);
    backend.dispose();
  });

  it('OnReadAndWrite: reads extend the ttl', () => {
    const { clock, backend } = setup();
    const d = new ValueStateDescriptor('v', Types.INT);
    d.enableTimeToLive(ttl(100).updateTtlOnReadAndWrite().build());
    const s = backend.getState(d);
    backend.setCurrentKey('a');
    s.update(1);
    for (let t = 1050; t < 1500; t += 90) {
      clock.now = t;
      expect(s.value(), `at ${t}`).to.equal(1);
    }
    clock.now += 100;
    expect(s.value()).to.equal(null);
    backend.dispose();
  });

  it('ReturnExpiredIfNotCleanedUp may return an expired value', () => {
    const { clock, backend } = setup();
    const d = new ValueStateDescriptor('v', Types.INT);
    d.enableTimeToLive(ttl(10).returnExpiredIfNotCleanedUp().build());
    const s = backend.getState(d);
    backend.setCurrentKey('a');
    s.update(1);
    clock.now = 5000;
    expect(s.value()).to.equal(1);
    backend.dispose();
  });

  it('expires ListState elements one by one and drops them from the list', () => {
    const { clock, backend } = setup();
    const d = new ListStateDescriptor('l', Types.STRING);
    d.enableTimeToLive(ttl(100).build());
    const l = backend.getListState(d);
    backend.setCurrentKey('a');
    l.add('old1');
    l.add('old2');
    clock.now = 1060;
    l.add('new');
    clock.now = 1100;
    expect(l.get()).to.deep.equal(['new']);
    clock.now = 1159;
    expect(l.get()).to.deep.equal(['new']);
    clock.now = 1160;
    expect(l.get()).to.deep.equal([]);
    expect(backend.numEntries).to.equal(0);
    backend.dispose();
  });

  it('expires MapState entries one by one', () => {
    const { clock, backend } = setup();
    const d = new MapStateDescriptor('m', Types.STRING, Types.INT);
    d.enableTimeToLive(ttl(100).updateTtlOnReadAndWrite().build());
    const m = backend.getMapState(d);
    backend.setCurrentKey('a');
    m.put('x', 1);
    m.put('y', 2);
    clock.now = 1080;
    expect(m.get('x')).to.equal(1); // refreshes x only
    clock.now = 1150;
    expect(m.contains('y')).to.equal(false);
    expect([...m.entries()]).to.deep.equal([['x', 1]]);
    clock.now = 1400;
    expect(m.isEmpty()).to.equal(true);
    expect(backend.numEntries).to.equal(0);
    backend.dispose();
  });

  it('a reducing state starts again from the added value once its value expired', () => {
    const { clock, backend } = setup();
    const d = new ReducingStateDescriptor<number>('sum', (a, b) => a + b, Types.DOUBLE);
    d.enableTimeToLive(ttl(100).build());
    const s = backend.getReducingState(d);
    backend.setCurrentKey('a');
    s.add(1);
    s.add(2);
    clock.now = 1200;
    s.add(5);
    expect(s.get()).to.equal(5);
    backend.dispose();
  });
});
