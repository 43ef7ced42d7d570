/**
 * FileSink writes a stream's records into files, as Flink's FileSink in row
 * format does: each record is encoded (an {@link Encoder}: a line of text or
 * bytes) and appended to the current part file of its bucket, a directory under
 * the base path named by the {@link BucketAssigner}. Each parallel instance of
 * the sink writes its own part files, `<base>/<bucket>/<prefix>-<subtask>-<n><suffix>`
 * (`part-0-0`, `part-0-1`, … by default), and starts the next part of a bucket
 * when the {@link RollingPolicy} says so (by default at 128 MiB or after 60 s).
 * At most `maxOpenParts` part files (32 by default) are open at once per
 * instance: opening another finishes the part file of the bucket that went
 * longest without a record (buckets by time would otherwise each keep a file
 * handle and a buffer for ever; Flink finishes them after an inactivity
 * interval, on a processing-time timer this sink does not have).
 *
 * Writes go out in batches: encoded records gather in a buffer per open part
 * file (64 KiB by default) that is written when full and when the part file
 * closes; a write is awaited, so a slow disk backpressures the job. At the end
 * of input (`finish`) every buffer is written and every part file closed; a
 * job that fails or is cancelled writes what was buffered and closes them as
 * well (`close`), so that no file handle stays open. Part files are created
 * new: a sink refuses to overwrite another run's files.
 *
 * Files go through a {@link FileSinkFileSystem}: `node:fs/promises` in Node
 * (looked up when the sink opens), or the one given with `withFileSystem`.
 *
 * Invariants: each record is appended exactly once, to the part file that was
 * current for its bucket when it arrived; a part file's bytes are its records'
 * encodings in arrival order; at most one write of an instance is in flight.
 * Not yet: the exactly-once, two-phase-commit protocol of Flink's sink
 * (in-progress → pending on checkpoint → committed when it completes), which
 * will write under in-progress names and rename; today a part file carries its
 * final name from the start.
 *
 * @example
 * ```ts
 * const sink = FileSink.forRowFormat('/var/log/bids', (bid: Bid) => `${bid.auction},${bid.price}\n`)
 *   .withBucketAssigner((bid) => new Date(bid.dateTime).toISOString().slice(0, 10)) // one directory per day
 *   .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize('16mb').build())
 *   .build();
 * bids.sinkTo(sink).name('bids to files');
 * ```
 */
import { ConfigurationError, WeirError } from '../errors.js';
import { parseMemorySize, type MemorySize } from '../core/units.js';
import type { RuntimeContext, SinkContext, SinkFunction } from '../datastream/functions.js';
import { describeValue } from '../types/TypeSerializer.js';
import { nodeFileSinkFileSystem, type FileSinkFileSystem, type FileSinkOutputStream } from './FileSinkFileSystem.js';

export { nodeFileSinkFileSystem, type FileSinkFileSystem, type FileSinkOutputStream };

/** Turns a record into the bytes the sink appends for it (a string is written as UTF-8); include the line separator. */
export interface Encoder<T> {
  encode(element: T): string | Uint8Array;
}

/** Flink's SimpleStringEncoder: `String(element)` and a newline. */
export class SimpleStringEncoder<T> implements Encoder<T> {
  encode(element: T): string {
    return `${String(element)}\n`;
  }
}

/** What a bucket assigner may consult besides the record. */
export interface BucketAssignerContext {
  /** The record's event timestamp, or null if it has none. */
  timestamp(): number | null;
  /** The sink's current watermark. */
  currentWatermark(): number;
  /** Wall-clock time in epoch milliseconds. */
  currentProcessingTime(): number;
}

/** Names the bucket (a directory under the base path, `''` for the base path itself) a record goes to. */
export interface BucketAssigner<T> {
  getBucketId(element: T, context: BucketAssignerContext): string;
}

/** Every record into the base path (one bucket, `''`). */
export class BasePathBucketAssigner<T> implements BucketAssigner<T> {
  getBucketId(_element: T, _context: BucketAssignerContext): string {
    return '';
  }
}

/** The part file a rolling policy decides about. */
export interface PartFileInfo {
  readonly bucketId: string;
  /** Bytes appended so far, buffered ones included. */
  readonly size: number;
  /** When the part file was created (epoch ms). */
  readonly creationTime: number;
  /** When a batch was last written to it (epoch ms). */
  readonly lastUpdateTime: number;
}

/** Decides when a bucket's part file is finished and the next one starts. */
export interface RollingPolicy<T> {
  /** Asked before `element` is appended to the bucket's current part file: start a new one first? */
  shouldRollOnEvent(partFile: PartFileInfo, element: T): boolean;
}

