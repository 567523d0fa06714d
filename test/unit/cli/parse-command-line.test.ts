import { describe, expect, it } from 'vitest';
import { exitCodeOf, UsageError } from '../../../src/cli/cli-error.ts';
import { parseAsOf, parseCommandLine } from '../../../src/cli/parse-command-line.ts';
import { IcebergScanError } from '../../../src/errors.ts';

function usage(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect(exitCodeOf(error)).toBe(2);
    return error as UsageError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('parses every scan option', () => {
    const line = parseCommandLine([
      'scan', 't', '--format', 'csv', '--select', 'a, b.c', '--filter', 'a > 1', '--limit', '0',
      '--snapshot', '9223372036854775807', '--batch-size', '10', '--concurrency', '2', '--decode-workers', '0',
      '--map', 's3://b/x=/tmp/x', '--map', 'hdfs://h:1/y=/data/y=1', '--stats', '--quiet', '--case-insensitive',
    ]);
    expect(line).toEqual({
      command: 'scan', table: 't', format: 'csv', select: ['a', 'b.c'], filter: 'a > 1', limit: 0,
      snapshotId: '9223372036854775807', batchSize: 10, concurrency: 2, decodeWorkers: 0,
      locationMap: { 's3://b/x': '/tmp/x', 'hdfs://h:1/y': '/data/y=1' }, properties: {},
      caseSensitive: false, stats: true, quiet: true,
    });
  });

  it('defaults: no format (chosen by TTY), case-sensitive, no stats', () => {
    expect(parseCommandLine(['scan', 'dir'])).toEqual({ command: 'scan', table: 'dir', locationMap: {}, properties: {}, caseSensitive: true, stats: false, quiet: false });
  });

  it('parses --ref and --as-of (ISO and epoch ms)', () => {
    expect(parseCommandLine(['scan', 't', '--ref', 'main'])).toMatchObject({ ref: 'main' });
    expect(parseCommandLine(['plan', 't', '--as-of', '2024-01-02T03:04:05Z'])).toMatchObject({ asOf: Date.UTC(2024, 0, 2, 3, 4, 5) });
    expect(parseCommandLine(['plan', 't', '--as-of', '1700000000000'])).toMatchObject({ asOf: 1_700_000_000_000 });
    expect(parseAsOf('2024-01-02', 'scan')).toBe(Date.UTC(2024, 0, 2));
  });

  it('parses inspect and plan', () => {
    expect(parseCommandLine(['inspect', 't', '--json'])).toEqual({ command: 'inspect', table: 't', json: true, locationMap: {}, properties: {} });
    expect(parseCommandLine(['plan', 't', '--filter', 'x = 1'])).toEqual({
      command: 'plan', table: 't', filter: 'x = 1', json: false, caseSensitive: true, locationMap: {}, properties: {},
    });
  });

  it('parses repeatable --prop KEY=VALUE for every command that loads a table', () => {
    for (const c of ['scan', 'inspect', 'plan', 'count'] as const) {
      expect(parseCommandLine([c, 's3://b/t', '--prop', 's3.endpoint=http://127.0.0.1:9000', '--prop', 'header.Authorization=Bearer a=b'])).toMatchObject({
        command: c, properties: { 's3.endpoint': 'http://127.0.0.1:9000', 'header.Authorization': 'Bearer a=b' },
      });
      // A malformed value is a usage error that does not echo the value (it may be a secret).
      expect(usage([c, 't', '--prop', 's3.secret-access-key']).message).toContain('KEY=VALUE');
      expect(usage([c, 't', '--prop', '=hunter2']).message).not.toContain('hunter2');
    }
  });

  it('parses repeatable --allow-location for every command that loads a table', () => {
    for (const c of ['scan', 'inspect', 'plan'] as const) {
      expect(parseCommandLine([c, 't', '--allow-location', '/data/raw', '--allow-location', 's3://b/landing'])).toMatchObject({
        command: c, allowedLocations: ['/data/raw', 's3://b/landing'],
      });
      expect(parseCommandLine([c, 't', '--allow-location', '*'])).toMatchObject({ allowedLocations: '*' });
      expect(parseCommandLine([c, 't', '--allow-location', '/x', '--allow-location', '*'])).toMatchObject({ allowedLocations: '*' });
      expect(parseCommandLine([c, 't'])).not.toHaveProperty('allowedLocations');
      usage([c, 't', '--allow-location', '']);
      usage([c, 't', '--allow-location']);
    }
  });

  it('answers --help for the program and every command', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help' });
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['help', 'plan'])).toEqual({ command: 'help', topic: 'plan' });
    for (const c of ['scan', 'inspect', 'plan'] as const) expect(parseCommandLine([c, '-h'])).toEqual({ command: 'help', topic: c });
  });

  it('rejects bad arguments with a usage error (exit code 2)', () => {
    usage(['frobnicate', 't']);
    usage(['scan']);
    usage(['scan', 'a', 'b']);
    usage(['scan', 't', '--bogus']);
    usage(['scan', 't', '--format', 'xml']);
    usage(['scan', 't', '--limit', '-1']);
    usage(['scan', 't', '--limit', 'ten']);
    usage(['scan', 't', '--batch-size', '0']);
    usage(['scan', 't', '--concurrency', '1.5']);
    usage(['scan', 't', '--decode-workers', '-1']);
    usage(['scan', 't', '--snapshot', 'abc']);
    usage(['scan', 't', '--snapshot', '1', '--ref', 'main']);
    usage(['scan', 't', '--as-of', 'yesterday']);
    usage(['scan', 't', '--map', 'no-equals']);
    usage(['scan', 't', '--select', 'a,,b']);
    usage(['inspect', 't', '--filter', 'x']);
    usage(['plan', 't', '--limit', '1']);
  });
});

describe('exitCodeOf', () => {
  it('maps invalid_argument to 2 and other scan errors to 1', () => {
    expect(exitCodeOf(new IcebergScanError('invalid_argument', 'x'))).toBe(2);
    expect(exitCodeOf(new IcebergScanError('not_found', 'x'))).toBe(1);
    expect(exitCodeOf(new IcebergScanError('data_invalid', 'x'))).toBe(1);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
  });
});
