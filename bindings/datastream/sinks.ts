/**
 * Built-in sinks: print, Node Writable and WHATWG WritableStream (both
 * respecting the writer's backpressure: a write waits for `drain` / `ready`),
 * and the collecting sinks behind executeAndCollect and collectAsync.
 */
import { ConfigurationError, WeirError } from '../errors.js';
import type { SinkFunction } from './functions.js';

/** The Node `Writable` surface weir uses (so that weir does not depend on Node's types at runtime). */
export interface NodeWritableLike {
  write(chunk: unknown): boolean;
  end(callback?: () => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  destroy?(error?: Error): unknown;
  readonly writableFinished?: boolean;
}

export function isNodeWritable(x: unknown): x is NodeWritableLike {
  const w = x as NodeWritableLike | null;
  return w !== null && typeof w === 'object' && typeof w.write === 'function' && typeof w.end === 'function' && typeof w.on === 'function';
}

export function isWritableStream(x: unknown): x is WritableStream<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as WritableStream).getWriter === 'function';
}

/** Formats a record as `print()` does: strings as they are, other values as JSON (bigints as `12n`). */
export function formatRecord(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

export function printSink<T>(prefix: string | undefined, parallel: boolean, log: (line: string) => void = console.log): SinkFunction<T> {
  return {
    invoke(value, ctx) {
      const tag = prefix === undefined ? (parallel ? `${ctx.subtask + 1}> ` : '') : parallel ? `${prefix}:${ctx.subtask + 1}> ` : `${prefix}> `;
      log(tag + formatRecord(value));
    },
  };
}

export function nodeWritableSink<T>(writable: NodeWritableLike): SinkFunction<T> {
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  let finished = false;
  const w = writable as NodeWritableLike & { destroyed?: boolean; closed?: boolean; writableEnded?: boolean };
  const gone = () => w.destroyed === true || w.closed === true || w.writableEnded === true;
  const check = () => {
    if (failure !== undefined) throw new WeirError(`the Writable failed: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
    if (gone()) throw new WeirError('the Writable was destroyed or ended before the job finished');
  };
  const waitFor = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        writable.off?.('error', fail);
        writable.off?.('close', closed);
        resolve();
      };
      const fail = (error: unknown) => {
        writable.off?.(event, done);
        reject(error);
      };
      const closed = () => {
        if (event === 'finish' && writable.writableFinished === true) done();
        else fail(new WeirError(`the Writable was destroyed before it ${event === 'drain' ? 'drained' : 'finished'}`));
      };
      writable.once(event, done);
      writable.once('error', fail);
      writable.once('close', closed);
      // Destroyed in the meantime: neither event will come.
      if (event === 'drain' && (w.destroyed === true || w.closed === true)) fail(new WeirError('the Writable was destroyed before it drained'));
    });
  return {
    open() {
      writable.on('error', onError);
    },
    invoke(value) {
      check();
      if (!writable.write(value)) return waitFor('drain');
      return undefined;
    },
    async finish() {
      if (failure !== undefined || w.destroyed === true || w.closed === true) check();
      const finishedPromise = waitFor('finish');
      writable.end();
      await finishedPromise;
      finished = true;
    },
    close() {
      writable.off?.('error', onError);
      if (!finished) writable.destroy?.(failure instanceof Error ? failure : undefined);
    },
  };
}

export function writableStreamSink<T>(stream: WritableStream<T>): SinkFunction<T> {
  let writer: WritableStreamDefaultWriter<T> | undefined;
  let failure: unknown;
  let finished = false;
  const write = (value: T) => {
    writer!.write(value).catch((error: unknown) => {
      failure ??= error;
    });
  };
  return {
    open() {
      writer = stream.getWriter();
    },
    invoke(value) {
      if (failure !== undefined) throw new WeirError(`the WritableStream failed: ${String(failure)}`, { cause: failure });
      const w = writer!;
      if (w.desiredSize !== null && w.desiredSize <= 0) return w.ready.then(() => write(value));
      write(value);
      return undefined;
    },
    async finish() {
      if (failure !== undefined) throw new WeirError(`the WritableStream failed: ${String(failure)}`, { cause: failure });
      try {
        await writer!.close();
      } catch (error) {
        throw new WeirError(`the WritableStream failed: ${String(failure ?? error)}`, { cause: failure ?? error });
      }
      finished = true;
    },
    close() {
      if (writer === undefined) return;
      if (!finished) writer.abort(failure).catch(() => undefined);
      else writer.releaseLock();
    },
  };
}

/** Checks a sink argument and turns streams into sink functions. */
export function toSinkFunction<T>(sink: unknown): { fn: SinkFunction<T>; exclusive: boolean } {
  if (isWritableStream(sink)) return { fn: writableStreamSink(sink as WritableStream<T>), exclusive: true };
  if (isNodeWritable(sink)) return { fn: nodeWritableSink(sink), exclusive: true };
  if (sink !== null && typeof sink === 'object' && typeof (sink as SinkFunction<T>).invoke === 'function') return { fn: sink as SinkFunction<T>, exclusive: false };
  if (typeof sink === 'function') return { fn: { invoke: sink as SinkFunction<T>['invoke'] }, exclusive: false };
  throw new ConfigurationError(`sinkTo: expected a SinkFunction ({ invoke(value) }), a function, a Node Writable or a WritableStream, got ${sink === null ? 'null' : typeof sink}`);
}
