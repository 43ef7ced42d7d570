/**
 * Cooperative scheduling on one thread. Tasks are async loops; between input
 * buffers they `await` a resolved promise (a microtask), which lets every other
 * runnable task take its turn, and once a time slice of {@link SLICE_MS} has
 * passed since the event loop last ran, they yield a macrotask so that timers,
 * I/O and (in a browser) rendering get the thread. No task blocks the event
 * loop for much longer than one slice plus the work on one buffer.
 */

/** Longest run of task work before the event loop gets the thread back. */
export const SLICE_MS = 8;

type Yield = () => Promise<void>;

function macrotaskYield(): Yield {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return () => new Promise<void>((resolve) => setImmediate(resolve));
  }
  // Browsers: a MessageChannel message is a macrotask without setTimeout's 4 ms clamp.
  const channel = new MessageChannel();
  const queue: Array<() => void> = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      queue.push(resolve);
      channel.port2.postMessage(0);
    });
}

let yieldMacrotask: Yield | undefined;
let sliceStart = performance.now();
const resolved = Promise.resolve();
// One macrotask yield shared by every task whose slice ran out: each task queuing
// its own would give each a fresh slice before the event loop got the thread.
let pendingYield: Promise<void> | undefined;

/**
 * The point where a task lets others run: a microtask turn, or a macrotask
 * once the slice is spent. Await the result.
 */
export function taskYield(): Promise<void> {
  const now = performance.now();
  if (now - sliceStart < SLICE_MS) return resolved;
  yieldMacrotask ??= macrotaskYield();
  pendingYield ??= yieldMacrotask().then(() => {
    sliceStart = performance.now();
    pendingYield = undefined;
  });
  return pendingYield;
}

/** A promise that resolves after `ms` milliseconds or rejects when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** True for objects with a `then` method: what an `await` would wait for. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

type SetMaxListeners = (n: number, ...targets: EventTarget[]) => void;

/**
 * Lets any number of waits listen to `signal` (a job's tasks and channels all
 * do). Node warns about more than ten listeners on one AbortSignal unless told
 * otherwise; browsers have no such limit.
 */
export function allowManyListeners(signal: AbortSignal): void {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => { setMaxListeners?: SetMaxListeners } | undefined } }).process?.getBuiltinModule;
  getBuiltin?.('node:events')?.setMaxListeners?.(0, signal);
}
