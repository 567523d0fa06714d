/**
 * The CLI's catalog options: `-c/--catalog`, `--uri`, `--token`, `--credential` on `scan`,
 * `inspect`, `plan`, `count` and `list`, parsed strictly, and reaching the catalog (a scripted stub).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/cli-error.ts';
import { parseCommandLine } from '../../src/cli/parse-command-line.ts';
import { runCli } from '../integration/cli-run.ts';
import { startRestStub, type RestStub } from './rest-stub.ts';

let stub: RestStub;
beforeAll(async () => {
  stub = await startRestStub();
});
afterAll(async () => {
  await stub.close();
});

describe('CLI catalog options', () => {
  it.each(['scan', 'inspect', 'plan', 'count'])('%s accepts ns.table with -c NAME or --uri URI', (command) => {
    expect(parseCommandLine([command, '-c', 'prod', 'ns.t'])).toMatchObject({ command, table: 'ns.t', catalog: 'prod' });
    expect(parseCommandLine([command, '--uri', 'http://h:8181', '--token', 'tk', '--prop', 'warehouse=w', 'a.b.t'])).toMatchObject({
      command, table: 'a.b.t', uri: 'http://h:8181', token: 'tk', properties: { warehouse: 'w' },
    });
    expect(parseCommandLine([command, 'some/table/dir'])).not.toHaveProperty('uri');
  });

  it('refuses -c with --uri, --token without a catalog, list without a catalog', () => {
    expect(() => parseCommandLine(['scan', '-c', 'a', '--uri', 'http://h', 'ns.t'])).toThrow(UsageError);
    expect(() => parseCommandLine(['count', '--token', 'x', 'dir'])).toThrow(/need a catalog/);
    expect(() => parseCommandLine(['list'])).toThrow(/-c NAME .* --uri URI/);
    expect(() => parseCommandLine(['list', '--uri', 'http://h', 'a', 'b'])).toThrow(/unexpected argument/);
    expect(parseCommandLine(['list', '--help'])).toEqual({ command: 'help', topic: 'list' });
    expect(parseCommandLine(['list', '--uri', 'http://h', '--json', 'ns'])).toMatchObject({ command: 'list', uri: 'http://h', namespace: 'ns', json: true });
  });

  it('sends --token as the bearer token and exchanges --credential for one', async () => {
    stub.handle((r) => {
      if (r.url === '/v1/oauth/tokens') return { status: 200, body: { access_token: 'from-credential', token_type: 'bearer', expires_in: 3600 } };
      if (r.url.startsWith('/v1/config')) return { status: 200, body: { defaults: {}, overrides: {} } };
      if (r.url === '/v1/namespaces') return { status: 200, body: { namespaces: [['a'], ['b']] } };
      return undefined;
    });
    const withToken = await runCli(['list', '--uri', stub.uri, '--token', 'cli-token']);
    expect(withToken.text).toBe('namespace a\nnamespace b\n');
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual(['Bearer cli-token', 'Bearer cli-token']);
    stub.handle((r) => (r.url === '/v1/oauth/tokens' ? { status: 200, body: { access_token: 'from-credential', token_type: 'bearer' } } : { status: 200, body: r.url.startsWith('/v1/config') ? {} : { namespaces: [] } }));
    const withCredential = await runCli(['list', '--uri', stub.uri, '--credential', 'id:s3cret', '--json']);
    expect(withCredential.stderr).toBe('');
    expect(JSON.parse(withCredential.text)).toEqual({ namespaces: [], tables: [] });
    expect(stub.requests[0]!.url).toBe('/v1/oauth/tokens');
    expect(stub.requests.slice(1).map((r) => r.headers.authorization)).toEqual(['Bearer from-credential', 'Bearer from-credential']);
  });

  it('an unreachable catalog is exit code 1 with [unavailable]', async () => {
    const { freePort } = await import('../s3/moto-server.ts');
    const port = await freePort();
    const r = await runCli(['list', '--uri', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/iceberg-rx: error \[unavailable\]: rest catalog http:\/\/127\.0\.0\.1:\d+: get config: catalog unreachable/);
  }, 20_000);
});
