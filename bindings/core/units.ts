// Parsing of memory sizes given as numbers of bytes or as strings like '64mb'.
import { ConfigurationError } from '../errors.js';

/** A number of bytes, or a string with a unit: `'32kb'`, `'64mb'`, `'1gb'`, `'512b'` (binary units: 1kb = 1024 bytes). */
export type MemorySize = number | string;

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a memory size into bytes; `what` names the option in the error.
 *
 * @example
 * ```ts
 * parseMemorySize('64mb', 'memory.network'); // 67108864
 * parseMemorySize('1.5 KiB', 'x');           // 1536
 * ```
 */
export function parseMemorySize(value: MemorySize, what: string): number {
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
    const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
    if (!m || unit === undefined) {
      throw new ConfigurationError(
        `${what}: cannot read memory size ${JSON.stringify(value)}; use a number of bytes or a string such as '32kb', '64mb', '1gb'`,
      );
    }
    bytes = Number(m[1]) * unit;
  } else {
    throw new ConfigurationError(`${what}: expected a number of bytes or a string such as '64mb', got ${typeof value}`);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ConfigurationError(`${what}: memory size must be a whole, non-negative number of bytes, got ${String(value)}`);
  }
  return bytes;
}

/** Formats a number of bytes for messages: `32768` → `'32 KiB'`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
