// The key+pointer sort beside Array.prototype.sort and a raw wasm radix sort,
// on 1M records { key: integer up to 2^53, payload: 20-character string };
// then an external sort of 10M records in 64 MiB of managed memory.
//
//   (a) records already in weir's memory: weir's index sort vs Array.prototype.sort of the objects
//   (b) end to end, objects in and sorted objects out: serialize + sort + deserialize vs Array.prototype.sort
//   (c) weir's index sort vs a plain LSD radix sort of the bare u64 keys in wasm (the ceiling)
//   (d) external sort: time and peak RSS
//
// Options: --records N (default 1,000,000), --external N (default 10,000,000; 0 to skip).
import { KeyPointerSorter, MemoryBudget, Types } from 'weir';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generate } from './sortRecords.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const N = arg('--records', quick ? 200_000 : 1_000_000);
const EXTERNAL = arg('--external', quick ? 1_000_000 : 10_000_000);
const REPS = quick ? 2 : 3;

const Rec = Types.OBJECT({ key: Types.LONG, payload: Types.STRING });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const fmt = (ms) => `${ms.toFixed(0)} ms`;
const ratio = (peer, weir) => `${(peer / weir).toFixed(1)}×`;

export async function run() {
  console.log(`\nSort of ${N.toLocaleString()} records { key: integer < 2^53, payload: 20 chars } — median of ${REPS} runs`);
  const records = [...generate(N, 1)];
  const pageSize = 32 * 1024;
  const budget = MemoryBudget.create({ network: '1mb', managed: '512mb', segmentSize: pageSize });
  const sorter = new KeyPointerSorter({ type: Rec, keys: ["key"], budget, pages: Math.ceil((N * 72) / pageSize) + 16 });

  // (a) the records are in weir's memory as bytes: time the sort alone.
  const weirSort = [];
  // One more run than measured: the first touches the pages for the first time (page faults).
  for (let r = -1; r < REPS; r++) {
    sorter.reset();
    for (const rec of records) if (!sorter.write(rec)) throw new Error('sorter full');
    const ms = time(() => sorter.sort());
    if (r >= 0) weirSort.push(ms);
  }
  const check = [...sorter];
  for (let i = 1; i < check.length; i++) if (check[i - 1].key > check[i].key) throw new Error('weir sort out of order');
  const arraySort = [];
  for (let r = 0; r < REPS; r++) {
    const copy = records.slice();
    arraySort.push(time(() => copy.sort((a, b) => a.key - b.key)));
  }
  const a = median(weirSort);
  const b = median(arraySort);
  console.log(`  (a) in memory   weir index sort ${fmt(a).padStart(8)}   Array.prototype.sort ${fmt(b).padStart(8)}   weir is ${ratio(b, a)} faster`);

  // (b) end to end: JS objects in, sorted JS objects out.
  const weirE2E = [];
  for (let r = 0; r < REPS; r++) {
    weirE2E.push(
      time(() => {
        sorter.reset();
        for (const rec of records) sorter.write(rec);
        sorter.sort();
        const out = new Array(N);
        let i = 0;
        for (const rec of sorter) out[i++] = rec;
        if (i !== N) throw new Error('lost records');
      }),
    );
  }
  const arrayE2E = [];
  for (let r = 0; r < REPS; r++) arrayE2E.push(time(() => records.slice().sort((x, y) => x.key - y.key)));
  const c = median(weirE2E);
  const d = median(arrayE2E);
  console.log(`  (b) end to end  weir write+sort+read ${fmt(c).padStart(8)}   Array.prototype.sort (copy+sort) ${fmt(d).padStart(8)}   weir is ${ratio(d, c)} ${c <= d ? 'faster' : 'as fast'}`);

  // (c) the ceiling: a raw wasm LSD radix sort of the bare u64 keys in contiguous memory.
  const owner = { name: 'radix bench' };
  const need = Math.ceil((N * 16 + 1024) / pageSize);
  const pages = budget.memoryManager.allocatePages(owner, need);
  for (let i = 1; i < pages.length; i++) if (pages[i].address !== pages[i - 1].address + pageSize) throw new Error('radix bench needs contiguous pages');
  const keysAt = pages[0].address;
  const tmpAt = keysAt + N * 8;
  const countsAt = tmpAt + N * 8;
  const core = budget.memory.core; // internal: the bench reaches the wasm exports directly
  const view = budget.memory.view;
  const radix = [];
  for (let r = 0; r < REPS; r++) {
    for (let i = 0; i < N; i++) view.setBigUint64(keysAt + i * 8, BigInt(records[i].key), true);
    radix.push(time(() => core.radixSortU64(keysAt, tmpAt, countsAt, N)));
  }
  for (let i = 1; i < N; i++) if (view.getBigUint64(keysAt + (i - 1) * 8, true) > view.getBigUint64(keysAt + i * 8, true)) throw new Error('radix out of order');
  const e = median(radix);
  console.log(`  (c) the ceiling weir index sort ${fmt(a).padStart(8)}   raw wasm u64 radix sort ${fmt(e).padStart(8)}   weir takes ${ratio(a, e)} the radix sort's time`);
  budget.memoryManager.releaseAll(owner);
  sorter.dispose();
  budget.assertAllReturned();
  budget.dispose();

  // (d) external sort within 64 MiB of managed memory, in a process of its own (its peak RSS is its own).
  if (EXTERNAL > 0) {
    const script = fileURLToPath(new URL('./externalSort.js', import.meta.url));
    const r = JSON.parse(execFileSync(process.execPath, [script, String(EXTERNAL)], { encoding: 'utf8' }).trim().split('\n').pop());
    const mib = (x) => `${(x / 2 ** 20).toFixed(0)} MiB`;
    console.log(
      `  (d) external    ${r.records.toLocaleString()} records in 64 MiB of managed memory: ${(r.ms / 1000).toFixed(1)} s ` +
        `(${((r.records / r.ms) * 1000 / 1e6).toFixed(2)}M records/s, of which generating the records alone takes ${(r.generateMs / 1000).toFixed(1)} s); ` +
        `${r.runs} runs, ${r.mergePasses} merge passes, ${mib(r.spilledBytes)} spilled; RSS ${mib(r.rssBefore)} before the sort, peak ${mib(r.peakRss)}`,
    );
  }
}

export function dispose() {}
