// Mocha's spec reporter, plus a JSON summary of the counts written to the file
// named by WEIR_TEST_SUMMARY (used by .ci/run to print "N passed, N failed").
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.WEIR_TEST_SUMMARY;
      if (!file) return;
      const { passes, failures, pending, tests } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ suite: 'node', passes, failures, pending, tests }) + '\n');
    });
  }
}

module.exports = SummaryReporter;
