// Mocha's configuration for `npm test`. Under CI, a stray `.only` fails the run.
module.exports = {
  spec: ['build/test/**/*.spec.js'],
  reporter: './test/support/summary-reporter.cjs',
  timeout: 20000,
  'enable-source-maps': true,
  'forbid-only': Boolean(process.env.CI),
};
