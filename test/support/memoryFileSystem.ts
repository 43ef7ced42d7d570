// A SpillFileSystem in memory, so that spilling runs the same in Node and in
// the browser; it can be told to fail like a full disk.
import type { FileSinkFileSystem, FileSinkOutputStream, SpillFileSystem } from 'weir';

export class MemoryFileSystem implements SpillFileSystem {
  readonly files = new Map<string, Uint8Array[]>();
  readonly dirs = new Set<string>();
  private readonly open_ = new Map<number, { path: string; read: number; chunk: number }>();
  private nextFd = 3;
  private nextDir = 0;
  /** Bytes written before writes fail with ENOSPC (Infinity: never). */
  diskBytes = Number.POSITIVE_INFINITY;
  /** At most this many bytes per read or write call, as a real file system may do. */
  maxIo = Number.POSITIVE_INFINITY;
  /** Reads fail with EIO when set. */
  failReads = false;
  written = 0;

  makeTempDir(parent: string | undefined, prefix: string): string {
    if (parent !== undefined && parent !== '/tmp') throw Object.assign(new Error(`ENOENT: no such file or directory, mkdtemp '${parent}/${prefix}XXXXXX'`), { code: 'ENOENT' });
    const dir = `/tmp/${prefix}${this.nextDir++}`;
    this.dirs.add(dir);
    return dir;
  }
  join(dir: string, name: string): string {
    return `${dir}/${name}`;
  }
  open(path: string, mode: 'w' | 'r'): number {
    if (mode === 'w') this.files.set(path, []);
    else if (!this.files.has(path)) throw new Error(`ENOENT: ${path}`);
    const fd = this.nextFd++;
    this.open_.set(fd, { path, read: 0, chunk: 0 });
    return fd;
  }
  write(fd: number, bytes: Uint8Array, offset: number, length: number): number {
    length = Math.min(length, this.maxIo);
    if (this.written + length > this.diskBytes) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    this.written += length;
    this.files.get(this.open_.get(fd)!.path)!.push(bytes.slice(offset, offset + length));
    return length;
  }
  read(fd: number, bytes: Uint8Array, offset: number, length: number): number {
    if (this.failReads) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    length = Math.min(length, this.maxIo);
    const f = this.open_.get(fd);
    if (f === undefined) throw Object.assign(new Error(`EBADF: bad file descriptor ${fd}`), { code: 'EBADF' });
    const chunks = this.files.get(f.path)!;
    let n = 0;
    while (n < length && f.chunk < chunks.length) {
      const c = chunks[f.chunk]!;
      const take = Math.min(length - n, c.length - f.read);
      bytes.set(c.subarray(f.read, f.read + take), offset + n);
      n += take;
      f.read += take;
      if (f.read === c.length) {
        f.chunk++;
        f.read = 0;
      }
    }
    return n;
  }
  close(fd: number): void {
    this.open_.delete(fd);
  }
  remove(path: string): void {
    this.files.delete(path);
  }
  removeDir(dir: string): void {
    for (const p of [...this.files.keys()]) if (p.startsWith(`${dir}/`)) this.files.delete(p);
    this.dirs.delete(dir);
  }
  /** Files and directories still there. */
  get leftovers(): number {
    return this.files.size + this.dirs.size;
  }
  get openFiles(): number {
    return this.open_.size;
  }
}

/**
 * A FileSinkFileSystem in memory: files are lists of written chunks; it
 * counts open files and writes, can be told to fail like a full disk, and can
 * make each write wait (a slow disk).
 */
export class MemorySinkFileSystem implements FileSinkFileSystem {
  readonly files = new Map<string, Uint8Array[]>();
  readonly dirs = new Set<string>();
  /** Sizes of the writes, in order. */
  readonly writes: number[] = [];
  openFiles = 0;
  /** Bytes written before writes fail with ENOSPC (Infinity: never). */
  diskBytes = Number.POSITIVE_INFINITY;
  /** Milliseconds each write takes (0: settles in a microtask). */
  writeDelay = 0;
  written = 0;

  join(dir: string, name: string): string {
    return `${dir}/${name}`;
  }
  async mkdirs(dir: string): Promise<void> {
    for (let i = dir.indexOf('/', 1); i > 0; i = dir.indexOf('/', i + 1)) this.dirs.add(dir.slice(0, i));
    this.dirs.add(dir);
  }
  async create(path: string): Promise<FileSinkOutputStream> {
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (!this.dirs.has(parent)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    if (this.files.has(path)) throw Object.assign(new Error(`EEXIST: file already exists, open '${path}'`), { code: 'EEXIST' });
    const chunks: Uint8Array[] = [];
    this.files.set(path, chunks);
    this.openFiles++;
    let open = true;
    return {
      write: async (bytes) => {
        if (!open) throw new Error(`EBADF: ${path} is closed`);
        if (this.writeDelay > 0) await new Promise((resolve) => setTimeout(resolve, this.writeDelay));
        if (this.written + bytes.length > this.diskBytes) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        this.written += bytes.length;
        this.writes.push(bytes.length);
        chunks.push(bytes.slice());
      },
      close: async () => {
        if (!open) throw new Error(`EBADF: ${path} closed twice`);
        open = false;
        this.openFiles--;
      },
    };
  }
  /** A file's contents as text. */
  text(path: string): string {
    const chunks = this.files.get(path);
    if (chunks === undefined) throw new Error(`no file ${path}`);
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all);
  }
  /** The paths of the files, sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }
}
