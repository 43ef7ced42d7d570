/**
 * The file operations an {@link ExternalSorter} spills through. In Node it is
 * `node:fs` (synchronous calls, in a directory made under the OS temporary
 * directory or the one given); elsewhere there is none, and a sort that needs
 * more memory than it has fails with a MemoryBudgetError. (Browsers' Origin
 * Private File System is not used: its synchronous access exists only in
 * workers.) Tests and embedders can pass their own implementation.
 *
 * @example
 * ```ts
 * // Spill into a directory of your choosing, through node:fs:
 * new ExternalSorter({ type, budget, tempDir: '/var/tmp', fileSystem: nodeSpillFileSystem() });
 * // Never spill (fail with MemoryBudgetError instead):
 * new ExternalSorter({ type, budget, fileSystem: null });
 * ```
 */
export interface SpillFileSystem {
  /** Makes a new empty directory under `parent` (or the system's temporary directory) and returns its path. */
  makeTempDir(parent: string | undefined, prefix: string): string;
  /** A path for `name` inside `dir`. */
  join(dir: string, name: string): string;
  /** Opens a file for writing (created, truncated) or reading. */
  open(path: string, mode: 'w' | 'r'): number;
  /** Writes `length` bytes of `bytes` from `offset`; returns how many were written. */
  write(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  /** Reads up to `length` bytes into `bytes` at `offset`; returns how many (0 at the end). */
  read(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  close(fd: number): void;
  /** Removes a file. */
  remove(path: string): void;
  /** Removes a directory and everything in it. */
  removeDir(dir: string): void;
}

import { nodeBuiltins, type NodePath } from '../core/nodeBuiltins.js';

interface NodeFs {
  mkdtempSync(prefix: string): string;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  closeSync(fd: number): void;
  rmSync(path: string, options?: { recursive?: boolean; force?: boolean }): void;
  existsSync(path: string): boolean;
}
interface NodeOs {
  tmpdir(): string;
}

/** `node:fs` as a SpillFileSystem, or undefined where there is no Node file system (browsers, Node < 20.16). */
export function nodeSpillFileSystem(): SpillFileSystem | undefined {
  const builtin = nodeBuiltins();
  if (builtin === undefined) return undefined;
  const fs = builtin<NodeFs>('node:fs');
  const os = builtin<NodeOs>('node:os');
  const path = builtin<NodePath>('node:path');
  return {
    makeTempDir: (parent, prefix) => fs.mkdtempSync(path.join(parent ?? os.tmpdir(), prefix)),
    join: (dir, name) => path.join(dir, name),
    open: (p, mode) => fs.openSync(p, mode),
    write: (fd, bytes, offset, length) => fs.writeSync(fd, bytes, offset, length),
    read: (fd, bytes, offset, length) => fs.readSync(fd, bytes, offset, length, null),
    close: (fd) => fs.closeSync(fd),
    remove: (p) => fs.rmSync(p, { force: true }),
    removeDir: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
