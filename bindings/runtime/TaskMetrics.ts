/**
 * Per-task and per-operator metrics, named as Flink's. A task is idle while
 * it waits for input, backpressured while it waits for an output buffer, and
 * busy otherwise (working, or ready and waiting for the thread it shares with
 * the other tasks). Per-second figures are rates over the last second of
 * samples, so they follow a change within about a second.
 */

/** Flink's backpressure levels: OK up to 10 % of the time backpressured, LOW up to 50 %, HIGH above. */
export type BackPressureLevel = 'OK' | 'LOW' | 'HIGH';

export function backPressureLevel(backPressuredTimeMsPerSecond: number): BackPressureLevel {
  const ratio = backPressuredTimeMsPerSecond / 1000;
  return ratio <= 0.1 ? 'OK' : ratio <= 0.5 ? 'LOW' : 'HIGH';
}

/** One operator instance's counts. */
export interface OperatorMetrics {
  name: string;
  uid: string | undefined;
  subtask: number;
  numRecordsIn: number;
  numRecordsOut: number;
  /** The operator's event time: the minimum watermark of its inputs (−Infinity before the first). */
  currentInputWatermark: number;
  /** Records that arrived too late for their window (window operators; 0 elsewhere). */
  numLateRecordsDropped: number;
}

/** One task (an operator chain's parallel instance) at one moment. */
export interface TaskMetricsSnapshot {
  /** The chain, e.g. `Source: numbers -> Map`. */
  name: string;
  subtask: number;
  parallelism: number;
  numRecordsIn: number;
  numRecordsOut: number;
  numRecordsInPerSecond: number;
  numRecordsOutPerSecond: number;
  busyTimeMsPerSecond: number;
  idleTimeMsPerSecond: number;
  backPressuredTimeMsPerSecond: number;
  backPressureLevel: BackPressureLevel;
  /** Share of the input channels' buffers in use (0–1). */
  inPoolUsage: number;
  /** Share of the output pools' buffers in use (0–1). */
  outPoolUsage: number;
  /** Buffers that crossed into this task. */
  numBuffersIn: number;
  operators: OperatorMetrics[];
}

interface Sample {
  at: number;
  recordsIn: number;
  recordsOut: number;
  idle: number;
  backPressured: number;
}

export const enum Waiting {
  None = 0,
  Idle = 1,
  BackPressured = 2,
}

const WINDOW_MS = 1000;

export class TaskMetrics {
  numRecordsIn = 0;
  private idleMs = 0;
  private backPressuredMs = 0;
  private waiting = Waiting.None;
  private waitStart = 0;
  private readonly samples: Sample[] = [];

  /** The task's work is done: from now on it counts as idle (it does nothing and holds nothing back). */
  finish(): void {
    this.endWait();
    this.startWait(Waiting.Idle);
  }

  /** Starts a wait of one kind; ends with {@link endWait}. */
  startWait(kind: Waiting): void {
    this.waiting = kind;
    this.waitStart = performance.now();
  }

  endWait(): void {
    const kind = this.waiting;
    if (kind === Waiting.None) return;
    const ms = performance.now() - this.waitStart;
    if (kind === Waiting.Idle) this.idleMs += ms;
    else this.backPressuredMs += ms;
    this.waiting = Waiting.None;
  }

  /** Totals so far, counting a wait in progress. */
  totals(now: number): { idle: number; backPressured: number } {
    const ongoing = this.waiting === Waiting.None ? 0 : now - this.waitStart;
    return {
      idle: this.idleMs + (this.waiting === Waiting.Idle ? ongoing : 0),
      backPressured: this.backPressuredMs + (this.waiting === Waiting.BackPressured ? ongoing : 0),
    };
  }

  /** Records a sample; keeps about one window of them. */
  sample(now: number, recordsOut: number): void {
    const t = this.totals(now);
    this.samples.push({ at: now, recordsIn: this.numRecordsIn, recordsOut, idle: t.idle, backPressured: t.backPressured });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= WINDOW_MS) this.samples.shift();
  }

  /** Per-second rates over the sampled window (or since the start, for a task younger than that). */
  rates(now: number, recordsOut: number, startedAt: number): Pick<
    TaskMetricsSnapshot,
    'numRecordsInPerSecond' | 'numRecordsOutPerSecond' | 'busyTimeMsPerSecond' | 'idleTimeMsPerSecond' | 'backPressuredTimeMsPerSecond' | 'backPressureLevel'
  > {
    const t = this.totals(now);
    const base = this.samples[0] ?? { at: startedAt, recordsIn: 0, recordsOut: 0, idle: 0, backPressured: 0 };
    const span = now - base.at;
    const perSecond = (d: number) => (span <= 0 ? 0 : (d * 1000) / span);
    const idle = Math.min(1000, perSecond(t.idle - base.idle));
    const backPressured = Math.min(1000 - idle, perSecond(t.backPressured - base.backPressured));
    return {
      numRecordsInPerSecond: perSecond(this.numRecordsIn - base.recordsIn),
      numRecordsOutPerSecond: perSecond(recordsOut - base.recordsOut),
      idleTimeMsPerSecond: idle,
      backPressuredTimeMsPerSecond: backPressured,
      busyTimeMsPerSecond: Math.max(0, 1000 - idle - backPressured),
      backPressureLevel: backPressureLevel(backPressured),
    };
  }
}
