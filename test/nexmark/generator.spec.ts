import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigurationError, DataInputDeserializer, DataOutputSerializer, ProcessFunction, StreamExecutionEnvironment, Types, type Collector, type ProcessContext } from 'weir';
import {
  AuctionType,
  BidType,
  EventKind,
  EventType,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  HOT_CHANNELS,
  NexmarkGenerator,
  NexmarkSource,
  PersonType,
  eventTimestamp,
  type NexmarkEvent,
} from 'weir/nexmark';
import { budget } from '../support/leaks.js';

describe('weir/nexmark: the generator', function () {
  this.timeout(60000);

  const N = 30_000;
  let events: NexmarkEvent[];
  before(() => {
    events = new NexmarkGenerator({ events: N }).generateAll();
  });

  it('interleaves person : auction : bid as 1 : 3 : 46 in every block of 50 (offset 0 person, 1–3 auctions, the rest bids)', () => {
    for (let n = 0; n < N; n++) {
      const offset = n % 50;
      const expected = offset === 0 ? EventKind.PERSON : offset <= 3 ? EventKind.AUCTION : EventKind.BID;
      const e = events[n]!;
      if (e.type !== expected) expect.fail(`event ${n}: type ${e.type}, expected ${expected}`);
      const set = Number(e.person !== null) + Number(e.auction !== null) + Number(e.bid !== null);
      if (set !== 1 || [e.person, e.auction, e.bid][e.type] === null) expect.fail(`event ${n} carries ${set} records`);
    }
  });

  it('numbers people and auctions densely in event order from 1000', () => {
    const people = events.filter((e) => e.type === EventKind.PERSON).map((e) => e.person!.id);
    const auctions = events.filter((e) => e.type === EventKind.AUCTION).map((e) => e.auction!.id);
    expect(people).to.deep.equal(people.map((_, k) => FIRST_PERSON_ID + k));
    expect(auctions).to.deep.equal(auctions.map((_, k) => FIRST_AUCTION_ID + k));
  });

  it('timestamps event n at baseTime + floor(n × 10⁶ / firstEventRate / 1000), the same in every record', () => {
    const g = new NexmarkGenerator({ events: 10, baseTime: 1_000_000, firstEventRate: 3000 });
    for (let n = 0; n < 2000; n++) {
      const e = g.event(n);
      expect(eventTimestamp(e), `event ${n}`).to.equal(1_000_000 + Math.floor((n * (1e6 / 3000)) / 1000));
    }
    // The default: 10,000 events per second of event time, 100 µs apart.
    expect(eventTimestamp(events[N - 1]!) - eventTimestamp(events[0]!)).to.equal(Math.floor(((N - 1) * 100) / 1000));
  });

  it('sends half the bids to the hot auction and three quarters to the hot bidder; the others to recent auctions and active people', () => {
    let hotAuction = 0;
    let hotBidder = 0;
    let bids = 0;
    for (let n = 0; n < N; n++) {
      const b = events[n]!.bid;
      if (b === null) continue;
      bids++;
      const lastAuction = NexmarkGenerator.lastBase0AuctionId(n);
      const lastPerson = NexmarkGenerator.lastBase0PersonId(n);
      const auction = b.auction - FIRST_AUCTION_ID;
      const bidder = b.bidder - FIRST_PERSON_ID;
      if (auction === Math.floor(lastAuction / 100) * 100) hotAuction++;
      else expect(auction, `bid ${n}: auction`).to.be.within(Math.max(lastAuction - 100, 0), lastAuction + 10);
      if (bidder === Math.floor(lastPerson / 100) * 100 + 1) hotBidder++;
      else expect(bidder, `bid ${n}: bidder`).to.be.within(Math.max(lastPerson + 1 - 1000, 0), lastPerson + 10);
    }
    // Chance also picks the hot one among the others, a little above 1/2 and 3/4.
    expect(hotAuction / bids).to.be.within(0.49, 0.53);
    expect(hotBidder / bids).to.be.within(0.74, 0.78);
  });

  it('makes prices log-uniform in cents, categories 10–14, expiry after the auction, channels half hot', () => {
    let hotChannels = 0;
    let bids = 0;
    let withChannelId = 0;
    let other = 0;
    const decades = new Array<number>(7).fill(0);
    for (const e of events) {
      if (e.auction !== null) {
        const a = e.auction;
        expect(a.category).to.be.within(FIRST_CATEGORY_ID, FIRST_CATEGORY_ID + 4);
        expect(a.expires).to.be.above(a.dateTime);
        expect(a.expires - a.dateTime).to.be.at.most(2 * 167 + 1);
        expect(a.reserve).to.be.above(a.initialBid);
      }
      if (e.bid !== null) {
        bids++;
        const b = e.bid;
        expect(Number.isSafeInteger(b.price) && b.price >= 100 && b.price <= 1e8, `price ${b.price}`).to.equal(true);
        decades[Math.floor(Math.log10(b.price)) - 2]!++;
        if ((HOT_CHANNELS as readonly string[]).includes(b.channel)) hotChannels++;
        else {
          other++;
          const m = /^channel-(\d+)$/.exec(b.channel);
          expect(m, b.channel).to.not.equal(null);
          if (b.url.endsWith(`&channel_id=${m![1]}`)) withChannelId++;
        }
        expect(b.url).to.match(/^https:\/\/www\.nexmark\.com\/[a-z]{5}\/[a-z]{5}\/[a-z]{5}\/item\.htm\?query=1/);
      }
    }
    expect(hotChannels / bids).to.be.within(0.48, 0.52);
    expect(withChannelId / other).to.be.within(0.87, 0.93);
    // Log-uniform over 10^2 … 10^8: each of the six decades gets about a sixth.
    for (let d = 0; d < 6; d++) expect(decades[d]! / bids, `decade 10^${d + 2}`).to.be.within(0.15, 0.18);
  });

  it('pads records to their average sizes (200, 500, 100 bytes) with extra', () => {
    const size = (r: object) => JSON.stringify(Object.values(r)).length;
    const avg = (kind: 'person' | 'auction' | 'bid') => {
      const xs = events.filter((e) => e[kind] !== null).map((e) => size(e[kind]!));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    // Nexmark counts 8 bytes per number and the strings' lengths; JSON adds quotes and commas around that.
    expect(avg('person')).to.be.within(200, 260);
    expect(avg('auction')).to.be.within(500, 560);
    expect(avg('bid')).to.be.within(100, 200);
  });

  it('is deterministic for a seed, and a different seed gives other events', () => {
    const again = new NexmarkGenerator({ events: N }).generateAll();
    expect(again).to.deep.equal(events);
    const other = new NexmarkGenerator({ events: 200, seed: 7 }).generateAll();
    expect(other.filter((e) => e.bid !== null).map((e) => e.bid!.price)).to.not.deep.equal(events.slice(0, 200).filter((e) => e.bid !== null).map((e) => e.bid!.price));
  });

  it('makes each event from its number alone: any order of numbers gives the same events', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(N - 1), { minLength: 1, maxLength: 50 }), (numbers) => {
        const g = new NexmarkGenerator({ events: N });
        for (const n of numbers) expect(g.event(n)).to.deep.equal(events[n]);
      }),
      { numRuns: 50 },
    );
  });

  it('records round-trip through their TypeInformation', () => {
    for (const [type, e] of [
      [EventType, events[0]],
      [EventType, events[1]],
      [EventType, events[7]],
      [PersonType, events[0]!.person],
      [AuctionType, events[1]!.auction],
      [BidType, events[7]!.bid],
    ] as const) {
      const serializer = (type as typeof EventType).createSerializer();
      const out = new DataOutputSerializer();
      serializer.serialize(e as never, out);
      expect(serializer.deserialize(new DataInputDeserializer(out.toUint8Array()))).to.deep.equal(e);
    }
    expect(EventType.toString()).to.contain('bid: NULLABLE<OBJECT<{ auction: LONG');
  });

  it('refuses bad configurations, naming the field and the value', () => {
    const bad: Array<[object, RegExp]> = [
      [{}, /events .* is required/],
      [{ events: -1 }, /events must be a safe integer ≥ 0, got -1/],
      [{ events: 1.5 }, /events must be a safe integer ≥ 0, got 1.5/],
      [{ events: 10, seed: 'x' }, /seed must be a safe integer ≥ 0, got x/],
      [{ events: 10, seed: 2 ** 32 }, /seed must be below 2\^32, got 4294967296/],
      [{ events: 10, firstEventRate: 0 }, /firstEventRate must be a finite number > 0, got 0/],
      [{ events: 10, eventsPerSecond: -5 }, /eventsPerSecond must be > 0, got -5/],
      [{ events: 10, hotAuctionRatio: 0 }, /hotAuctionRatio must be a safe integer ≥ 1, got 0/],
      [{ events: 10, numActivePeople: NaN }, /numActivePeople must be a safe integer ≥ 1, got NaN/],
    ];
    for (const [config, message] of bad) {
      expect(() => new NexmarkGenerator(config as never), JSON.stringify(config)).to.throw(ConfigurationError, message);
    }
    expect(() => new NexmarkSource(null as never)).to.throw(ConfigurationError, /expected a configuration object, got null/);
    expect(() => NexmarkSource.replay('events' as never)).to.throw(ConfigurationError, /expected an array of events, got string/);
  });
});

