/**
 * The file operations a {@link FileSink} writes through: make a directory, create
 * a new file, append bytes to it, close it. All of them are asynchronous, so a
 * slow disk backpressures the job instead of blocking it. In Node it is
 * `node:fs/promises`, looked up when a sink opens (never imported by a module,
 * so that the browser bundle loads none of it); a browser or a test passes its
 * own, e.g. over the Origin Private File System or in memory.
 *
 * The exactly-once sink of a later version will add what a two-phase commit
 * needs (rename a finished in-progress file to its final name, remove, list);
 * an implementation may add those already.
 *
 * @example
 * ```ts
 * const sink = FileSink.forRowFormat('/var/log/bids', new SimpleStringEncoder())
 *   .withFileSystem(nodeFileSinkFileSystem()!) // the default in Node
 *   .build();
 * ```
 */
export interface FileSinkFileSystem {
  /** A path for `name` (which may contain `/`) inside `dir`. */
  join(dir: string, name: string): string;
  /** Makes `dir` and any missing parents; nothing if it exists. */
  mkdirs(dir: string): Promise<void>;
  /** Creates a new empty file for writing; fails if one exists at `path`. */
  create(path: string): Promise<FileSinkOutputStream>;
}

/** A file open for writing, from {@link FileSinkFileSystem.create}. */
export interface FileSinkOutputStream {
  /** Appends all of `bytes`; the caller reuses `bytes` once the promise settles. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the file (once; after a failed write too). */
  close(): Promise<void>;
}

import { nodeBuiltins, type NodePath } from '../core/nodeBuiltins.js';

interface NodeFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position: null): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}
interface NodeFsPromises {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  open(path: string, flags: string): Promise<NodeFileHandle>;
}

/** `node:fs/promises` as a FileSinkFileSystem, or undefined where there is no Node file system (browsers, Node < 20.16). */
export function nodeFileSinkFileSystem(): FileSinkFileSystem | undefined {
  const builtin = nodeBuiltins();
  if (builtin === undefined) return undefined;
  const fs = builtin<NodeFsPromises>('node:fs/promises');
  const path = builtin<NodePath>('node:path');
  return {
    join: (dir, name) => path.join(dir, name),
    mkdirs: async (dir) => {
      await fs.mkdir(dir, { recursive: true });
    },
    create: async (p) => {
      const handle = await fs.open(p, 'wx'); // never overwrite another run's part file
      return {
        async write(bytes) {
          for (let done = 0; done < bytes.length; ) {
            const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, null);
            done += bytesWritten;
          }
        },
        close: () => handle.close(),
      };
    },
  };
}