/**
 * Flink's DefaultRollingPolicy: a part file is finished once it holds more
 * than `maxPartSize` bytes, or once it is `rolloverInterval` ms old (checked
 * when a record arrives for its bucket: weir's sink has no timer of its own).
 */
export class DefaultRollingPolicy<T> implements RollingPolicy<T> {
  static readonly DEFAULT_MAX_PART_SIZE = 128 * 1024 * 1024;
  static readonly DEFAULT_ROLLOVER_INTERVAL = 60_000;

  private constructor(
    readonly maxPartSize: number,
    readonly rolloverInterval: number,
  ) {}

  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder();
  }

  /** @internal */
  static of<T>(maxPartSize: number, rolloverInterval: number): DefaultRollingPolicy<T> {
    return new DefaultRollingPolicy<T>(maxPartSize, rolloverInterval);
  }

  shouldRollOnEvent(partFile: PartFileInfo, _element: T): boolean {
    if (partFile.size > this.maxPartSize) return true;
    return this.rolloverInterval !== Number.POSITIVE_INFINITY && Date.now() - partFile.creationTime >= this.rolloverInterval;
  }
}

/** Builds a {@link DefaultRollingPolicy}. */
export class DefaultRollingPolicyBuilder {
  private maxPartSize = DefaultRollingPolicy.DEFAULT_MAX_PART_SIZE;
  private rolloverInterval = DefaultRollingPolicy.DEFAULT_ROLLOVER_INTERVAL;

  /** Finish a part file once it holds more than this (bytes, or a size such as `'16mb'`). */
  withMaxPartSize(size: MemorySize): this {
    const bytes = parseMemorySize(size, 'DefaultRollingPolicy.withMaxPartSize');
    if (bytes < 1) throw new ConfigurationError(`DefaultRollingPolicy.withMaxPartSize: the size must be at least 1 byte, got ${String(size)}`);
    this.maxPartSize = bytes;
    return this;
  }

  /** Finish a part file once it is this many ms old (`Infinity`: never for its age). */
  withRolloverInterval(ms: number): this {
    if (typeof ms !== 'number' || !(ms > 0)) throw new ConfigurationError(`DefaultRollingPolicy.withRolloverInterval: expected a positive number of ms, got ${describeValue(ms)}`);
    this.rolloverInterval = ms;
    return this;
  }

  build<T>(): DefaultRollingPolicy<T> {
    return DefaultRollingPolicy.of<T>(this.maxPartSize, this.rolloverInterval);
  }
}

/** How part files are named: `<partPrefix>-<subtask>-<n><partSuffix>` (Flink's OutputFileConfig). */
export interface OutputFileConfig {
  partPrefix?: string;
  partSuffix?: string;
}

const DEFAULT_MAX_OPEN_PARTS = 32;
const DEFAULT_WRITE_BUFFER_SIZE = 64 * 1024;
const UTF8 = new TextEncoder();

/** A bucket's directory and its part file being written. */
interface Bucket {
  readonly id: string;
  readonly dir: string;
  /** The number of the next part file. */
  nextPart: number;
  created: boolean;
  part: InProgressPart | null;
  /** When a record last went to it (a count of records, for choosing the part file to close). */
  lastUsed: number;
}

interface InProgressPart extends PartFileInfo {
  readonly path: string;
  readonly stream: FileSinkOutputStream;
  readonly buffer: Uint8Array;
  /** Bytes of `buffer` not yet written. */
  used: number;
  size: number;
  lastUpdateTime: number;
  /** A write failed: what is buffered is not written any more. */
  failed: boolean;
}

/** The settings of a {@link FileSink} being built: `FileSink.forRowFormat(basePath, encoder)…build()`. */
export class RowFormatBuilder<T> {
  private bucketAssigner: BucketAssigner<T> = new BasePathBucketAssigner<T>();
  private rollingPolicy: RollingPolicy<T> = DefaultRollingPolicy.builder().build<T>();
  private outputFileConfig: Required<OutputFileConfig> = { partPrefix: 'part', partSuffix: '' };
  private fileSystem: FileSinkFileSystem | undefined;
  private writeBufferSize = DEFAULT_WRITE_BUFFER_SIZE;
  private maxOpenParts = DEFAULT_MAX_OPEN_PARTS;

  /** @internal */
  constructor(
    private readonly basePath: string,
    private readonly encoder: Encoder<T>,
  ) {}

