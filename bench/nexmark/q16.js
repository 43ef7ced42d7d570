// Nexmark q16, channel statistics per day: q15 grouped by (channel, day)
// instead of day, plus the group's latest minute ('HH:mm', the maximum over
// its bids: within a day the latest minute is the minute of the latest bid).
//
// The same plan as q15 (BidStatistics there): each bid projected, keyed by
// (channel, day), folded into counts with the group's distinct bidders and
// auctions in MapStates, emitted in 2-second mini-batches of event time. The
// accumulator also keeps the latest bid time. The last row per group is
// compared.
import { Types } from 'weir';
import { bids, bidsOf, lastPerKey } from './common.js';
import { epochDay, formatDay, formatMinute, priceRank } from './perDay.js';
import { BidStatistics, countFields, countsOf, referenceCounts } from './q15.js';

export const title = 'channel statistics per day';
export const description = 'q15 grouped by (channel, day), plus the latest HH:mm';

const RankedBid = Types.OBJECT({ channel: Types.STRING, day: Types.LONG, bidder: Types.LONG, auction: Types.LONG, rank: Types.INT, dateTime: Types.LONG });
const ChannelDay = Types.TUPLE([Types.STRING, Types.LONG]);
const ChannelCounts = Types.OBJECT({ ...countFields, lastDateTime: Types.LONG });
const ChannelStatisticsType = Types.OBJECT({ channel: Types.STRING, day: Types.STRING, minute: Types.STRING, ...countFields });

class ChannelStatistics extends BidStatistics {
  constructor() {
    super(ChannelCounts);
  }

  createAccumulator() {
    return { ...super.createAccumulator(), lastDateTime: 0 };
  }

  add(r, acc) {
    super.add(r, acc);
    if (r.dateTime > acc.lastDateTime) acc.lastDateTime = r.dateTime;
    return acc;
  }

  getResult({ lastDateTime, ...counts }, [channel, day]) {
    return { channel, day: formatDay(day), minute: formatMinute(lastDateTime), ...counts };
  }
}

export function weir(events) {
  return bids(events)
    .map((b) => ({ channel: b.channel, day: epochDay(b.dateTime), bidder: b.bidder, auction: b.auction, rank: priceRank(b.price), dateTime: b.dateTime }), RankedBid)
    .name('q16: (channel, day, bidder, auction, rank)')
    .keyBy((r) => [r.channel, r.day], ChannelDay)
    .process(new ChannelStatistics(), ChannelStatisticsType)
    .name('q16: statistics per (channel, day)');
}

export function reference(events) {
  const groups = new Map();
  for (const b of bidsOf(events)) {
    const iso = new Date(b.dateTime).toISOString(); // yyyy-MM-ddTHH:mm:ss.sssZ
    const key = `${b.channel}|${iso.slice(0, 10)}`;
    if (!groups.has(key)) groups.set(key, { channel: b.channel, day: iso.slice(0, 10), minutes: [], bids: [] });
    const group = groups.get(key);
    group.minutes.push(iso.slice(11, 16));
    group.bids.push(b);
  }
  return [...groups.values()].map(({ channel, day, minutes, bids }) => ({ channel, day, minute: minutes.sort().at(-1), ...referenceCounts(bids) }));
}

export const finalize = (results) => lastPerKey(results, (r) => `${r.channel}|${r.day}`);

export const canonical = (r) => `${r.channel} ${r.day} ${r.minute} ${countsOf(r)}`;
