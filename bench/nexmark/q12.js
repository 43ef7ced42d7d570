// Nexmark q12, processing-time windows: bids per bidder per tumbling 10 s
// window of processing time (the wall clock).
//
// Which window a bid falls in depends on when the job reads it, so the
// windows differ from run to run; what is deterministic is their sum: each
// bidder's counts over all its windows add up to its number of bids.
// finalize() sums them per bidder and the reference counts bids per bidder.
//
// The end of input: Flink fires no processing-time window when a bounded
// input ends (pending processing-time timers are dropped), and neither does
// weir with the default ProcessingTimeTrigger, so a job that ends within a
// window would lose that window's counts (a 2M-event job runs for a few
// seconds: most of its bids). The trigger here is Flink's
// ProcessingTimeTrigger plus an event-time timer at the largest safe time,
// which only the final watermark (+Infinity) reaches: the open windows fire
// when the input ends. Flink's SQL would emit nothing for them.
import { TumblingProcessingTimeWindows, Time, Trigger, TriggerResult, Types } from 'weir';
import { bids, bidsOf } from './common.js';

export const title = 'processing-time windows';
export const description = 'tumbling 10 s processing-time windows: bids per bidder';

const WINDOW = Time.seconds(10);
/** An event time that only the end of input reaches. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

const BidderCount = Types.OBJECT({ bidder: Types.LONG, count: Types.LONG, start: Types.LONG, end: Types.LONG });

/** ProcessingTimeTrigger, and fire once more when the input ends (the watermark +Infinity). */
class ProcessingTimeOrEndOfInputTrigger extends Trigger {
  onElement(_bidder, _timestamp, window, ctx) {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    ctx.registerEventTimeTimer(END_OF_INPUT);
    return TriggerResult.CONTINUE;
  }

  onProcessingTime() {
    return TriggerResult.FIRE;
  }

  onEventTime(time) {
    return time === END_OF_INPUT ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  clear(window, ctx) {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
    ctx.deleteEventTimeTimer(END_OF_INPUT);
  }
}

const counting = { createAccumulator: () => 0, add: (_bidder, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b };

export function weir(events) {
  return bids(events)
    .map((b) => b.bidder, Types.LONG)
    .name('q12: bidder')
    .keyBy((bidder) => bidder, Types.LONG)
    .window(TumblingProcessingTimeWindows.of(WINDOW))
    .trigger(new ProcessingTimeOrEndOfInputTrigger())
    .aggregate(counting, (bidder, ctx, counts, out) => {
      for (const count of counts) out.collect({ bidder, count, start: ctx.window.start, end: ctx.window.end });
    }, Types.LONG, BidderCount)
    .name('q12: bids per bidder per 10 s of processing time');
}

/**
 * The sum of each bidder's window counts: the deterministic part of the
 * results. The windows themselves must be 10 s windows aligned to 10 s, each
 * (bidder, window) emitted once, or this throws.
 */
export function finalize(results) {
  const total = new Map();
  const seen = new Set();
  for (const r of results) {
    if (r.start % WINDOW !== 0 || r.end !== r.start + WINDOW) throw new Error(`q12: window [${r.start}, ${r.end}) is not a ${WINDOW} ms window aligned to ${WINDOW} ms`);
    const id = `${r.bidder} ${r.start}`;
    if (seen.has(id)) throw new Error(`q12: bidder ${r.bidder} has window [${r.start}, ${r.end}) twice`);
    seen.add(id);
    total.set(r.bidder, (total.get(r.bidder) ?? 0) + r.count);
  }
  return [...total].map(([bidder, count]) => ({ bidder, count }));
}

/** Bids per bidder (what every bidder's windows add up to). */
export function reference(events) {
  const count = new Map();
  for (const b of bidsOf(events)) count.set(b.bidder, (count.get(b.bidder) ?? 0) + 1);
  return [...count].map(([bidder, count]) => ({ bidder, count }));
}

export const canonical = (r) => `${r.bidder} ${r.count}`;