  /** The bucket of each record: an assigner, or a function `(element, context) => bucketId`. Default: the base path. */
  withBucketAssigner(assigner: BucketAssigner<T> | ((element: T, context: BucketAssignerContext) => string)): this {
    if (typeof assigner === 'function') this.bucketAssigner = { getBucketId: assigner };
    else if (assigner !== null && typeof assigner === 'object' && typeof assigner.getBucketId === 'function') this.bucketAssigner = assigner;
    else throw new ConfigurationError(`${sinkName(this.basePath)}.withBucketAssigner: expected a function or an object with getBucketId(), got ${describeValue(assigner)}`);
    return this;
  }

  /** When to start a new part file. Default: {@link DefaultRollingPolicy}'s defaults. */
  withRollingPolicy(policy: RollingPolicy<T>): this {
    if (policy === null || typeof policy !== 'object' || typeof policy.shouldRollOnEvent !== 'function') {
      throw new ConfigurationError(`${sinkName(this.basePath)}.withRollingPolicy: expected a RollingPolicy (an object with shouldRollOnEvent()), got ${describeValue(policy)}`);
    }
    this.rollingPolicy = policy;
    return this;
  }

  /** The prefix and suffix of part file names (defaults `part` and none). */
  withOutputFileConfig(config: OutputFileConfig): this {
    const check = (what: 'partPrefix' | 'partSuffix', value: unknown, fallback: string): string => {
      if (value === undefined) return fallback;
      if (typeof value !== 'string' || /[/\\\0]/.test(value) || (what === 'partPrefix' && value === '')) {
        throw new ConfigurationError(`${sinkName(this.basePath)}.withOutputFileConfig: ${what} must be a ${what === 'partPrefix' ? 'non-empty ' : ''}string without '/', '\\' or NUL, got ${describeValue(value)}`);
      }
      return value;
    };
    if (config === null || typeof config !== 'object') throw new ConfigurationError(`${sinkName(this.basePath)}.withOutputFileConfig: expected { partPrefix?, partSuffix? }, got ${describeValue(config)}`);
    this.outputFileConfig = { partPrefix: check('partPrefix', config.partPrefix, 'part'), partSuffix: check('partSuffix', config.partSuffix, '') };
    return this;
  }

  /** The file system to write through. Default: `node:fs` ({@link nodeFileSinkFileSystem}); elsewhere one must be given. */
  withFileSystem(fileSystem: FileSinkFileSystem): this {
    if (fileSystem === null || typeof fileSystem !== 'object' || typeof fileSystem.create !== 'function' || typeof fileSystem.mkdirs !== 'function' || typeof fileSystem.join !== 'function') {
      throw new ConfigurationError(`${sinkName(this.basePath)}.withFileSystem: expected a FileSinkFileSystem (join, mkdirs, create), got ${describeValue(fileSystem)}`);
    }
    this.fileSystem = fileSystem;
    return this;
  }

  /**
   * At most this many part files open at once per parallel instance (default
   * 32): opening another first finishes the part file of the bucket that went
   * longest without a record. Buckets by time (a directory per day or hour)
   * would otherwise keep a file handle and a write buffer each, for ever.
   */
  withMaxOpenParts(n: number): this {
    if (!Number.isSafeInteger(n) || n < 1) throw new ConfigurationError(`${sinkName(this.basePath)}.withMaxOpenParts: expected a whole number ≥ 1, got ${describeValue(n)}`);
    this.maxOpenParts = n;
    return this;
  }

  /** The size of the buffer per open part file; a full buffer is one write (default 64 KiB). */
  withWriteBufferSize(size: MemorySize): this {
    const bytes = parseMemorySize(size, `${sinkName(this.basePath)}.withWriteBufferSize`);
    if (bytes < 1) throw new ConfigurationError(`${sinkName(this.basePath)}.withWriteBufferSize: the size must be at least 1 byte, got ${String(size)}`);
    this.writeBufferSize = bytes;
    return this;
  }

  build(): FileSink<T> {
    return new FileSink<T>({
      basePath: this.basePath,
      encoder: this.encoder,
      bucketAssigner: this.bucketAssigner,
      rollingPolicy: this.rollingPolicy,
      outputFileConfig: this.outputFileConfig,
      fileSystem: this.fileSystem,
      writeBufferSize: this.writeBufferSize,
      maxOpenParts: this.maxOpenParts,
    });
  }
}

interface FileSinkSettings<T> {
  basePath: string;
  encoder: Encoder<T>;
  bucketAssigner: BucketAssigner<T>;
  rollingPolicy: RollingPolicy<T>;
  outputFileConfig: Required<OutputFileConfig>;
  fileSystem: FileSinkFileSystem | undefined;
  writeBufferSize: number;
  maxOpenParts: number;
}

