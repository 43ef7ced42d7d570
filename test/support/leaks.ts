// The leak check after every test: each MemoryBudget a test creates through
// `budget()` must have every network buffer and managed page back when the
// test ends. Importing this module registers one root-level afterEach hook.
import { MemoryBudget, type MemoryOptions } from 'weir';

const live: MemoryBudget[] = [];

/** A budget for one test; the root hook asserts that everything was returned. */
export function budget(options: MemoryOptions = { network: '1mb', managed: '1mb' }): MemoryBudget {
  const b = MemoryBudget.create(options);
  live.push(b);
  return b;
}

/** Stops leak-checking a budget whose leak is the point of the test (it is still disposed). */
export function untrack(b: MemoryBudget): void {
  const i = live.indexOf(b);
  if (i >= 0) live.splice(i, 1);
  leaky.push(b);
}

const leaky: MemoryBudget[] = [];
afterEach(() => {
  for (const b of leaky.splice(0)) b.dispose();
});

afterEach(function () {
  const budgets = live.splice(0);
  try {
    if (this.currentTest?.state === 'failed') return; // the test's own failure says more
    for (const b of budgets) b.assertAllReturned();
  } finally {
    for (const b of budgets) b.dispose();
  }
});

/**
 * Runs `fn` with a budget of its own and, when it returns, asserts that
 * everything was returned and disposes the budget: for property tests, which
 * create a budget per run.
 */
export function withBudget<T>(options: MemoryOptions, fn: (b: MemoryBudget) => T): T {
  const b = MemoryBudget.create(options);
  let result: T;
  try {
    result = fn(b);
  } catch (error) {
    b.dispose();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        try {
          b.assertAllReturned();
          return value;
        } finally {
          b.dispose();
        }
      },
      (error) => {
        b.dispose();
        throw error;
      },
    ) as T;
  }
  try {
    b.assertAllReturned();
  } finally {
    b.dispose();
  }
  return result;
}
