// What the per-day statistics queries (q15, q16, q17) share: days and price
// ranks, and MiniBatchAggregate, the updating aggregate of a GROUP BY.
//
// Flink's SQL for these queries is an unbounded GROUP BY: its result is a
// changelog, an update of a group's row whenever its input changes. The
// Nexmark runs configure Flink's mini-batches (table.exec.mini-batch:
// allow-latency 2 s), which fold the changes of a batch into one update per
// group. MiniBatchAggregate does the same in event time, so that it is
// deterministic and ends with the final values: a group's accumulator lives
// in keyed ValueState, and a group that changed emits its row once the
// watermark passes the end of the 2-second slot of the change. The last update
// per group is the final value (finalize with lastPerKey).
import { KeyedProcessFunction, Types, ValueStateDescriptor } from 'weir';

const DAY_MS = 86_400_000;

/** The day of an epoch-ms time, as a number (days since 1970-01-01, UTC): a cheap key. */
export const epochDay = (time) => Math.floor(time / DAY_MS);

/** Flink's DATE_FORMAT(dateTime, 'yyyy-MM-dd'), in UTC, of an epoch day. */
export const formatDay = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Flink's DATE_FORMAT(dateTime, 'HH:mm'), in UTC. */
export const formatMinute = (time) => new Date(time).toISOString().slice(11, 16);

/** The queries' price ranks: 1 below 10,000, 2 below 1,000,000, else 3. */
export const priceRank = (price) => (price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3);

/** How long a mini-batch collects changes, in event time (Nexmark's allow-latency). */
export const MINI_BATCH_MS = 2000;

/** flushAt of a group that never had a timer (the watermark starts at −Infinity, below any LONG). */
const NONE = Number.MIN_SAFE_INTEGER;

/**
 * An updating aggregate per key (a GROUP BY's group), emitted in mini-batches
 * of event time. A subclass says what it computes, as Flink's AggregateFunction
 * does: `createAccumulator()`, `add(value, acc)` → acc (may change acc in
 * place) and `getResult(acc, key)` → the group's row; `accType` is the
 * accumulator's TypeInformation. A subclass may keep more keyed state (open it
 * in `open()` after `super.open()`).
 *
 * State per key: one ValueState holding the accumulator and the time of the
 * pending flush timer (`flushAt`), so that a record registers a timer only when
 * its key has none pending. The timer is at the end of the slot of
 * max(timestamp, watermark + 1): never behind the watermark, so a late record
 * is flushed too.
 */
export class MiniBatchAggregate extends KeyedProcessFunction {
  constructor(accType) {
    super();
    this.stateType = Types.OBJECT({ acc: accType, flushAt: Types.LONG });
  }

  open() {
    this.group = this.getRuntimeContext().getState(new ValueStateDescriptor('group', this.stateType));
  }

  processElement(value, ctx, out) {
    const group = this.group.value() ?? { acc: this.createAccumulator(), flushAt: NONE };
    group.acc = this.add(value, group.acc);
    const timers = ctx.timerService();
    const watermark = timers.currentWatermark();
    if (group.flushAt === NONE || group.flushAt <= watermark) {
      const time = Math.max(ctx.timestamp(), watermark + 1);
      group.flushAt = time - (time % MINI_BATCH_MS) + MINI_BATCH_MS - 1;
      timers.registerEventTimeTimer(group.flushAt);
    }
    this.group.update(group);
  }

  onTimer(_time, ctx, out) {
    out.collect(this.getResult(this.group.value().acc, ctx.getCurrentKey()));
  }
}
