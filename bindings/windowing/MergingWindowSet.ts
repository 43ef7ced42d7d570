/**
 * MergingWindowSet: for one key of a merging (session) assigner, the windows
 * in flight and, for each, the window its state is kept under (Flink's).
 * When windows merge, the merge result keeps the state window of one of the
 * merged windows, so only the others' contents move (one mergeNamespaces).
 * The mapping is kept in keyed state (as [start, end, stateStart, stateEnd]
 * quadruples) and read and written around each element and timer.
 * @internal
 */
import { TimeWindow } from './TimeWindow.js';
import { MergingWindowAssigner } from './WindowAssigner.js';

type MergeFunction = (result: TimeWindow, merged: TimeWindow[], stateResult: TimeWindow, mergedStates: TimeWindow[]) => void;

// The windows of a set never overlap, so a start names one (a number: no string per lookup).
const id = (w: TimeWindow) => w.start;

export class MergingWindowSet {
  private mapping = new Map<number, { window: TimeWindow; state: TimeWindow }>();
  private dirty = false;
  private loaded = false;
  private loadedKey: unknown = undefined;

  constructor(
    private readonly assigner: MergingWindowAssigner<unknown>,
    private readonly store: { value(): number[] | null; update(v: number[]): void; clear(): void },
  ) {}

  /** Reads the mapping of `key`, the current key (kept if it was the last one read: only this set writes it). */
  load(key: unknown): void {
    if (this.loaded && key === this.loadedKey && (typeof key !== 'object' || key === null)) return;
    this.loaded = true;
    this.loadedKey = key;
    this.mapping.clear();
    this.dirty = false;
    const flat = this.store.value();
    if (flat === null) return;
    for (let i = 0; i < flat.length; i += 4) {
      const window = new TimeWindow(flat[i]!, flat[i + 1]!);
      this.mapping.set(id(window), { window, state: new TimeWindow(flat[i + 2]!, flat[i + 3]!) });
    }
  }

  /** Writes the current key's mapping back if it changed. */
  persist(): void {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.mapping.size === 0) {
      this.store.clear();
      return;
    }
    const flat: number[] = [];
    for (const { window, state } of this.mapping.values()) flat.push(window.start, window.end, state.start, state.end);
    this.store.update(flat);
  }

  /** The window whose state holds `window`'s contents, if `window` is in the set. */
  getStateWindow(window: TimeWindow): TimeWindow | undefined {
    const e = this.mapping.get(id(window));
    // A window merged into one with the same start is gone (its timers may still fire).
    return e !== undefined && e.window.end === window.end ? e.state : undefined;
  }

  /** Removes a window (it was cleaned up or is late). */
  retireWindow(window: TimeWindow): void {
    const e = this.mapping.get(id(window));
    if (e === undefined || e.window.end !== window.end) return;
    this.mapping.delete(id(window));
    this.dirty = true;
  }

  /**
   * Adds `newWindow`, merging it with the windows it overlaps or touches;
   * `merge` is told about each merge (not about a new window that merged
   * with nothing). Returns the window `newWindow` ended up in.
   */
  addWindow(newWindow: TimeWindow, merge: MergeFunction): TimeWindow {
    if (this.assigner.mergeWindows === MergingWindowAssigner.prototype.mergeWindows) return this.addTimeWindow(newWindow, merge);
    const windows = [...[...this.mapping.values()].map((e) => e.window), newWindow];
    const results: Array<{ result: TimeWindow; merged: TimeWindow[] }> = [];
    this.assigner.mergeWindows(windows, (merged, result) => results.push({ result, merged: [...merged] }));
    let resultWindow = newWindow;
    let mergedNew = false;
    for (const { result, merged } of results) {
      const at = merged.findIndex((w) => w.equals(newWindow));
      if (at >= 0) {
        merged.splice(at, 1);
        mergedNew = true;
        resultWindow = result;
      }
      if (merged.length === 0) continue;
      // The result keeps the state window of one of the windows that existed.
      const stateResult = this.mapping.get(id(merged[0]!))!.state;
      const mergedStates: TimeWindow[] = [];
      for (const w of merged) {
        const e = this.mapping.get(id(w));
        if (e !== undefined) {
          this.mapping.delete(id(w));
          if (!e.state.equals(stateResult)) mergedStates.push(e.state);
        }
      }
      this.mapping.set(id(result), { window: result, state: stateResult });
      this.dirty = true;
      // A window that only absorbed the new window keeps its bounds: nothing to merge.
      if (!(merged.length === 1 && merged[0]!.equals(result))) merge(result, merged, stateResult, mergedStates);
    }
    if (!mergedNew) {
      this.mapping.set(id(newWindow), { window: newWindow, state: newWindow });
      this.dirty = true;
    }
    return resultWindow;
  }

  /**
   * addWindow for assigners that merge as TimeWindow.mergeWindows does (every
   * built-in one), without copying and sorting the key's windows: the windows
   * of a set never overlap or touch, so what merges with `newWindow` is exactly
   * the windows it intersects, and their cover cannot reach any other. The
   * same result, state window and merge call as the general path.
   */
  private addTimeWindow(newWindow: TimeWindow, merge: MergeFunction): TimeWindow {
    let merged: TimeWindow[] | undefined;
    for (const e of this.mapping.values()) if (e.window.intersects(newWindow)) (merged ??= []).push(e.window);
    this.dirty = true;
    if (merged === undefined) {
      this.mapping.set(id(newWindow), { window: newWindow, state: newWindow });
      return newWindow;
    }
    merged.sort((a, b) => a.start - b.start || a.end - b.end);
    let result = newWindow;
    for (const w of merged) result = result.cover(w);
    const stateResult = this.mapping.get(id(merged[0]!))!.state;
    const mergedStates: TimeWindow[] = [];
    for (const w of merged) {
      const e = this.mapping.get(id(w))!;
      this.mapping.delete(id(w));
      if (!e.state.equals(stateResult)) mergedStates.push(e.state);
    }
    this.mapping.set(id(result), { window: result, state: stateResult });
    // A window that only absorbed the new window keeps its bounds: nothing to merge.
    if (!(merged.length === 1 && merged[0]!.equals(result))) merge(result, merged, stateResult, mergedStates);
    return result;
  }
}
