// A reference model of Flink's event-time window operator with the default
// EventTimeTrigger, written from Flink's definitions (WindowOperator,
// MergingWindowSet, EventTimeTrigger) in plain code, to check weir's window
// operator against. Test-only; it imports nothing from weir.
//
// What it models, per key:
// - Windows: tumbling and sliding windows start at multiples of size/slide
//   plus offset, rounded down for negative timestamps; sessions are
//   [t, t + gap) and merge with every session they overlap or touch
//   (TimeWindow.intersects: a.start <= b.end && a.end >= b.start).
// - Lateness: a window is late when maxTimestamp + allowedLateness <=
//   watermark (maxTimestamp = end - 1). An element is added to each of its
//   windows that is not late; an element none of whose windows (for sessions:
//   the merged window) takes it is dropped, and listed in `late` (Flink's late
//   side output).
// - Firing (EventTimeTrigger): when the watermark reaches maxTimestamp a window
//   fires with its whole contents. An element added to a window the watermark
//   has already reached fires it again at once, with the whole contents. A
//   merge whose result ends after the watermark waits for the watermark; one
//   that ends at or before it fires at once (the element that caused it).
// - Cleanup: at maxTimestamp + allowedLateness the window's contents are
//   dropped (with zero lateness this is the same timer as the firing, which
//   fires first).
//
// Order of results: element-triggered results in input order; the results of
// one watermark by timer time, then key (in order of first appearance), then
// window start. Flink orders timers of equal time arbitrarily, so compare
// those as a set. `list` contents are in arrival order; a merged session lists
// its sessions' contents by session start, then the new element (as Flink's
// heap state backend merges them).

export type ReferenceKey = string | number;

export type ReferenceOp = { kind: 'element'; key: ReferenceKey; value: number; timestamp: number } | { kind: 'watermark'; time: number };

export type ReferenceAssigner =
  | { type: 'tumbling'; size: number; offset?: number }
  | { type: 'sliding'; size: number; slide: number; offset?: number }
  | { type: 'session'; gap: number };

export interface ReferenceSpec {
  assigner: ReferenceAssigner;
  allowedLateness: number;
  aggregate: 'sum' | 'count' | 'list';
}

export interface ReferenceResult {
  key: ReferenceKey;
  start: number;
  end: number;
  value: number | number[];
  /** The result's timestamp: the window's maxTimestamp, end - 1. */
  timestamp: number;
}

export interface ReferenceLateElement {
  key: ReferenceKey;
  value: number;
  timestamp: number;
}

export interface ReferenceOutput {
  results: ReferenceResult[];
  /** Elements dropped as late (what Flink sends to the late side output). */
  late: ReferenceLateElement[];
}

interface Pane {
  key: ReferenceKey;
  start: number;
  end: number;
  contents: number[];
  /** The EventTimeTrigger's timer at maxTimestamp is pending. */
  timer: boolean;
}

const maxTimestamp = (p: { end: number }) => p.end - 1;
const intersects = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start <= b.end && a.end >= b.start;
const floorStart = (t: number, offset: number, size: number) => t - ((((t - offset) % size) + size) % size);

/** The windows of an element at `t`, in the order Flink's assigners return them (sliding: newest first). */
function assign(assigner: ReferenceAssigner, t: number): Array<{ start: number; end: number }> {
  switch (assigner.type) {
    case 'tumbling': {
      const start = floorStart(t, assigner.offset ?? 0, assigner.size);
      return [{ start, end: start + assigner.size }];
    }
    case 'sliding': {
      const windows: Array<{ start: number; end: number }> = [];
      for (let start = floorStart(t, assigner.offset ?? 0, assigner.slide); start > t - assigner.size; start -= assigner.slide) {
        windows.push({ start, end: start + assigner.size });
      }
      return windows;
    }
    case 'session':
      return [{ start: t, end: t + assigner.gap }];
  }
}

function checkSpec(spec: ReferenceSpec): void {
  const a = spec.assigner;
  const positive = (n: number | undefined) => n !== undefined && Number.isSafeInteger(n) && n > 0;
  const ok =
    (a.type === 'tumbling' && positive(a.size) && Math.abs(a.offset ?? 0) < a.size) ||
    (a.type === 'sliding' && positive(a.size) && positive(a.slide) && Math.abs(a.offset ?? 0) < a.slide) ||
    (a.type === 'session' && positive(a.gap));
  if (!ok) throw new Error(`referenceWindows: bad assigner ${JSON.stringify(a)}`);
  if (!(Number.isSafeInteger(spec.allowedLateness) && spec.allowedLateness >= 0)) throw new Error(`referenceWindows: bad allowedLateness ${spec.allowedLateness}`);
}