describe('weir/nexmark: the source', function () {
  this.timeout(60000);

  const sorted = (xs: NexmarkEvent[]) => xs.map((e) => JSON.stringify(e)).sort();

  for (const parallelism of [1, 2, 3]) {
    it(`at parallelism ${parallelism}, reads every event once, each reader in event-time order`, async () => {
      const N = 3000;
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, memory: budget({ network: '2mb', managed: '1mb' }) });
      const seen: Array<{ subtask: number; ts: number; event: NexmarkEvent }> = [];
      env
        .fromSource(new NexmarkSource({ events: N }), NexmarkSource.watermarks(), 'Nexmark')
        .process(
          new (class extends ProcessFunction<NexmarkEvent, { subtask: number; ts: number; event: NexmarkEvent }> {
            override processElement(event: NexmarkEvent, ctx: ProcessContext, out: Collector<{ subtask: number; ts: number; event: NexmarkEvent }>) {
              out.collect({ subtask: this.getRuntimeContext().getIndexOfThisSubtask(), ts: ctx.timestamp()!, event });
            }
          })(),
          Types.OBJECT({ subtask: Types.INT, ts: Types.LONG, event: EventType }),
        )
        .sinkTo((r) => void seen.push(r));
      await env.execute();
      const expected = new NexmarkGenerator({ events: N }).generateAll();
      expect(sorted(seen.map((s) => s.event))).to.deep.equal(sorted(expected));
      for (const s of seen) expect(s.ts).to.equal(eventTimestamp(s.event));
      // Reader i of p reads events i, i + p, …: in each reader's order, timestamps never go back.
      for (let i = 0; i < parallelism; i++) {
        const ts = seen.filter((s) => s.subtask === i).map((s) => s.ts);
        expect(ts.length, `reader ${i}`).to.be.above(0);
        expect(ts).to.deep.equal([...ts].sort((a, b) => a - b));
      }
    });
  }

  it('replay splits a made array as the generating source does: reader i of p reads events i, i + p, …', async () => {
    const events = new NexmarkGenerator({ events: 1000 }).generateAll();
    for (const parallelism of [1, 2, 3]) {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, memory: budget({ network: '2mb', managed: '1mb' }) });
      const seen: Array<{ subtask: number; event: NexmarkEvent }> = [];
      env
        .fromSource(NexmarkSource.replay(events), 'replay')
        .process(
          new (class extends ProcessFunction<NexmarkEvent, { subtask: number; event: NexmarkEvent }> {
            override processElement(event: NexmarkEvent, _ctx: ProcessContext, out: Collector<{ subtask: number; event: NexmarkEvent }>) {
              out.collect({ subtask: this.getRuntimeContext().getIndexOfThisSubtask(), event });
            }
          })(),
          Types.OBJECT({ subtask: Types.INT, event: EventType }),
        )
        .sinkTo((r) => void seen.push(r));
      await env.execute();
      for (let i = 0; i < parallelism; i++) {
        const got = seen.filter((s) => s.subtask === i).map((s) => JSON.stringify(s.event));
        const expected = events.filter((_, n) => n % parallelism === i).map((e) => JSON.stringify(e));
        expect(got, `reader ${i} of ${parallelism}`).to.deep.equal(expected);
      }
    }
  });

  it('keeps to eventsPerSecond over all readers', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, memory: budget({ network: '2mb', managed: '1mb' }) });
    const started = performance.now();
    const got = await env.fromSource(new NexmarkSource({ events: 300, eventsPerSecond: 1000 }), 'limited').executeAndCollect();
    const took = performance.now() - started;
    expect(got).to.have.length(300);
    // The bucket starts empty: 300 events at 1000/s take about 300 ms.
    expect(took, `${took.toFixed(0)} ms`).to.be.above(200);
  });
});