const sinkName = (basePath: string) => `FileSink(${basePath})`;

/** A bucket id is a relative path: `''`, or segments without `.`, `..`, `\` or NUL. */
function isBucketId(id: string): boolean {
  if (id === '') return true;
  for (const segment of id.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || /[\\\0]/.test(segment)) return false;
  }
  return true;
}

/**
 * A sink that writes records into bucketed, rolling part files (see the file
 * header). Build one with {@link FileSink.forRowFormat} and pass it to
 * `sinkTo`; each parallel instance works on its own copy.
 */
export class FileSink<T> implements SinkFunction<T> {
  private readonly settings: FileSinkSettings<T>;
  private readonly name: string;
  // Per parallel instance, made in open() (the runtime gives each instance a shallow copy of this object).
  private fs: FileSinkFileSystem | undefined;
  private subtask = 0;
  private buckets: Map<string, Bucket> | undefined;
  /** Part files open now, and records seen (the clock of Bucket.lastUsed). */
  private openParts = 0;
  private records = 0;
  private freeBuffers: Uint8Array[] = [];
  private inFlight: Promise<void> | undefined;
  private sinkContext: SinkContext | undefined;
  private assignerContext: BucketAssignerContext | undefined;

  /** @internal use {@link FileSink.forRowFormat}. */
  constructor(settings: FileSinkSettings<T>) {
    this.settings = settings;
    this.name = sinkName(settings.basePath);
  }

  /**
   * A builder of a sink that appends each record's encoding to files under
   * `basePath`. `encoder` is an {@link Encoder} or a function returning the
   * record's line (with its newline) as a string or bytes.
   */
  static forRowFormat<T>(basePath: string, encoder: Encoder<T> | ((element: T) => string | Uint8Array)): RowFormatBuilder<T> {
    if (typeof basePath !== 'string' || basePath === '') throw new ConfigurationError(`FileSink.forRowFormat: the base path must be a non-empty string, got ${describeValue(basePath)}`);
    let enc: Encoder<T>;
    if (typeof encoder === 'function') enc = { encode: encoder };
    else if (encoder !== null && typeof encoder === 'object' && typeof encoder.encode === 'function') enc = encoder;
    else throw new ConfigurationError(`${sinkName(basePath)}: the encoder must be a function or an object with encode(), got ${describeValue(encoder)}`);
    return new RowFormatBuilder<T>(basePath, enc);
  }

  /** The directory the sink writes under. */
  get basePath(): string {
    return this.settings.basePath;
  }

  open(context: RuntimeContext): void {
    const fs = this.settings.fileSystem ?? nodeFileSinkFileSystem();
    if (fs === undefined) throw new ConfigurationError(`${this.name}: there is no file system here (no node:fs); give one with withFileSystem()`);
    this.fs = fs;
    this.subtask = context.getIndexOfThisSubtask();
    this.buckets = new Map();
    this.openParts = 0;
    this.records = 0;
    this.freeBuffers = [];
    this.inFlight = undefined;
    this.assignerContext = {
      timestamp: () => this.sinkContext!.timestamp(),
      currentWatermark: () => this.sinkContext!.currentWatermark(),
      currentProcessingTime: () => Date.now(),
    };
  }

  invoke(element: T, context: SinkContext): void | Promise<void> {
    this.sinkContext = context;
    const bucket = this.bucketOf(element);
    bucket.lastUsed = ++this.records;
    const part = bucket.part;
    const pending = part === null || this.settings.rollingPolicy.shouldRollOnEvent(part, element) ? this.rollAndAppend(bucket, element) : this.append(part, element);
    if (pending !== undefined) this.inFlight = pending;
    return pending;
  }

  /** Writes every buffer and closes every part file (end of input). */
  async finish(): Promise<void> {
    await this.closeAll();
  }