/** Runs `ops` through the model of Flink's event-time window operator; see the header. */
export function referenceWindows(ops: readonly ReferenceOp[], spec: ReferenceSpec): ReferenceOutput {
  checkSpec(spec);
  const lateness = spec.allowedLateness;
  const results: ReferenceResult[] = [];
  const late: ReferenceLateElement[] = [];
  const keyOrder = new Map<ReferenceKey, number>();
  /** Live panes per key: for sessions, pairwise non-intersecting. */
  const panes = new Map<ReferenceKey, Pane[]>();
  let watermark = -Infinity;

  const isLate = (w: { end: number }) => maxTimestamp(w) + lateness <= watermark;
  const emit = (p: Pane) => {
    const value = spec.aggregate === 'sum' ? p.contents.reduce((s, x) => s + x, 0) : spec.aggregate === 'count' ? p.contents.length : [...p.contents];
    results.push({ key: p.key, start: p.start, end: p.end, value, timestamp: maxTimestamp(p) });
  };
  // EventTimeTrigger.onElement: fire at once if the watermark has reached the end, else (keep) a timer there.
  const onElement = (p: Pane) => {
    if (maxTimestamp(p) <= watermark) emit(p);
    else p.timer = true;
  };

  const addToWindows = (key: ReferenceKey, value: number, t: number, list: Pane[]): boolean => {
    let taken = false;
    for (const w of assign(spec.assigner, t)) {
      if (isLate(w)) continue;
      taken = true;
      let pane = list.find((p) => p.start === w.start && p.end === w.end);
      if (pane === undefined) list.push((pane = { key, start: w.start, end: w.end, contents: [], timer: false }));
      pane.contents.push(value);
      onElement(pane);
    }
    return taken;
  };

  const addToSession = (key: ReferenceKey, value: number, t: number, list: Pane[]): boolean => {
    const w = assign(spec.assigner, t)[0]!;
    const touched = list.filter((p) => intersects(p, w)).sort((a, b) => a.start - b.start);
    let pane: Pane;
    if (touched.length === 0) {
      if (isLate(w)) return false;
      list.push((pane = { key, start: w.start, end: w.end, contents: [], timer: false }));
    } else if (touched.length === 1 && touched[0]!.start <= w.start && touched[0]!.end >= w.end) {
      pane = touched[0]!; // inside an existing session: no merge
    } else {
      // A merge: the sessions' contents combine; the old windows' timers go; the merged
      // window gets a timer at its end unless the watermark has passed it (EventTimeTrigger.onMerge).
      const start = Math.min(w.start, ...touched.map((p) => p.start));
      const end = Math.max(w.end, ...touched.map((p) => p.end));
      pane = { key, start, end, contents: touched.flatMap((p) => p.contents), timer: end - 1 > watermark };
      for (const p of touched) list.splice(list.indexOf(p), 1);
      list.push(pane);
    }
    if (isLate(pane)) return false; // cannot happen: live sessions are never late
    pane.contents.push(value);
    onElement(pane);
    return true;
  };

  const advance = (time: number) => {
    if (Number.isNaN(time) || time < watermark) throw new Error(`referenceWindows: watermarks must not decrease, got ${time} after ${watermark}`);
    watermark = time;
    // The timers due: the trigger's at maxTimestamp, the cleanup at maxTimestamp + lateness (one timer when equal).
    const due: Array<{ time: number; pane: Pane; fire: boolean; cleanup: boolean }> = [];
    for (const list of panes.values()) {
      for (const p of list) {
        const end = maxTimestamp(p);
        const cleanupAt = end + lateness;
        if (p.timer && end <= time) due.push({ time: end, pane: p, fire: true, cleanup: cleanupAt === end });
        if (cleanupAt <= time && !(p.timer && cleanupAt === end)) due.push({ time: cleanupAt, pane: p, fire: false, cleanup: true });
      }
    }
    due.sort((a, b) => a.time - b.time || keyOrder.get(a.pane.key)! - keyOrder.get(b.pane.key)! || a.pane.start - b.pane.start);
    for (const d of due) {
      if (d.fire) {
        d.pane.timer = false;
        emit(d.pane);
      }
      if (d.cleanup) {
        const list = panes.get(d.pane.key)!;
        list.splice(list.indexOf(d.pane), 1);
      }
    }
  };

  for (const op of ops) {
    if (op.kind === 'watermark') {
      advance(op.time);
      continue;
    }
    if (!Number.isSafeInteger(op.timestamp)) throw new Error(`referenceWindows: an element needs a whole-number timestamp, got ${op.timestamp}`);
    if (!keyOrder.has(op.key)) keyOrder.set(op.key, keyOrder.size);
    let list = panes.get(op.key);
    if (list === undefined) panes.set(op.key, (list = []));
    const taken = spec.assigner.type === 'session' ? addToSession(op.key, op.value, op.timestamp, list) : addToWindows(op.key, op.value, op.timestamp, list);
    // Flink's isElementLate; an element no window took is always late by it for these assigners.
    if (!taken && op.timestamp + lateness <= watermark) late.push({ key: op.key, value: op.value, timestamp: op.timestamp });
  }
  return { results, late };
}
