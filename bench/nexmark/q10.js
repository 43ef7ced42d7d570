// Nexmark q10, log to file system: every bid written to files partitioned by
// the day and the minute of its time (UTC), as Flink's q10 does with its
// filesystem sink `PARTITIONED BY (dt, hm)`:
//
//   SELECT auction, bidder, price, dateTime, extra,
//          DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS dt, DATE_FORMAT(dateTime, 'HH:mm') AS hm FROM bid
//
// weir writes it with a FileSink: one directory per partition, `<dir>/<dt>/<HH-mm>`
// (':' is not allowed in Windows paths), part files `part-<subtask>-<n>` per
// parallel instance, rolled at 16 MiB; each file holds CSV lines
// `auction,bidder,price,dateTime,extra` (dateTime in epoch ms; the partition
// columns are in the path, as in Flink's filesystem connector).
//
// Contract with the runner (there is no collecting sink):
//   weir(events, ctx) adds the file sink and returns undefined. It writes where
//                     ctx.files says ({ fileSystem, base, read(), remove() }: a
//                     FileSinkFileSystem, the base directory, every file read back as
//                     [path under base, text], and removing them), by default under a
//                     new temporary directory of Node's file system. The latest run's
//                     files are remembered.
//   finalize()        reads back the files of the latest weir() run (readBack) and
//                     removes them: the results to compare. So verify.js and the
//                     runner run q10 as they run any query.
//   readBack()        the rows in the files of the latest run, each with the dt and hm
//                     of its directory ({ auction, bidder, price, dateTime, extra, dt,
//                     hm: 'HH:mm' }); throws if a file is misnamed or a line is not whole.
//   cleanup()         removes the latest run's files (finalize does; a runner that only
//                     times the job calls it; Node's temporary directories also go at exit).
//   reference(events) the bids' projected rows with their dt/hm computed from dateTime.
//
// The module imports nothing of Node's, so that it loads in browsers (where a test
// passes files in memory).
import { DefaultRollingPolicy, FileSink, Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'log to file system';
export const description = 'every bid written to files partitioned by yyyy-MM-dd / HH:mm of its time';

const LogRow = Types.OBJECT({ auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG, extra: Types.STRING, dt: Types.STRING, hm: Types.STRING });

/** DATE_FORMAT(t, 'yyyy-MM-dd') and DATE_FORMAT(t, 'HH:mm') in UTC. */
export function partitionOf(t) {
  const iso = new Date(t - (t % 60_000)).toISOString(); // 2026-01-01T23:58:00.000Z
  return { dt: iso.slice(0, 10), hm: iso.slice(11, 16) };
}

// The bids arrive in time order (within the 4 s bound), so most fall in the
// minute before: a one-entry memo of the formatting (a pure function, no state).
let memoMinute = Number.NaN;
let memo = { dt: '', hm: '' };
function partitionCached(t) {
  const minute = t - (t % 60_000);
  if (minute !== memoMinute) {
    memo = partitionOf(minute);
    memoMinute = minute;
  }
  return memo;
}

const toRow = (b) => {
  const { dt, hm } = partitionCached(b.dateTime);
  return { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra, dt, hm };
};

const csvField = (s) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const encode = (r) => `${r.auction},${r.bidder},${r.price},${r.dateTime},${csvField(r.extra)}\n`;
const bucketOf = (r) => `${r.dt}/${r.hm.replace(':', '-')}`;

/** Files under a new temporary directory of Node's file system (node:fs looked up, not imported). */
function nodeFiles() {
  const getBuiltin = globalThis.process?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') throw new Error('q10: no Node file system here; pass ctx.files');
  const fs = getBuiltin('node:fs');
  const path = getBuiltin('node:path');
  const base = fs.mkdtempSync(path.join(getBuiltin('node:os').tmpdir(), 'weir-nexmark-q10-'));
  const remove = () => fs.rmSync(base, { recursive: true, force: true });
  globalThis.process.once('exit', remove);
  const walk = (dir) =>
    fs.readdirSync(path.join(base, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      return e.isDirectory() ? walk(rel) : [[rel, fs.readFileSync(path.join(base, rel), 'utf8')]];
    });
  return { fileSystem: undefined, base, read: () => walk(''), remove };
}

let latest;

export function weir(events, ctx = {}) {
  latest = ctx.files ?? nodeFiles();
  let builder = FileSink.forRowFormat(latest.base, encode)
    .withBucketAssigner(bucketOf)
    .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize('16mb').build());
  if (latest.fileSystem !== undefined) builder = builder.withFileSystem(latest.fileSystem);
  bids(events).map(toRow, LogRow).name('q10: (…, dt, hm)').sinkTo(builder.build()).name('q10: files');
  return undefined;
}

/** Parses one CSV line written by `encode`. */
function parseLine(line) {
  const [auction, bidder, price, dateTime] = line.split(',', 4);
  let extra = line.slice(auction.length + bidder.length + price.length + dateTime.length + 4);
  if (extra.startsWith('"')) extra = extra.slice(1, -1).replaceAll('""', '"');
  return { auction: Number(auction), bidder: Number(bidder), price: Number(price), dateTime: Number(dateTime), extra };
}

export function readBack(files = latest) {
  if (files === undefined) throw new Error('q10: readBack before weir() ran');
  const rows = [];
  for (const [path, text] of files.read()) {
    const m = /^(\d{4}-\d\d-\d\d)\/(\d\d)-(\d\d)\/part-\d+-\d+$/.exec(path);
    if (m === null) throw new Error(`q10: unexpected file ${path}`);
    if (!text.endsWith('\n')) throw new Error(`q10: ${path} does not end with a whole line`);
    const hm = `${m[2]}:${m[3]}`;
    for (const line of text.slice(0, -1).split('\n')) rows.push({ ...parseLine(line), dt: m[1], hm });
  }
  return rows;
}

export function cleanup(files = latest) {
  files?.remove();
}

export function finalize() {
  try {
    return readBack();
  } finally {
    cleanup();
  }
}

export function reference(events) {
  return bidsOf(events).map((b) => {
    const d = new Date(b.dateTime);
    const pad = (n) => String(n).padStart(2, '0');
    const dt = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra, dt, hm };
  });
}

export const canonical = (r) => `${r.dt} ${r.hm} ${r.auction} ${r.bidder} ${r.price} ${r.dateTime} ${r.extra}`;
