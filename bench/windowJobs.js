// The windowed jobs of bench/windows.bench.js, written once per contender:
// weir, a hand-written loop with Maps (the ceiling) and RxJS 7. Also the
// events they all read: the stream suite's bids (bench/streamJobs.js), with
// event timestamps made out of order by less than BOUND.
//
//   q7:  tumbling 10 s windows over all bids (windowAll): the bid with the highest price per window
//        (the first one on ties, as Flink's maxBy), emitted as { start, end, auction, bidder, price, dateTime }
//   q5:  sliding windows of 10 s every 2 s, keyed by auction: bids per auction per window; then, per window,
//        the auction(s) with the highest count, emitted as { start, end, auction, count }
//   q11: event-time session windows per bidder with a 10 s gap: bids per session, emitted as { bidder, start, end, count }
//
// Event time is Flink's in every contender: watermarks trail the largest
// timestamp seen by BOUND + 1 ms, a window fires when the watermark reaches
// its end − 1, an element whose windows are all at or behind the watermark is
// late (dropped and counted), session windows that overlap or touch merge, and
// the end of input is the watermark +Infinity. The events are made so that no
// element is late; the bench checks that every contender dropped none.
//
// RxJS has no event time: its windowing operators (bufferTime, windowTime,
// groupBy + timers) cut by the wall clock. So the RxJS contender reads the
// same stream through `from`, `scan` and `mergeMap`, with the loop's event-time
// window state inside `scan`: the figure is RxJS's plumbing on top of the loop,
// not windowing that RxJS provides.
import { endWith, from, mergeMap, scan } from 'rxjs';
import { EventTimeSessionWindows, SlidingEventTimeWindows, StreamExecutionEnvironment, Time, TumblingEventTimeWindows, Types, WatermarkStrategy } from 'weir';
import { Bid } from './nexmarkRecords.js';
import { makeEvents } from './streamJobs.js';
import { TimerHeap, Watermarks as NexmarkWatermarks, WindowsByStart, windowStart } from './nexmark/peers/windows.js';

/** Watermarks as BoundedOutOfOrderness makes them: largest timestamp − BOUND − 1. */
class Watermarks extends NexmarkWatermarks {
  constructor(onAdvance) {
    super(onAdvance, BOUND);
  }
}

export const WINDOW = Time.seconds(10);
export const SLIDE = Time.seconds(2);
export const GAP = Time.seconds(10);
/** Largest out-of-orderness of the events, and the watermark bound: an event is at most BOUND − 1 ms behind the largest timestamp before it. */
export const BOUND = Time.seconds(1);

/**
 * `n` bids of the stream suite (one every 5 ms of event time), each moved back
 * by a random 0 … BOUND − 1 ms: timestamps that increase with small
 * out-of-orderness, none late for a watermark that trails by BOUND.
 */
export function makeWindowEvents(n) {
  const events = makeEvents(n);
  let seed = 11;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) events[i].dateTime -= Math.floor(rand() * BOUND);
  return events;
}

export const Q7Out = Types.OBJECT({ start: Types.LONG, end: Types.LONG, auction: Types.LONG, bidder: Types.LONG, price: Types.LONG, dateTime: Types.LONG });
export const AuctionCount = Types.OBJECT({ start: Types.LONG, end: Types.LONG, auction: Types.LONG, count: Types.LONG });
export const SessionCount = Types.OBJECT({ bidder: Types.LONG, start: Types.LONG, end: Types.LONG, count: Types.LONG });

/** One line per result record, to compare result sets after sorting. */
export const canonical = {
  q7: (r) => `${r.start} ${r.end} ${r.auction} ${r.bidder} ${r.price} ${r.dateTime}`,
  q5: (r) => `${r.start} ${r.end} ${r.auction} ${r.count}`,
  q11: (r) => `${r.bidder} ${r.start} ${r.end} ${r.count}`,
};

