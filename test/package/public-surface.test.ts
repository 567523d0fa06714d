/**
 * The public surface is curated: every name src/index.ts exports has a doc comment (TypeDoc
 * renders them, `npm run docs`) and appears in code in README.md (a code block or an inline code
 * span) or in a file of examples/, and nothing internal is exported.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixture-paths.ts';

const INDEX = join(REPO_ROOT, 'src/index.ts');

/** Each exported name of src/index.ts with the doc comment of what it stands for. */
function exportedNames(): { name: string; doc: string }[] {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return { name: s.name, doc: ts.displayPartsToString(target.getDocumentationComment(checker)).trim() };
  });
}

/** The code of README.md (fenced blocks and inline code spans) and of examples/. */
function documentedCode(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const fenced = [...readme.matchAll(/^```\w*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  const inline = [...readme.replace(/^```\w*\n[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  const examples = readdirSync(join(REPO_ROOT, 'examples'))
    .filter((f) => /\.(ts|mjs|js)$/.test(f))
    .map((f) => readFileSync(join(REPO_ROOT, 'examples', f), 'utf8'));
  return [...fenced, ...inline, ...examples].join('\n');
}

const names = exportedNames();

describe('public surface (src/index.ts)', () => {
  it('exports a curated set of names', () => {
    expect(names.length).toBeGreaterThan(20);
    // Internals that must not leak: the test table builder, the decode worker's protocol, plumbing.
    const internal = /builder|protocol|wire|^decode|worker(?!Decoder)|^Counting|^Default|^DEFAULT_|mergeMap|^planFiles$|Formatter$/i;
    expect(names.map((n) => n.name).filter((n) => internal.test(n))).toEqual([]);
  });

  it('documents every exported name with a doc comment', () => {
    expect(names.filter((n) => n.doc === '').map((n) => n.name)).toEqual([]);
  });

  it('mentions every exported name in README.md or examples/', () => {
    const code = documentedCode();
    const unmentioned = names.map((n) => n.name).filter((name) => !new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code));
    expect(unmentioned).toEqual([]);
  });
});
