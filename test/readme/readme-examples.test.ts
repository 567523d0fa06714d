/**
 * Every code example of README.md runs as written: each ```ts block (against the sample table in
 * examples/sample-table) exits 0 and prints what its `// prints:` comments promise; each
 * `npx iceberg-rx` line of the ```sh blocks exits 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/ensure-built.ts';
import { ROOT, cliCommands, codeBlocks, promisedOutput, runJsBlock, runShellLine, runTsBlock } from './readme-blocks.ts';

const README = join(ROOT, 'README.md');
const blocks = codeBlocks(readFileSync(README, 'utf8'));
const tsBlocks = blocks.filter((b) => b.lang === 'ts');
const jsBlocks = blocks.filter((b) => b.lang === 'js');
const commands = blocks.filter((b) => b.lang === 'sh').flatMap((b) => cliCommands(b.code).map((c) => ({ command: c, line: b.line })));

// `import … from 'iceberg-rx'` resolves to dist/: build it when the sources changed.
beforeAll(() => ensureBuilt(), 120_000);

describe('README.md examples', () => {
  it('has TypeScript and JavaScript examples and iceberg-rx commands to run', () => {
    expect(tsBlocks.length).toBeGreaterThanOrEqual(5);
    expect(jsBlocks.length).toBeGreaterThanOrEqual(1);
    expect(commands.length).toBeGreaterThanOrEqual(3);
  });

  it('has the two-command quick start', () => {
    const quick = blocks.find((b) => b.heading === 'Quick start' && b.lang === 'sh');
    expect(quick?.code).toBe('npm install && npm start\nnpm test\n');
  });

  it.each(tsBlocks.map((b) => [`${b.heading} (line ${b.line})`, b] as const))('ts example: %s', async (_name, block) => {
    const result = await runTsBlock(block, `line-${block.line}`);
    expect(result.stderr).not.toMatch(/Error|error/);
    expect(result.code).toBe(0);
    for (const text of promisedOutput(block.code)) expect(result.stdout).toContain(text);
  });

  it.each(jsBlocks.map((b) => [`${b.heading} (line ${b.line})`, b] as const))('js example on plain node: %s', async (_name, block) => {
    const result = await runJsBlock(block, `line-${block.line}`);
    expect(result.stderr).not.toMatch(/Error|error/);
    expect(result.code).toBe(0);
    for (const text of promisedOutput(block.code)) expect(result.stdout).toContain(text);
  });

  it.each(commands.map((c) => [c.command, c] as const))('command: %s', async (command) => {
    const result = await runShellLine(command);
    expect(result.stderr).not.toMatch(/error \[/);
    expect(result.code).toBe(0);
  });
});
