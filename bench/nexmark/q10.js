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
//   weir(events)      adds the file sink under a new temporary directory (os.tmpdir())
//                     and returns undefined; the directory is remembered.
//   finalize()        reads back the files of the latest weir() run (readBack) and
//                     removes the directory: the results to compare. So verify.js
//                     runs q10 as it runs any query.
//   readBack()        the rows in the files of the latest run, each with the dt and hm
//                     of its directory ({ auction, bidder, price, dateTime, extra, dt,
//                     hm: 'HH:mm' }); throws if a file is misnamed or a line is not whole.
//   cleanup()         removes the latest run's directory (finalize does; a runner that
//                     only times the job calls it; left-overs go at process exit).
//   reference(events) the bids' projected rows with their dt/hm computed from dateTime.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const runs = new Set();
let latest;
process.once('exit', () => {
  for (const dir of runs) rmSync(dir, { recursive: true, force: true });
});

export function weir(events) {
  latest = mkdtempSync(join(tmpdir(), 'weir-nexmark-q10-'));
  runs.add(latest);
  const sink = FileSink.forRowFormat(latest, encode)
    .withBucketAssigner(bucketOf)
    .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize('16mb').build())
    .build();
  bids(events).map(toRow, LogRow).name('q10: (…, dt, hm)').sinkTo(sink).name('q10: files');
  return undefined;
}

/** Parses one CSV line written by `encode`. */
function parseLine(line) {
  const [auction, bidder, price, dateTime] = line.split(',', 4);
  let extra = line.slice(auction.length + bidder.length + price.length + dateTime.length + 4);
  if (extra.startsWith('"')) extra = extra.slice(1, -1).replaceAll('""', '"');
  return { auction: Number(auction), bidder: Number(bidder), price: Number(price), dateTime: Number(dateTime), extra };
}

export function readBack(dir = latest) {
  if (dir === undefined) throw new Error('q10: readBack before weir() ran');
  const rows = [];
  for (const dt of readdirSync(dir)) {
    for (const hmDir of readdirSync(join(dir, dt))) {
      const hm = hmDir.replace('-', ':');
      for (const part of readdirSync(join(dir, dt, hmDir))) {
        if (!/^part-\d+-\d+$/.test(part)) throw new Error(`q10: unexpected file ${join(dt, hmDir, part)}`);
        const text = readFileSync(join(dir, dt, hmDir, part), 'utf8');
        if (!text.endsWith('\n')) throw new Error(`q10: ${join(dt, hmDir, part)} does not end with a whole line`);
        for (const line of text.slice(0, -1).split('\n')) rows.push({ ...parseLine(line), dt, hm });
      }
    }
  }
  return rows;
}

export function cleanup(dir = latest) {
  if (dir === undefined) return;
  rmSync(dir, { recursive: true, force: true });
  runs.delete(dir);
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
