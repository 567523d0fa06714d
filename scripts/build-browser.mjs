#!/usr/bin/env node
/**
 * Builds the browser bundle: dist/browser/iceberg-rx.js (one self-contained ESM file: iceberg-rx
 * with apache-arrow, RxJS, arrow-js-ffi, avsc, zod, hyparquet and the AWS SDK's browser build,
 * tree-shaken), its source map, and dist/browser/iceberg-rx-decoder.wasm (the decoder, loaded by
 * URL next to the bundle). The decode workers run the same file (see src/browser/start-worker.ts).
 *
 * Node built-ins never reach the bundle: the modules of src/ that need them are swapped for their
 * browser counterparts in src/browser/ (decoder loading, worker start), and the few built-ins the
 * shared code imports (`node:zlib`, `node:events`, `node:path`, `node:url`, `node:fs`, `node:os`,
 * `Buffer`) resolve to small browser implementations in src/browser/node/. Any other Node built-in
 * fails the build, naming the module that imports it.
 *
 * Prints the gzipped sizes and fails when one is over its budget (BUDGET below, stated in the
 * README).
 *
 *   node scripts/build-browser.mjs             build, report sizes, check the budget
 *   node scripts/build-browser.mjs --if-stale  rebuild only when src/ or the inputs changed
 *   node scripts/build-browser.mjs --json      also print the sizes as JSON on stdout
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, inputHash } from './build-inputs.mjs';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'browser');
const require = createRequire(join(root, 'package.json'));
const esbuild = await import('esbuild');

/**
 * Gzipped-size budget in bytes (gzip -9), stated in the README. The JavaScript is, minified, about
 * a fifth each iceberg-rx itself and apache-arrow, then the AWS SDK's S3 client (~200 KiB with
 * @smithy), hyparquet-compressors (its brotli dictionary, for equality-delete files), zod, yaml
 * (PyIceberg config files), hyparquet and avsc; `--json` and dist/browser/meta.json break it down.
 * The decoder: arrow-rs's Parquet reader with its codecs (snappy, gzip, zstd, lz4, brotli).
 */
export const BUDGET = { js: 420 * 1024, wasm: 1600 * 1024 };

const stampName = '.build-hash';

/** Browser replacements of whole modules of src/ (keyed by their path under src/). */
const MODULE_SWAPS = {
  'read/decoder/decoder-module.ts': 'browser/decoder-module.ts',
  'read/decoder/start-worker.ts': 'browser/start-worker.ts',
};

/** Browser implementations of the Node built-ins the bundled code imports. */
const BUILTIN_SHIMS = {
  buffer: 'browser/node/buffer.ts',
  zlib: 'browser/node/zlib.ts',
  events: 'browser/node/events.ts',
  path: 'browser/node/path.ts',
  url: 'browser/node/url.ts',
  util: 'browser/node/util.ts',
  'fs/promises': 'browser/node/fs.ts',
  fs: 'browser/node/fs.ts',
  os: 'browser/node/os.ts',
};

/** Hash of everything the bundle depends on: the sources, the decoder module, the lock file, esbuild's version, this script. */
function bundleHash() {
  const inputs = [
    ...filesUnder(join(root, 'src')),
    join(root, 'decoder', 'iceberg-rx-decoder.wasm'),
    join(root, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ];
  return inputHash(root, `esbuild ${esbuild.version}`, inputs);
}

/** The source of the bundle's `zod` module: a `z` with the members src/ uses. */
async function zodShim() {
  const external = join(dirname(require.resolve('zod')), 'v4', 'classic', 'external.js');
  const zod = await import(require.resolve('zod'));
  const used = new Set();
  for (const file of filesUnder(join(root, 'src'))) {
    if (!file.endsWith('.ts')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/\bz\.([A-Za-z_$][\w$]*)/g)) if (m[1] in zod.z) used.add(m[1]);
  }
  const names = [...used].sort();
  return [
    `import { ${names.map((n) => `${n} as $${n}`).join(', ')} } from ${JSON.stringify(external)};`,
    `export * from ${JSON.stringify(external)};`,
    `export const z = Object.freeze({ ${names.map((n) => `${n}: $${n}`).join(', ')} });`,
    'export default z;',
  ].join('\n');
}