// The user functions, shared by every contender.
const higherPrice = (a, b) => (b.price > a.price ? b : a); // the first on ties
const q7Result = (start, end, b) => ({ start, end, auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime });
const counting = { createAccumulator: () => 0, add: (_value, acc) => acc + 1, getResult: (acc) => acc, merge: (a, b) => a + b };

// ---------------------------------------------------------------------------
// weir

function bidsWithEventTime(events, budget) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, memory: budget });
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness(BOUND).withTimestampAssigner((b) => b.dateTime);
  return { env, bids: env.fromCollection(events, Bid).assignTimestampsAndWatermarks(strategy) };
}

const weir = {
  label: 'weir',
  q7(events, sink, { budget }) {
    const { env, bids } = bidsWithEventTime(events, budget);
    bids
      .windowAll(TumblingEventTimeWindows.of(WINDOW))
      .reduce(higherPrice, (ctx, highest, out) => {
        for (const b of highest) out.collect(q7Result(ctx.window.start, ctx.window.end, b));
      }, Q7Out)
      .sinkTo(sink);
    return env.execute('q7: windowAll tumbling max price');
  },
  q5(events, sink, { budget }) {
    const { env, bids } = bidsWithEventTime(events, budget);
    bids
      .keyBy((b) => b.auction)
      .window(SlidingEventTimeWindows.of(WINDOW, SLIDE))
      .aggregate(
        counting,
        (auction, ctx, counts, out) => {
          for (const count of counts) out.collect({ start: ctx.window.start, end: ctx.window.end, auction, count });
        },
        Types.LONG,
        AuctionCount,
      )
      // Each window's counts carry the timestamp end − 1: a tumbling window of one slide per window end gathers them.
      .keyBy((c) => c.end)
      .window(TumblingEventTimeWindows.of(SLIDE))
      .process((_end, _ctx, counts, out) => {
        let max = 0;
        for (const c of counts) if (c.count > max) max = c.count;
        for (const c of counts) if (c.count === max) out.collect(c);
      }, AuctionCount)
      .sinkTo(sink);
    return env.execute('q5: sliding count per auction, then the hottest');
  },
  q11(events, sink, { budget }) {
    const { env, bids } = bidsWithEventTime(events, budget);
    bids
      .keyBy((b) => b.bidder)
      .window(EventTimeSessionWindows.withGap(GAP))
      .aggregate(
        counting,
        (bidder, ctx, counts, out) => {
          for (const count of counts) out.collect({ bidder, start: ctx.window.start, end: ctx.window.end, count });
        },
        Types.LONG,
        SessionCount,
      )
      .sinkTo(sink);
    return env.execute('q11: sessions per bidder');
  },
};

// ---------------------------------------------------------------------------
// The loop: the same event-time semantics with Maps. Each query is an object
// with onEvent(bid) and finish() (the watermark +Infinity), emitting results
// to `emit`; the watermark advances after every event.

function q7Loop(emit) {
  const windows = new WindowsByStart(WINDOW, (start, end, box) => emit(q7Result(start, end, box.bid)));
  const wm = new Watermarks((w) => windows.advance(w));
  const makeBox = () => ({ bid: undefined });
  return {
    late: 0,
    onEvent(b) {
      const t = b.dateTime;
      const start = windowStart(t, WINDOW);
      if (start + WINDOW - 1 <= wm.current) this.late++;
      else {
        const box = windows.get(start, makeBox);
        box.bid = box.bid === undefined ? b : higherPrice(box.bid, b);
      }
      wm.onEvent(t);
    },
    finish: () => wm.finish(),
  };
}

