#!/usr/bin/env node
/**
 * `npm test`'s pretest: sets up everything the tests need, one step per dependency. Each step is
 * idempotent and fast when its work is already done (slow set-ups are cached per machine under
 * ~/.cache/iceberg-rx/), so `npm test` on a fresh clone needs no other command.
 *
 * A step that cannot install what it needs (no Python, no network) does not fail the run: it
 * records which tool is missing and why in tmp/test-setup/status.json, and the tests that need it
 * skip with that reason in their names (test/setup/setup-status.ts reads it). A step whose
 * environment variable `required` names is set to 1 (CI sets them) fails the run instead.
 *
 * To add a dependency (a server, a browser), add a step: { name, required, run }, where `run`
 * returns { ok: true, detail } or { ok: false, tool, reason }.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const statusFile = join(root, 'tmp', 'test-setup', 'status.json');

/** Runs a command from the repository root; stdout passes through, stderr is kept (and shown). */
function sh(command, args, env = process.env) {
  const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.stderr) process.stderr.write(r.stderr);
  return { status: r.error ? -1 : r.status, stderr: r.error ? String(r.error.message) : r.stderr };
}

const lastLine = (text) => text.trim().split('\n').at(-1) ?? '';

const steps = [
  {
    // dist/ for the package test (test/package) and the README's JavaScript examples.
    name: 'build',
    required: 'always',
    run() {
      const r = sh(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale']);
      // scripts/build.mjs reports on stderr: "dist/ is up to date" or "dist/ written in N s".
      return r.status === 0 ? { ok: true, detail: lastLine(r.stderr).replace(/^build: /, '') } : { ok: false, tool: 'tsc', reason: `build failed: ${lastLine(r.stderr)}` };
    },
  },
  {
    // The pinned PyIceberg virtualenv of the two-way cross-check (test/pyiceberg).
    name: 'pyiceberg',
    required: 'ICEBERG_RX_PYICEBERG',
    run() {
      const r = sh('bash', [join(root, 'conformance/pyiceberg/setup.sh')]);
      if (r.status === 0) return { ok: true, detail: 'conformance/pyiceberg/.venv ready' };
      const reason = lastLine(r.stderr).replace(/^PyIceberg cross-check not set up: /, '') || `setup.sh exited with ${r.status}`;
      return { ok: false, tool: 'python3 + pip (PyIceberg)', reason };
    },
  },
  {
    // moto[server], the S3-compatible server of the S3 tests (test/s3), in its own cached virtualenv.
    name: 'moto',
    required: 'ICEBERG_RX_S3',
    run() {
      const r = sh('bash', [join(root, 'test/s3/setup-moto.sh')]);
      if (r.status === 0) return { ok: true, detail: 'test/s3/.venv ready' };
      const reason = lastLine(r.stderr).replace(/^moto not set up: /, '') || `setup-moto.sh exited with ${r.status}`;
      return { ok: false, tool: 'python3 + pip (moto[server])', reason };
    },
  },
  {
    // redis-server from Debian's packages, for the distributed tests (test/distributed: BullMQ);
    // installed only when missing (apt-get needs root and the network).
    name: 'redis',
    required: 'ICEBERG_RX_REDIS',
    run() {
      const version = () => spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
      let v = version();
      if (v.status !== 0) {
        const apt = (args) => sh('apt-get', args, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
        const update = apt(['update']);
        if (update.status !== 0) return { ok: false, tool: 'redis-server (apt-get)', reason: `apt-get update failed: ${lastLine(update.stderr)}` };
        const install = apt(['install', '-y', 'redis-server']);
        if (install.status !== 0) return { ok: false, tool: 'redis-server (apt-get)', reason: `apt-get install -y redis-server failed: ${lastLine(install.stderr)}` };
        v = version();
        if (v.status !== 0) return { ok: false, tool: 'redis-server (apt-get)', reason: 'installed, but redis-server --version fails' };
      }
      return { ok: true, detail: lastLine(v.stdout).replace(/ sha=.*$/, '') };
    },
  },
  {
    // Apache Iceberg's REST catalog server (test/catalog): its Maven classpath (test/catalog/pom.xml)
    // and the compiled loopback launcher, cached in ~/.cache/iceberg-rx/rest-catalog/<version-key>/.
    name: 'rest-catalog',
    required: 'ICEBERG_RX_REST',
    run() {
      const r = sh('bash', [join(root, 'test/catalog/setup-rest-catalog.sh')]);
      if (r.status === 0) return { ok: true, detail: lastLine(r.stderr) || 'REST catalog server cached' };
      const reason = lastLine(r.stderr).replace(/^REST catalog not set up: /, '') || `setup-rest-catalog.sh exited with ${r.status}`;
      return { ok: false, tool: 'Java 17 + Maven (Iceberg REST catalog server)', reason };
    },
  },
];

steps.push({
  // Debian's chromium, the headless browser of the browser tests (test/browser, driven by
  // playwright-core); installed only when /usr/bin/chromium is missing (apt-get needs root and the network).
  name: 'chromium',
  required: 'ICEBERG_RX_BROWSER',
  run() {
    const chromium = process.env.ICEBERG_RX_CHROMIUM ?? '/usr/bin/chromium';
    const version = () => spawnSync(chromium, ['--headless', '--no-sandbox', '--version'], { encoding: 'utf8' });
    if (!existsSync(chromium)) {
      const apt = (args) => sh('apt-get', args, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
      const update = apt(['update']);
      if (update.status !== 0) return { ok: false, tool: 'chromium (apt-get)', reason: `apt-get update failed: ${lastLine(update.stderr)}` };
      const install = apt(['install', '-y', 'chromium']);
      if (install.status !== 0) return { ok: false, tool: 'chromium (apt-get)', reason: `apt-get install -y chromium failed: ${lastLine(install.stderr)}` };
      if (!existsSync(chromium)) return { ok: false, tool: 'chromium (apt-get)', reason: `installed, but there is no ${chromium}` };
    }
    const v = version();
    return v.status === 0 ? { ok: true, detail: lastLine(v.stdout) } : { ok: false, tool: 'chromium', reason: `${chromium} --version failed: ${lastLine(v.stderr ?? '')}` };
  },
});

const status = { written: new Date().toISOString(), steps: {} };
let failed = false;
for (const step of steps) {
  const started = Date.now();
  let result;
  try {
    result = step.run();
  } catch (error) {
    result = { ok: false, tool: step.name, reason: String(error?.message ?? error) };
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  status.steps[step.name] = result;
  if (result.ok) {
    console.log(`pretest: ${step.name}: ok (${result.detail}, ${seconds} s)`);
    continue;
  }
  const mustHave = step.required === 'always' || process.env[step.required] === '1';
  console.log(`pretest: ${step.name}: NOT SET UP: ${result.tool}: ${result.reason}${mustHave ? '' : ' (its tests will be skipped)'}`);
  if (mustHave) failed = true;
}
mkdirSync(join(root, 'tmp', 'test-setup'), { recursive: true });
writeFileSync(statusFile, `${JSON.stringify(status, null, 2)}\n`);
if (failed) {
  console.error('pretest: a required step failed');
  process.exit(1);
}
