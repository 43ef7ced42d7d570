/**
 * InternalTimerService: event-time and processing-time timers per (key,
 * namespace, time), kept as state in managed memory (Flink's
 * `InternalTimerServiceImpl` over heap priority queues).
 *
 * Each timer is an entry of the backend's hash table, found by
 * `[tag][key][namespace][f64 time]` (which deduplicates it), plus a 16-byte
 * node — time, entry address, registration sequence — in a binary heap whose
 * pages hang off a control page (one heap per time domain, taken on first
 * use). Deleting a timer finds its entry, which holds its heap position.
 * Both count against the memory budget.
 *
 * Firing ({@link advanceWatermark}, {@link advanceProcessingTime}) pops the
 * earliest timer while its time is <= the new time — so timers registered by
 * a callback that are due fire in the same call — sets the backend's current
 * key to the timer's key and calls back. Timers of equal time fire in the
 * order they were registered. Heap pages the queue no longer needs are
 * returned after firing.
 *
 * @example
 * ```ts
 * const timers = backend.createTimerService('window-timers', TimeWindowNamespace);
 * backend.setCurrentKey('a');
 * timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
 * timers.advanceWatermark(10, (key, window, time) => console.log(key, window, time)); // a TimeWindow{0,10} 9
 * ```
 */
import { ConfigurationError, MemoryBudgetError, WeirError } from '../errors.js';
import type { MemorySegment } from '../core/MemorySegment.js';
import type { TypeInformation } from '../types/TypeInformation.js';
import type { TypeSerializer } from '../types/TypeSerializer.js';
import type { KeyedStateBackend } from './KeyedStateBackend.js';
import { isCode, NEED_TIMER_PAGE, type StateTable } from './StateTable.js';

/** Called for each timer that fires, with the backend's current key set to `key`. */
export type OnTimer<K, N> = (key: K, namespace: N, time: number) => void;

const H_PAGES = 4;
const NODE_BYTES = 16;

/** One heap of timers (one time domain). */
class TimerHeap {
  control: MemorySegment | undefined;
  pages: MemorySegment[] = [];
  constructor(readonly tag: number) {}
}

export class InternalTimerService<K, N> {
  readonly name: string;
  readonly namespaceType: TypeInformation<N>;
  private readonly backend: KeyedStateBackend<K>;
  private readonly tableRef: StateTable;
  private readonly keySerializer: TypeSerializer<K>;
  private readonly nsSerializer: TypeSerializer<N>;
  private readonly event: TimerHeap;
  private readonly processing: TimerHeap;
  private watermark = Number.NEGATIVE_INFINITY;
  private lastNamespace: N | undefined = undefined;
  private lastNamespaceBytes: Uint8Array = new Uint8Array(0);

  /** @internal Created by {@link KeyedStateBackend.createTimerService}. */
  constructor(
    backend: KeyedStateBackend<K>,
    table: StateTable,
    name: string,
    namespaceType: TypeInformation<N>,
    eventTag: number,
    processingTag: number,
    keySerializer: TypeSerializer<K>,
  ) {
    this.backend = backend;
    this.tableRef = table;
    this.name = name;
    this.namespaceType = namespaceType;
    this.keySerializer = keySerializer;
    this.nsSerializer = namespaceType.createSerializer();
    this.event = new TimerHeap(eventTag);
    this.processing = new TimerHeap(processingTag);
  }

  registerEventTimeTimer(namespace: N, time: number): void {
    this.register(this.event, namespace, time);
  }

  deleteEventTimeTimer(namespace: N, time: number): void {
    this.remove(this.event, namespace, time);
  }

  registerProcessingTimeTimer(namespace: N, time: number): void {
    this.register(this.processing, namespace, time);
  }

  deleteProcessingTimeTimer(namespace: N, time: number): void {
    this.remove(this.processing, namespace, time);
  }

  // Its pages go back with the backend: after that, every use is refused (they may belong to someone else).
  private get table(): StateTable {
    if (this.backend.isDisposed) throw new WeirError(`Operator "${this.backend.operatorName}": timer service "${this.name}" used after its state backend was disposed`);
    return this.tableRef;
  }

  /** The last watermark given to {@link advanceWatermark} (-Infinity before the first). */
  currentWatermark(): number {
    return this.watermark;
  }

  /** The earliest processing-time timer's time, or +Infinity when there is none. */
  nextProcessingTimer(): number {
    const hc = this.processing.control;
    if (hc === undefined || this.table.memory.core.stTimerCount(hc.address) === 0) return Number.POSITIVE_INFINITY;
    return this.table.memory.core.stTimerPeek(hc.address);
  }

  /** The earliest event-time timer's time, or +Infinity when there is none. */
  nextEventTimer(): number {
    const hc = this.event.control;
    if (hc === undefined || this.table.memory.core.stTimerCount(hc.address) === 0) return Number.POSITIVE_INFINITY;
    return this.table.memory.core.stTimerPeek(hc.address);
  }

  numEventTimeTimers(): number {
    const hc = this.event.control;
    return hc === undefined ? 0 : this.table.memory.core.stTimerCount(hc.address);
  }

