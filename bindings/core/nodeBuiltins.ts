/**
 * Node's built-in modules, looked up when needed (`process.getBuiltinModule`,
 * Node ≥ 20.16) instead of imported, so that the modules which use them load
 * in browsers, where they are absent.
 */

/** The part of `node:path` weir uses. */
export interface NodePath {
  join(...parts: string[]): string;
}

type GetBuiltin = (name: string) => unknown;

/**
 * A function that returns the built-in module `name` (typed by the caller),
 * or undefined where there is none (browsers, Node < 20.16).
 * @internal
 */
export function nodeBuiltins(): (<T>(name: string) => T) | undefined {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process?.getBuiltinModule;
  return typeof getBuiltin === 'function' ? <T>(name: string) => getBuiltin(name) as T : undefined;
}
