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

/** Stops tracking a budget whose leak is the point of the test. */
export function untrack(b: MemoryBudget): void {
  const i = live.indexOf(b);
  if (i >= 0) live.splice(i, 1);
}

afterEach(function () {
  const budgets = live.splice(0);
  if (this.currentTest?.state === 'failed') return; // the test's own failure says more
  for (const b of budgets) b.assertAllReturned();
});
