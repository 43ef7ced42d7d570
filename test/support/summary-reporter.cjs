// Mocha's spec reporter, plus a JSON summary written to the file named by
// WEIR_TEST_SUMMARY: the counts, and the full title and first lines of the error
// of each failed test (.ci/run prints them next to its "N passed, N failed").
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failed = [];
    runner.on('fail', (test, err) => {
      const message = String((err && (err.stack || err.message)) || err).split('\n').slice(0, 6).join('\n');
      failed.push({ title: test.fullTitle(), error: message });
    });
    runner.once('end', () => {
      const file = process.env.WEIR_TEST_SUMMARY;
      if (!file) return;
      const { passes, failures, pending, tests } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ suite: 'node', passes, failures, pending, tests, failed }) + '\n');
    });
  }
}

module.exports = SummaryReporter;
