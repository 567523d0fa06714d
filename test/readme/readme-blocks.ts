/**
 * Extracts the code blocks of a README and runs them as a reader would: every ```ts block as a
 * module (`node --import tsx`, from the repository root, importing the package by its name), every
 * ```js block as a plain-JavaScript module on plain `node`, and every `npx iceberg-rx` line of the
 * ```sh blocks through the shell. The package's name resolves through its `exports` to dist/, so
 * the built package is what the examples run (the tests build it first when stale).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One fenced code block. */
export interface CodeBlock {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The nearest heading above the block. */
  readonly heading: string;
}

/** Every fenced code block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], code: `${body.join('\n')}\n`, line: start + 1, heading });
  }
  return blocks;
}

/** The `// prints: <text>` promises of a ts block. */
export function promisedOutput(code: string): string[] {
  return [...code.matchAll(/^\s*\/\/ prints: (.*)$/gm)].map((m) => m[1].trim());
}

/** The `npx iceberg-rx ...` command lines of a shell block. */
export function cliCommands(code: string): string[] {
  return code
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx iceberg-rx'));
}

/** Output of a run. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], shell: boolean): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, shell, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs a ts block as a module file inside the repository (in `tmp/readme-examples/`, ignored by
 * git; not under node_modules, where Node gives files no package scope), so that
 * `import … from 'iceberg-rx'` resolves to this package by its own name, as in a user's project.
 * `rewrite` maps the source before writing it (only for trying a draft before src/index.ts exists).
 */
export function runTsBlock(block: CodeBlock, name: string, rewrite: (code: string) => string = (c) => c): Promise<RunResult> {
  const dir = join(ROOT, 'tmp', 'readme-examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, rewrite(block.code));
  return run(process.execPath, ['--import', 'tsx', file], false);
}

/** Runs a js block as a plain `.mjs` module on plain `node` (no tsx), like {@link runTsBlock} otherwise. */
export function runJsBlock(block: CodeBlock, name: string): Promise<RunResult> {
  const dir = join(ROOT, 'tmp', 'readme-examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, block.code);
  return run(process.execPath, [file], false);
}

/** Runs one shell command line from the repository root. */
export function runShellLine(line: string): Promise<RunResult> {
  return run(line, [], true);
}
