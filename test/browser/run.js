// Runs the mocha specs (compiled to build/test) in headless Chromium.
//
// The specs are bundled with esbuild — `weir` resolves to the built package,
// as it does for a user's bundler — and served from 127.0.0.1 with mocha's
// browser build. Playwright drives the machine's own Chromium (no browser
// download): set CHROMIUM_PATH to override /usr/bin/chromium. The console of
// the page is printed here; the counts are written to WEIR_TEST_SUMMARY if
// set. Exits non-zero on any failure, or if no test ran.
import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const testDir = join(root, 'build/test');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const grep = process.argv.includes('--grep') ? process.argv[process.argv.indexOf('--grep') + 1] : undefined;

function specs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? specs(join(dir, e.name)) : e.name.endsWith('.spec.js') ? [join(dir, e.name)] : [],
  );
}

if (!existsSync(testDir)) {
  console.error('test:browser: build/test is missing; run `npm run build:test` first');
  process.exit(1);
}
if (!existsSync(executablePath)) {
  console.error(`test:browser: no Chromium at ${executablePath}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  process.exit(1);
}

const files = specs(testDir).sort();
const bundle = await build({
  stdin: {
    contents: files.map((f) => `import './${relative(testDir, f).split('\\').join('/')}';`).join('\n'),
    resolveDir: testDir,
    sourcefile: 'specs.js',
  },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: 'inline',
  alias: { 'weir/nexmark': join(root, 'dist/nexmark/index.js'), weir: join(root, 'dist/index.js') },
  // The specs are imported for their side effects, whatever package.json says of the library.
  ignoreAnnotations: true,
  logLevel: 'warning',
});
const specsJs = bundle.outputFiles[0].text;
const mochaJs = readFileSync(join(root, 'node_modules/mocha/mocha.js'));

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>weir tests</title></head>
<body><div id="mocha"></div>
<script src="/mocha.js"></script>
<script type="module">
  mocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 20000, forbidOnly: ${Boolean(process.env.CI)}${grep ? `, grep: ${JSON.stringify(grep)}` : ''} });
  mocha.color(false);
  try {
    await import('/specs.js');
  } catch (e) {
    window.__weirResult = { passes: 0, failures: 1, pending: 0, tests: 0, loadError: String(e && e.stack || e) };
    throw e;
  }
  const runner = mocha.run();
  const failed = [];
  runner.on('fail', (test, err) => {
    failed.push({ title: test.fullTitle(), error: String((err && (err.stack || err.message)) || err).split('\\n').slice(0, 6).join('\\n') });
  });
  runner.on('end', () => {
    const { passes, failures, pending, tests } = runner.stats;
    window.__weirResult = { passes, failures, pending, tests, failed };
  });
</script></body></html>`;

const server = createServer((req, res) => {
  const body = { '/': [page, 'text/html'], '/mocha.js': [mochaJs, 'text/javascript'], '/specs.js': [specsJs, 'text/javascript'] }[req.url];
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': body[1] }).end(body[0]);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
let result;
try {
  const tab = await browser.newPage();
  // Mocha's reporter logs printf-style ('%d passing'): format the arguments here, in order.
  let printing = Promise.resolve();
  tab.on('console', (msg) => {
    printing = printing.then(async () => {
      const args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => String(a))));
      console.log(args.length > 0 ? format(...args) : msg.text());
    });
  });
  tab.on('pageerror', (err) => console.error(`page error: ${err.stack ?? err}`));
  await tab.goto(url);
  await tab.waitForFunction(() => window.__weirResult !== undefined, null, { timeout: 30 * 60 * 1000, polling: 250 });
  result = await tab.evaluate(() => window.__weirResult);
  await printing;
} finally {
  await browser.close();
  server.close();
}

if (result.loadError) console.error(`test:browser: the specs failed to load:\n${result.loadError}`);
console.log(`browser (Chromium): ${result.passes} passing, ${result.failures} failing, ${result.pending} pending`);
if (process.env.WEIR_TEST_SUMMARY) {
  writeFileSync(process.env.WEIR_TEST_SUMMARY, JSON.stringify({ suite: 'browser', ...result }) + '\n');
}
process.exit(result.failures > 0 || result.passes === 0 ? 1 : 0);
