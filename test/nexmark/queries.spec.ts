// Every Nexmark query of bench/nexmark/ (q0 … q22), run by weir over a small
// run of generated events at parallelism 1 and 2, must give the result set of
// its plain-JS reference (after the query's finalize, for queries that emit
// updates). The benchmark (npm run bench:nexmark) checks the same at 2M events.
import { expect } from 'chai';
import { NexmarkGenerator, type NexmarkConfig, type NexmarkEvent } from 'weir/nexmark';
// @ts-ignore -- plain JS, without type declarations
import { check, runWeir } from '../../../bench/nexmark/common.js';
import { budget } from '../support/leaks.js';
import { MemorySinkFileSystem } from '../support/memoryFileSystem.js';

/** Where q10 writes in this test: files in memory, read back as [path under base, text]. */
function memoryFiles() {
  const fileSystem = new MemorySinkFileSystem();
  const base = '/q10';
  const text = (chunks: Uint8Array[]) => {
    const decoder = new TextDecoder();
    return chunks.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode();
  };
  return {
    fileSystem,
    base,
    read: () => [...fileSystem.files].map(([path, chunks]) => [path.slice(base.length + 1), text(chunks)]),
    remove: () => fileSystem.files.clear(),
  };
}

// Two runs of events: Nexmark's default (10,000 events per second of event
// time, from 23:58:20, so a day boundary but few windows, one session per
// bidder and only night hours), and a sparse one (1 event per second from
// 04:00: many windows and sessions per key, all hours of the working day, and
// a new minute bucket every 60 events for q10).
const RUNS: Array<[string, NexmarkConfig]> = [
  ['default event time', { events: 20_000 }],
  ['sparse event time', { events: 20_000, firstEventRate: 1, baseTime: Date.UTC(2026, 0, 2, 4, 0, 0) }],
];

for (const [label, config] of RUNS) {
  describe(`Nexmark queries against their references (${label})`, function () {
    this.timeout(120000);

    let events: NexmarkEvent[];
    before(() => {
      events = new NexmarkGenerator(config).generateAll();
    });

    for (let n = 0; n <= 22; n++) {
      for (const parallelism of [1, 2]) {
        it(`q${n} at parallelism ${parallelism}`, async () => {
          // A template of q*.js: bundlers include exactly the query modules.
          const q = await import(`../../../bench/nexmark/q${n}.js`);
          const expected = q.reference(events);
          expect(expected.length, 'the reference finds results in these events').to.be.above(0);
          const context = n === 10 ? { files: memoryFiles() } : {};
          const { results } = await runWeir(q, events, { parallelism, budget: budget({ network: '8mb', managed: '32mb' }), name: `q${n}`, context });
          expect(check(q, results, expected)).to.equal(undefined);
        });
      }
    }
  });
}