function q5Loop(emit) {
  const windows = new WindowsByStart(WINDOW, (start, end, counts) => {
    let max = 0;
    for (const c of counts.values()) if (c > max) max = c;
    for (const [auction, count] of counts) if (count === max) emit({ start, end, auction, count });
  });
  const wm = new Watermarks((w) => windows.advance(w));
  const makeCounts = () => new Map();
  return {
    late: 0,
    onEvent(b) {
      const t = b.dateTime;
      let taken = false;
      for (let start = windowStart(t, SLIDE); start > t - WINDOW; start -= SLIDE) {
        if (start + WINDOW - 1 <= wm.current) continue;
        taken = true;
        const counts = windows.get(start, makeCounts);
        counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
      }
      if (!taken) this.late++;
      wm.onEvent(t);
    },
    finish: () => wm.finish(),
  };
}

function q11Loop(emit) {
  const byBidder = new Map(); // bidder → its open sessions, pairwise apart (neither overlapping nor touching)
  const timers = new TimerHeap(); // one per session at end − 1; a session merged away is marked dead
  const wm = new Watermarks((w) => {
    while (timers.size > 0 && timers.peek().time <= w) {
      const { session } = timers.pop();
      if (session.dead) continue;
      session.dead = true;
      const open = byBidder.get(session.bidder);
      open.splice(open.indexOf(session), 1);
      emit({ bidder: session.bidder, start: session.start, end: session.end, count: session.count });
    }
  });
  return {
    late: 0,
    onEvent(b) {
      const t = b.dateTime;
      let open = byBidder.get(b.bidder);
      if (open === undefined) byBidder.set(b.bidder, (open = []));
      // The element's window [t, t + GAP) merges with every session it overlaps or touches.
      let start = t;
      let end = t + GAP;
      let count = 1;
      let kept = 0;
      for (let i = 0; i < open.length; i++) {
        const s = open[i];
        if (s.start <= t + GAP && s.end >= t) {
          if (s.start < start) start = s.start;
          if (s.end > end) end = s.end;
          count += s.count;
          s.dead = true;
        } else open[kept++] = s;
      }
      open.length = kept;
      if (end - 1 <= wm.current) this.late++;
      else {
        const session = { bidder: b.bidder, start, end, count, dead: false };
        open.push(session);
        timers.push({ time: end - 1, session });
      }
      wm.onEvent(t);
    },
    finish: () => wm.finish(),
  };
}

const loops = { q7: q7Loop, q5: q5Loop, q11: q11Loop };

function runLoop(query, events, sink) {
  const op = loops[query](sink);
  for (let i = 0; i < events.length; i++) op.onEvent(events[i]);
  op.finish();
  return { late: op.late };
}

const loop = {
  label: 'loop with Maps (the ceiling)',
  q7: (events, sink) => runLoop('q7', events, sink),
  q5: (events, sink) => runLoop('q5', events, sink),
  q11: (events, sink) => runLoop('q11', events, sink),
};

// ---------------------------------------------------------------------------
// RxJS 7: from(events) → scan (the loop's window state, fed one element at a
// time; an end marker is the watermark +Infinity) → mergeMap (what fired).

const END = Symbol('end of input');
const NONE = [];

function runRx(query, events, sink) {
  return new Promise((resolve, reject) => {
    let fired = NONE;
    const op = loops[query]((r) => {
      if (fired === NONE) fired = [];
      fired.push(r);
    });
    from(events)
      .pipe(
        endWith(END),
        scan((state, e) => {
          fired = NONE;
          if (e === END) state.finish();
          else state.onEvent(e);
          return state;
        }, op),
        mergeMap(() => fired),
      )
      .subscribe({ next: sink, error: reject, complete: () => resolve({ late: op.late }) });
  });
}

const rxjs = {
  label: 'RxJS 7 (scan with the loop’s state)',
  q7: (events, sink) => runRx('q7', events, sink),
  q5: (events, sink) => runRx('q5', events, sink),
  q11: (events, sink) => runRx('q11', events, sink),
};

/** The contenders, by name: `contenders[name][query](events, sink, { budget })` resolves when every result reached the sink. */
export const contenders = { weir, loop, rxjs };
