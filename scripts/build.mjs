#!/usr/bin/env node
/**
 * Builds dist/ from src/ with tsc (tsconfig.build.json): ESM JavaScript, `.d.ts`, declaration
 * maps and source maps (with the sources inlined, since the package ships no `.ts`).
 *
 *   node scripts/build.mjs             always rebuild
 *   node scripts/build.mjs --if-stale  rebuild only when src/ or the build config changed since
 *                                      the last build (a content hash kept in dist/.build-hash)
 *
 * It reports on stderr only (`npm pack --json` runs it as prepack and prints JSON on stdout).
 * tsc writes into a fresh folder that then replaces dist/ in one rename, so a build that fails
 * leaves the old dist/ whole, and a test run reading dist/ never sees a half-written one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, inputHash } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stampName = '.build-hash';

/** Hash of everything the output depends on: the sources, the tsc configs, tsc's version, this script. */
function buildHash() {
  const tsc = createRequire(join(root, 'package.json'))('typescript/package.json').version;
  return inputHash(root, `typescript ${tsc}`, [...filesUnder(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), fileURLToPath(import.meta.url)]);
}

const hash = buildHash();
if (process.argv.includes('--if-stale') && existsSync(join(dist, stampName)) && readFileSync(join(dist, stampName), 'utf8') === hash) {
  console.error('build: dist/ is up to date');
  process.exit(0);
}

const partial = join(root, `dist.partial-${process.pid}`);
const tscBin = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const started = Date.now();
const result = spawnSync(process.execPath, [tscBin, '-p', join(root, 'tsconfig.build.json'), '--outDir', partial], { cwd: root, stdio: ['ignore', 2, 2] });
if (result.status !== 0) {
  rmSync(partial, { recursive: true, force: true });
  console.error(`build: tsc failed (exit ${result.status ?? result.signal}); dist/ left as it was`);
  process.exit(1);
}
writeFileSync(join(partial, stampName), hash);
// The browser bundle's files in dist/browser/ are scripts/build-browser.mjs's (it has its own
// staleness check): carried over the swap, next to tsc's output for src/browser/.
if (existsSync(join(dist, 'browser'))) {
  mkdirSync(join(partial, 'browser'), { recursive: true });
  for (const name of readdirSync(join(dist, 'browser'))) {
    if (!existsSync(join(partial, 'browser', name))) renameSync(join(dist, 'browser', name), join(partial, 'browser', name));
  }
}

// Swap: dist → dist.old-<pid>, partial → dist. Another build may swap at the same moment: retry.
const old = join(root, `dist.old-${process.pid}`);
for (let attempt = 0; ; attempt++) {
  try {
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(partial, dist);
    break;
  } catch (error) {
    if (attempt >= 20) throw error;
    spawnSync(process.execPath, ['-e', 'setTimeout(() => {}, 50)']);
  }
}
rmSync(old, { recursive: true, force: true });
console.error(`build: dist/ written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