  numProcessingTimeTimers(): number {
    const hc = this.processing.control;
    return hc === undefined ? 0 : this.table.memory.core.stTimerCount(hc.address);
  }

  /** Sets the watermark and fires, in time order, every event-time timer with time <= `watermark`. */
  advanceWatermark(watermark: number, onTimer: OnTimer<K, N>): void {
    this.checkTime(watermark, 'watermark');
    this.watermark = watermark;
    this.fire(this.event, watermark, onTimer);
  }

  /** Fires, in time order, every processing-time timer with time <= `now`. */
  advanceProcessingTime(now: number, onTimer: OnTimer<K, N>): void {
    this.checkTime(now, 'processing time');
    this.fire(this.processing, now, onTimer);
  }

  private checkTime(time: number, what: string): void {
    if (typeof time !== 'number' || Number.isNaN(time)) {
      throw new ConfigurationError(`Operator "${this.backend.operatorName}": timer service "${this.name}": the ${what} must be a number of ms, got ${String(time)}`);
    }
  }

  /** Writes `[tag][key][namespace][time]`; returns its length. */
  private composite(heap: TimerHeap, namespace: N, time: number): number {
    this.checkTime(time, 'timer time');
    if (namespace !== this.lastNamespace || this.lastNamespace === undefined) {
      this.lastNamespaceBytes = this.backend.serializeNamespace(this.nsSerializer, namespace, `timer service "${this.name}"`);
      this.lastNamespace = namespace;
    }
    const len = this.backend.composite(heap.tag, this.lastNamespaceBytes, `timer service "${this.name}"`);
    this.table.memory.view.setFloat64(this.table.comp + len, time === 0 ? 0 : time, true);
    return len + 8;
  }

  private register(heap: TimerHeap, namespace: N, time: number): void {
    const compLen = this.composite(heap, namespace, time);
    const t = this.table;
    const core = t.memory.core;
    if (heap.control === undefined) {
      const [control] = t.allocate(1, `keyed state: timer service "${this.name}"`);
      core.stHeapInit(control!.address, t.pageSize);
      heap.control = control;
    }
    const hc = heap.control.address;
    for (;;) {
      const r = core.stTimerAdd(t.ctl, hc, t.comp, compLen, this.backend.currentKeyGroup, time === 0 ? 0 : time);
      if (!isCode(r)) return;
      if (r === NEED_TIMER_PAGE) this.addHeapPage(heap);
      else t.handle(r, `timer service "${this.name}"`);
    }
  }

  private addHeapPage(heap: TimerHeap): void {
    const t = this.table;
    const most = (t.pageSize - 16) / 4;
    if (heap.pages.length >= most) {
      throw new MemoryBudgetError(
        `Operator "${this.backend.operatorName}": timer service "${this.name}" is full: a timer queue holds at most ${most} pages of timers ` +
          `(${Math.floor(most * (t.pageSize / 16))} timers with segments of ${t.pageSize} bytes); raise memory: { segmentSize: … }`,
      );
    }
    const [page] = t.allocate(1, `keyed state: timer service "${this.name}"`);
    t.memory.core.stHeapAddPage(heap.control!.address, page!.address);
    heap.pages.push(page!);
  }

  private remove(heap: TimerHeap, namespace: N, time: number): void {
    const compLen = this.composite(heap, namespace, time);
    if (heap.control === undefined) return;
    const t = this.table;
    if (t.memory.core.stTimerDelete(t.ctl, heap.control.address, t.comp, compLen) !== 0) t.shrinkIfEmpty();
  }

  private fire(heap: TimerHeap, time: number, onTimer: OnTimer<K, N>): void {
    const hc = heap.control;
    if (hc === undefined) return;
    const t = this.table;
    const core = t.memory.core;
    const input = this.backend.input;
    const bytes = t.memory.bytes;
    while (core.stTimerCount(hc.address) > 0 && core.stTimerPeek(hc.address) <= time) {
      const n = core.stTimerPop(t.ctl, hc.address, t.value);
      input.setBuffer(bytes, t.value + 1, n - 9);
      const key = this.keySerializer.deserialize(input);
      const namespace = this.nsSerializer.deserialize(input);
      const at = t.value + n - 8;
      const timerTime = t.memory.view.getFloat64(at, true);
      this.backend.setCurrentKey(key);
      onTimer(key, namespace, timerTime);
    }
    this.shrink(heap);
    t.shrinkIfEmpty();
  }

  /** Returns heap pages beyond what the queue needs, keeping one spare. */
  private shrink(heap: TimerHeap): void {
    const t = this.table;
    const perPage = t.pageSize / NODE_BYTES;
    const needed = Math.ceil(t.memory.core.stTimerCount(heap.control!.address) / perPage) + 1;
    if (heap.pages.length <= needed) return;
    const extra = heap.pages.splice(needed);
    t.memory.view.setUint32(heap.control!.address + H_PAGES, heap.pages.length, true);
    t.releasePages(extra);
  }
}