/** The esbuild plugin that swaps modules and maps Node built-ins (and fails on any other). */
function browserSeams() {
  const src = join(root, 'src');
  const builtins = new Set(builtinModules);
  return {
    name: 'iceberg-rx-browser-seams',
    setup(build) {
      // zod's `z` is a namespace object holding all of zod, its 40 locales included: once it
      // escapes (it is exported), nothing can be shaken. The bundle gets a `z` with only the
      // members src/ uses (found by scanning it), each a named import that shakes.
      build.onResolve({ filter: /^zod$/ }, () => ({ path: 'zod', namespace: 'iceberg-rx-zod' }));
      build.onLoad({ filter: /.*/, namespace: 'iceberg-rx-zod' }, async () => ({
        contents: await zodShim(),
        resolveDir: root,
        loader: 'js',
      }));
      // avsc's own browser entry point for types only (its full one pulls streams and files).
      build.onResolve({ filter: /^avsc$/ }, () => ({ path: require.resolve('avsc/etc/browser/avsc-types.js') }));
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path.startsWith('.') && args.importer.startsWith(src)) {
          const target = relative(src, join(dirname(args.importer), args.path)).split('\\').join('/');
          const swap = MODULE_SWAPS[target];
          if (swap !== undefined) return { path: join(src, swap) };
          return undefined;
        }
        const bare = args.path.replace(/^node:/, '');
        if (args.path.startsWith('node:') || (builtins.has(bare) && !args.path.startsWith('.'))) {
          const shim = BUILTIN_SHIMS[bare];
          // A package's `browser` field maps some built-ins itself (avsc: crypto → its MD5 shim).
          if (shim === undefined) return undefined;
          return { path: join(src, shim) };
        }
        return undefined;
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const inputs = Object.keys(result.metafile?.inputs ?? {});
        const leaked = inputs.filter((p) => p.startsWith('node:') || /(^|\/)(worker_threads|child_process)\b/.test(p));
        if (leaked.length > 0) result.errors.push({ text: `Node built-ins reached the browser bundle: ${leaked.join(', ')}` });
      });
    },
  };
}

/** Bundles into `dir`: returns the metafile. */
async function bundle(dir) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { 'iceberg-rx': join(root, 'src', 'browser', 'index.ts') },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16.4'],
    mainFields: ['browser', 'module', 'main'],
    conditions: ['browser', 'import', 'module'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: true,
    treeShaking: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    // `Buffer` and `process` are globals in Node; here they are the shims' (`process.env` is empty).
    inject: [join(root, 'src', 'browser', 'node', 'buffer-global.ts'), join(root, 'src', 'browser', 'node', 'process-global.ts')],
    define: {
      'process.env.NODE_ENV': '"production"',
      global: 'globalThis',
    },
    plugins: [browserSeams()],
  });
  return result.metafile;
}

function gz(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** Sizes of the built files: raw and gzipped bytes. */
export function measure(dir = out) {
  const js = join(dir, 'iceberg-rx.js');
  const wasm = join(dir, 'iceberg-rx-decoder.wasm');
  return {
    js: { bytes: readFileSync(js).length, gzip: gz(js) },
    wasm: { bytes: readFileSync(wasm).length, gzip: gz(wasm) },
  };
}

/** Prints the sizes against the budget; returns false when over it. */
function report(sizes, metafile) {
  const line = (name, s, budget) =>
    `build:browser: ${name.padEnd(26)} ${kib(s.bytes).padStart(11)} raw, ${kib(s.gzip).padStart(10)} gzipped (budget ${kib(budget)})${s.gzip > budget ? '  OVER BUDGET' : ''}`;
  console.error(line('iceberg-rx.js', sizes.js, BUDGET.js));
  console.error(line('iceberg-rx-decoder.wasm', sizes.wasm, BUDGET.wasm));
  if (metafile !== undefined) {
    // Where the JavaScript comes from (bundled bytes, before minification's renaming is gzip-neutral).
    const byPackage = new Map();
    const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
    for (const [path, input] of Object.entries(output?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? m[1] : path.startsWith('src/') ? 'iceberg-rx (src/)' : path;
      byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
    }
    const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.error(`build:browser: minified JS by origin: ${top.map(([k, v]) => `${k} ${kib(v)}`).join(', ')}`);
  }
  return sizes.js.gzip <= BUDGET.js && sizes.wasm.gzip <= BUDGET.wasm;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const hash = bundleHash();
  const json = process.argv.includes('--json');
  if (process.argv.includes('--if-stale') && existsSync(join(out, stampName)) && readFileSync(join(out, stampName), 'utf8') === hash) {
    const ok = report(measure());
    console.error('build:browser: dist/browser/ is up to date');
    if (json) console.log(JSON.stringify({ ...measure(), budget: BUDGET }));
    process.exit(ok ? 0 : 1);
  }
  const started = Date.now();
  const partial = join(root, 'dist', `browser.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  let metafile;
  try {
    metafile = await bundle(partial);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    console.error(`build:browser: esbuild failed: ${error?.message ?? error}`);
    process.exit(1);
  }
  copyFileSync(join(root, 'decoder', 'iceberg-rx-decoder.wasm'), join(partial, 'iceberg-rx-decoder.wasm'));
  writeFileSync(join(partial, 'meta.json'), JSON.stringify(metafile));
  const sizes = measure(partial);
  writeFileSync(join(partial, 'sizes.json'), `${JSON.stringify({ ...sizes, budget: BUDGET }, null, 2)}\n`);
  const ok = report(sizes, metafile);
  writeFileSync(join(partial, stampName), hash);
  // Each file moves in with one rename (a failed build leaves the old ones whole); dist/browser/
  // also holds tsc's output for src/browser/ (scripts/build.mjs), which stays.
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(partial)) renameSync(join(partial, name), join(out, name));
  rmSync(partial, { recursive: true, force: true });
  console.error(`build:browser: dist/browser/ written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (json) console.log(JSON.stringify({ ...sizes, budget: BUDGET }));
  if (!ok) {
    console.error('build:browser: over the size budget');
    process.exit(1);
  }
}