  /** Waits for a write in flight, then writes what is buffered and closes every part file still open. */
  async close(): Promise<void> {
    if (this.buckets === undefined) return;
    if (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
    await this.closeAll();
  }

  private bucketOf(element: T): Bucket {
    const id = this.settings.bucketAssigner.getBucketId(element, this.assignerContext!);
    const bucket = typeof id === 'string' ? this.buckets!.get(id) : undefined;
    if (bucket !== undefined) return bucket;
    if (typeof id !== 'string' || !isBucketId(id)) {
      throw new WeirError(`${this.name}: the bucket assigner returned ${describeValue(id)}; a bucket id is a relative path ('' for the base path) of non-empty segments other than '.' and '..'`);
    }
    const created: Bucket = { id, dir: id === '' ? this.settings.basePath : this.fs!.join(this.settings.basePath, id), nextPart: 0, created: false, part: null, lastUsed: 0 };
    this.buckets!.set(id, created);
    return created;
  }

  /** Appends `element`'s encoding to the part's buffer; a promise when the buffer must be written first. */
  private append(part: InProgressPart, element: T): Promise<void> | undefined {
    const data = this.settings.encoder.encode(element);
    if (typeof data === 'string') {
      const { read, written } = UTF8.encodeInto(data, part.buffer.subarray(part.used));
      if (read === data.length) {
        part.used += written;
        part.size += written;
        return undefined;
      }
      return this.appendAfterFlush(part, UTF8.encode(data));
    }
    if (!(data instanceof Uint8Array)) throw new WeirError(`${this.name}: the encoder returned ${describeValue(data)}; expected a string or a Uint8Array`);
    if (data.length <= part.buffer.length - part.used) {
      part.buffer.set(data, part.used);
      part.used += data.length;
      part.size += data.length;
      return undefined;
    }
    return this.appendAfterFlush(part, data);
  }

  private async appendAfterFlush(part: InProgressPart, bytes: Uint8Array): Promise<void> {
    await this.flush(part);
    if (bytes.length <= part.buffer.length) {
      part.buffer.set(bytes, 0);
      part.used = bytes.length;
    } else {
      await this.write(part, bytes); // a record larger than the buffer goes out on its own
    }
    part.size += bytes.length;
  }

  private async rollAndAppend(bucket: Bucket, element: T): Promise<void> {
    if (bucket.part !== null) await this.closePart(bucket);
    if (this.openParts >= this.settings.maxOpenParts) await this.closePart(this.leastRecentlyUsed());
    const part = await this.openPart(bucket);
    bucket.part = part;
    this.openParts++;
    await this.append(part, element);
  }

  private async openPart(bucket: Bucket): Promise<InProgressPart> {
    const fs = this.fs!;
    const { partPrefix, partSuffix } = this.settings.outputFileConfig;
    const path = fs.join(bucket.dir, `${partPrefix}-${this.subtask}-${bucket.nextPart}${partSuffix}`);
    let stream: FileSinkOutputStream;
    try {
      if (!bucket.created) await fs.mkdirs(bucket.dir);
      bucket.created = true;
      stream = await fs.create(path);
    } catch (error) {
      throw new WeirError(`${this.name}: cannot create part file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    bucket.nextPart++;
    const now = Date.now();
    const buffer = this.freeBuffers.pop() ?? new Uint8Array(this.settings.writeBufferSize);
    return { bucketId: bucket.id, path, stream, buffer, used: 0, size: 0, creationTime: now, lastUpdateTime: now, failed: false };
  }

  private async flush(part: InProgressPart): Promise<void> {
    if (part.used === 0) return;
    await this.write(part, part.buffer.subarray(0, part.used));
    part.used = 0;
  }

  private async write(part: InProgressPart, bytes: Uint8Array): Promise<void> {
    if (part.failed) throw new WeirError(`${this.name}: part file ${part.path} failed earlier; not writing to it`);
    try {
      await part.stream.write(bytes);
    } catch (error) {
      part.failed = true;
      throw new WeirError(`${this.name}: writing ${bytes.length} bytes to ${part.path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    part.lastUpdateTime = Date.now();
  }

  /** The bucket with an open part file that went longest without a record. */
  private leastRecentlyUsed(): Bucket {
    let oldest: Bucket | undefined;
    for (const b of this.buckets!.values()) if (b.part !== null && (oldest === undefined || b.lastUsed < oldest.lastUsed)) oldest = b;
    return oldest!;
  }

  /** Writes the bucket's buffer and closes its part file (the file is closed even if the write fails). */
  private async closePart(bucket: Bucket): Promise<void> {
    const part = bucket.part!;
    bucket.part = null;
    this.openParts--;
    try {
      if (!part.failed) await this.flush(part);
    } finally {
      this.freeBuffers.push(part.buffer);
      try {
        await part.stream.close();
      } catch (error) {
        // Thrown unless the flush's error is already on its way.
        if (!part.failed) throw new WeirError(`${this.name}: closing ${part.path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  }

  /** Closes every open part file, trying each; throws the first error after all are closed. */
  private async closeAll(): Promise<void> {
    let first: unknown;
    for (const bucket of this.buckets?.values() ?? []) {
      if (bucket.part === null) continue;
      try {
        await this.closePart(bucket);
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }
}
