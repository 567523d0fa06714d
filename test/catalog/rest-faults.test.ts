/**
 * The REST catalog client's faults and protocol details against a scripted stub (status codes the
 * real server does not produce): catalog down, 401 with a refreshable token, 403, 404 for a
 * namespace and a table, 503 with Retry-After, malformed bodies; config merge and prefix,
 * pagination, namespace encoding, the vended-credentials header, OAuth2 requests and renewal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCatalog } from '../../src/catalog/connect-catalog.ts';
import { OAuth2Session } from '../../src/catalog/oauth2-token.ts';
import { RestCatalog } from '../../src/catalog/rest-catalog.ts';
import { NO_AUTH, RestHttp, retryAfterMs } from '../../src/catalog/rest-http.ts';
import { credentialFor, tableIOProperties } from '../../src/catalog/storage-credentials.ts';
import { freePort } from '../s3/moto-server.ts';
import { errorBody, startRestStub, tinyMetadata, type RestStub, type StubRequest } from './rest-stub.ts';

const FAST = { maxAttempts: 3, baseDelayMs: 5 };
const CONFIG = { status: 200, body: { defaults: {}, overrides: {} } };
const isConfig = (r: StubRequest) => r.url.startsWith('/v1/config');

let stub: RestStub;
beforeAll(async () => {
  stub = await startRestStub();
});
afterAll(async () => {
  await stub.close();
});

describe('REST catalog faults', () => {
  it('catalog down: retries, then unavailable naming the catalog and the cause', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connectCatalog({ type: 'rest', uri: `http://127.0.0.1:${port}`, retry: FAST }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/rest catalog http:\/\/127\.0\.0\.1:\d+: get config: catalog unreachable .*ECONNREFUSED.* after 3 attempts/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('503 with Retry-After: waits as told, then succeeds', async () => {
    let refusals = 0;
    stub.handle((r) => {
      if (isConfig(r) && refusals++ === 0) return { status: 503, headers: { 'Retry-After': '1' }, body: errorBody(503, 'ServiceUnavailable', 'busy') };
      if (isConfig(r)) return CONFIG;
      return undefined;
    });
    const started = Date.now();
    await connectCatalog({ type: 'rest', uri: stub.uri, retry: FAST });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(stub.requests.filter(isConfig)).toHaveLength(2);
  });

  it('503 for good: unavailable after the attempts; a Retry-After beyond the budget fails at once', async () => {
    stub.handle(() => ({ status: 503, headers: { 'Retry-After': '0' }, body: errorBody(503, 'ServiceUnavailable', 'down for maintenance') }));
    await expect(connectCatalog({ type: 'rest', uri: stub.uri, retry: FAST })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/catalog unavailable \(HTTP 503 ServiceUnavailable: down for maintenance\) after 3 attempts/),
    });
    expect(stub.requests).toHaveLength(3);
    stub.handle(() => ({ status: 503, headers: { 'Retry-After': '3600' } }));
    await expect(connectCatalog({ type: 'rest', uri: stub.uri, retry: { ...FAST, budgetMs: 10_000 } })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('Retry-After 3600 s exceeds the retry budget') });
    expect(stub.requests).toHaveLength(1);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT'))).toBe(2000);
  });

  it('401 with a refreshable token: fetches a new token once and retries', async () => {
    let issued = 0;
    const tokenBodies: string[] = [];
    stub.handle((r) => {
      if (r.url === '/v1/oauth/tokens') {
        tokenBodies.push(r.body);
        issued += 1;
        return { status: 200, body: { access_token: `token-${issued}`, token_type: 'bearer', expires_in: 3600 } };
      }
      if (isConfig(r)) return CONFIG;
      if (r.url === '/v1/namespaces/ns/tables/t') {
        return r.headers.authorization === 'Bearer token-2' ? { status: 200, body: { 'metadata-location': 's3://b/t/metadata/v1.metadata.json', metadata: tinyMetadata('s3://b/t') } } : { status: 401, body: errorBody(401, 'NotAuthorizedException', 'token expired') };
      }
      return undefined;
    });
    const catalog = await connectCatalog({ type: 'rest', uri: stub.uri, credential: 'client-id:very-secret', retry: FAST });
    const table = await catalog.loadTable('ns.t');
    expect(table.metadata.location).toBe('s3://b/t');
    expect(issued).toBe(2);
    const form = new URLSearchParams(tokenBodies[0]);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', client_id: 'client-id', client_secret: 'very-secret', scope: 'catalog' });
    const tableRequests = stub.requests.filter((r) => r.url === '/v1/namespaces/ns/tables/t');
    expect(tableRequests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(tableRequests[0]!.headers['x-iceberg-access-delegation']).toBe('vended-credentials');
  });

  it('401 that a refresh does not cure, and a static token refused: unauthorized, no secret in the message', async () => {
    stub.handle((r) => {
      if (r.url === '/v1/oauth/tokens') return { status: 200, body: { access_token: 'tok', token_type: 'bearer' } };
      return { status: 401, body: errorBody(401, 'NotAuthorizedException', 'Not authorized') };
    });
    const refused = await connectCatalog({ type: 'rest', uri: stub.uri, credential: 'id:very-secret', retry: FAST }).then(() => new Error('connected'), (e: unknown) => e as Error);
    expect(refused).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/^rest catalog .*: get config: not authorized/) });
    expect(refused.message).not.toMatch(/very-secret|tok\b/);
    expect(stub.requests.filter((r) => r.url === '/v1/oauth/tokens')).toHaveLength(2);
    const staticToken = await connectCatalog({ type: 'rest', uri: stub.uri, token: 'static-secret-token', retry: FAST }).then(() => new Error('connected'), (e: unknown) => e as Error);
    expect(staticToken).toMatchObject({ code: 'unauthorized' });
    expect(staticToken.message).not.toContain('static-secret-token');
    expect(stub.requests.at(-1)!.headers.authorization).toBe('Bearer static-secret-token');
    stub.handle((r) => (r.url === '/v1/oauth/tokens' ? { status: 401, body: { error: 'invalid_client', error_description: 'unknown client' } } : CONFIG));
    const badClient = await connectCatalog({ type: 'rest', uri: stub.uri, credential: 'id:very-secret', retry: FAST }).then(() => new Error('connected'), (e: unknown) => e as Error);
    expect(badClient).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('token endpoint refused the credential (HTTP 401 invalid_client: unknown client)') });
    expect(badClient.message).not.toContain('very-secret');
  });

  it('403: forbidden naming the catalog and the table', async () => {
    stub.handle((r) => (isConfig(r) ? CONFIG : { status: 403, body: errorBody(403, 'ForbiddenException', 'no access to ns.secret') }));
    const catalog = await connectCatalog({ type: 'rest', uri: stub.uri, name: 'prod', retry: FAST });
    await expect(catalog.loadTable('ns.secret')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('rest catalog prod: load table ns.secret: forbidden'),
      context: { catalog: 'prod', table: 'ns.secret', status: 403 },
    });
  });

  it('404: a missing namespace and a missing table', async () => {
    stub.handle((r) => {
      if (isConfig(r)) return CONFIG;
      if (r.url.startsWith('/v1/namespaces/gone/')) return { status: 404, body: errorBody(404, 'NoSuchNamespaceException', 'Namespace does not exist: gone') };
      return { status: 404, body: errorBody(404, 'NoSuchTableException', 'Table does not exist: ns.gone') };
    });
    const catalog = await connectCatalog({ type: 'rest', uri: stub.uri, name: 'prod', retry: FAST });
    await expect(catalog.loadTable('gone.t')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('load table gone.t: namespace gone not found') });
    await expect(catalog.listTables('gone')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('namespace gone not found') });
    await expect(catalog.loadTable('ns.gone')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('table ns.gone not found') });
  });

  it('malformed bodies: data_invalid naming the response and the JSON path', async () => {
    stub.handle((r) => {
      if (isConfig(r)) return CONFIG;
      if (r.url === '/v1/namespaces') return { status: 200, body: { namespaces: 'rx' } };
      if (r.url.endsWith('/tables/text')) return { status: 200, body: '<html>proxy error</html>' };
      if (r.url.endsWith('/tables/nometa')) return { status: 200, body: { metadata: 5 } };
      if (r.url.endsWith('/tables/badmeta')) return { status: 200, body: { metadata: { 'format-version': 2 } } };
      return undefined;
    });
    const catalog = await connectCatalog({ type: 'rest', uri: stub.uri, name: 'prod', retry: FAST });
    await expect(catalog.listNamespaces()).rejects.toMatchObject({ code: 'data_invalid', context: { jsonPath: '$.namespaces' } });
    await expect(catalog.loadTable('ns.text')).rejects.toMatchObject({ code: 'data_invalid', message: expect.stringContaining('rest catalog prod: load table ns.text: malformed response: not JSON') });
    await expect(catalog.loadTable('ns.nometa')).rejects.toMatchObject({ code: 'data_invalid', context: { jsonPath: '$.metadata' } });
    await expect(catalog.loadTable('ns.badmeta')).rejects.toMatchObject({ code: 'data_invalid', message: expect.stringContaining('table metadata') });
    stub.handle(() => ({ status: 200, body: '{"defaults": ' }));
    await expect(connectCatalog({ type: 'rest', uri: stub.uri, retry: FAST })).rejects.toMatchObject({ code: 'data_invalid' });
  });
});

describe('REST catalog protocol', () => {
  it('merges config (defaults < client < overrides), uses prefix, header.* and the warehouse query', async () => {
    stub.handle((r) => {
      if (isConfig(r)) return { status: 200, body: { defaults: { 's3.region': 'eu-west-1', 's3.endpoint': 'http://default' }, overrides: { prefix: 'wh/one', 'header.X-Server': 'over' } } };
      if (r.url === '/v1/wh/one/namespaces') return { status: 200, body: { namespaces: [['a']] } };
      return undefined;
    });
    const catalog = (await connectCatalog({ type: 'rest', uri: `${stub.uri}/`, warehouse: 'lake', properties: { 's3.endpoint': 'http://mine', 'header.X-Client': 'c' } })) as RestCatalog;
    expect(catalog.config).toMatchObject({ 's3.region': 'eu-west-1', 's3.endpoint': 'http://mine', prefix: 'wh/one', warehouse: 'lake' });
    expect(await catalog.listNamespaces()).toEqual([['a']]);
    expect(stub.requests[0]!.url).toBe('/v1/config?warehouse=lake');
    expect(stub.requests[0]!.headers['x-client']).toBe('c');
    expect(stub.requests[1]!.headers['x-server']).toBe('over');
  });

  it('encodes nested namespaces with %1F and follows pages; a repeated page token is refused', async () => {
    stub.handle((r) => {
      if (isConfig(r)) return CONFIG;
      const url = new URL(r.url, 'http://x');
      if (url.pathname === '/v1/namespaces/a%1Fb/tables') {
        const page = url.searchParams.get('pageToken');
        if (page === null) return { status: 200, body: { identifiers: [{ namespace: ['a', 'b'], name: 't1' }], 'next-page-token': 'p2' } };
        if (page === 'p2') return { status: 200, body: { identifiers: [{ namespace: ['a', 'b'], name: 't2' }], 'next-page-token': null } };
      }
      if (url.pathname === '/v1/namespaces' && url.searchParams.get('parent') === 'a\u001fb') return { status: 200, body: { namespaces: [['a', 'b', 'c']], 'next-page-token': 'same' } };
      return undefined;
    });
    const catalog = await connectCatalog({ type: 'rest', uri: stub.uri, properties: { 'rest-page-size': '1' } });
    expect(await catalog.listTables('a.b')).toEqual([{ namespace: ['a', 'b'], name: 't1' }, { namespace: ['a', 'b'], name: 't2' }]);
    expect(stub.requests.filter((r) => r.url.includes('/tables')).map((r) => r.url)).toEqual(['/v1/namespaces/a%1Fb/tables?pageSize=1', '/v1/namespaces/a%1Fb/tables?pageSize=1&pageToken=p2']);
    await expect(catalog.listNamespaces('a.b')).rejects.toMatchObject({ code: 'data_invalid', message: expect.stringContaining('repeated page token') });
  });

  it('vended credentials: table config over catalog properties, the longest storage-credential prefix over both', async () => {
    const creds: { prefix: string; config: Record<string, string> }[] = [
      { prefix: 's3', config: { 's3.access-key-id': 'any-s3' } },
      { prefix: 's3://bucket/warehouse/ns', config: { 's3.access-key-id': 'ns-key', 's3.session-token': 'ns-token' } },
      { prefix: 's3://bucket/warehouse', config: { 's3.access-key-id': 'warehouse-key' } },
    ];
    expect(credentialFor('s3://bucket/warehouse/ns/t', creds)?.config['s3.access-key-id']).toBe('ns-key');
    expect(credentialFor('s3://other/t', creds)?.config['s3.access-key-id']).toBe('any-s3');
    expect(credentialFor('gs://x/t', creds)).toBeUndefined();
    expect(tableIOProperties({ 's3.endpoint': 'e', 's3.access-key-id': 'mine', 's3.region': 'r1' }, { 's3.region': 'r2', 's3.access-key-id': 'table' }, 's3://bucket/warehouse/ns/t', creds)).toEqual({
      's3.endpoint': 'e', 's3.region': 'r2', 's3.access-key-id': 'ns-key', 's3.session-token': 'ns-token',
    });
  });

  it('renews an OAuth2 token before it expires, without waiting for a 401', async () => {
    let issued = 0;
    stub.handle((r) => (r.url === '/token' ? { status: 200, body: { access_token: `t${++issued}`, token_type: 'bearer', expires_in: 100 } } : undefined));
    let now = 1_000_000;
    const http = new RestHttp(NO_AUTH, { retry: FAST });
    const session = new OAuth2Session(http, { catalog: 'c', credential: 'secret-only', tokenUri: `${stub.uri}/token`, scope: 'catalog other', now: () => now });
    expect(await session.authorization()).toBe('Bearer t1');
    now += 80_000;
    expect(await session.authorization()).toBe('Bearer t1');
    now += 15_000; // within the last tenth of the lifetime
    expect(await session.authorization()).toBe('Bearer t2');
    const form = Object.fromEntries(new URLSearchParams(stub.requests[0]!.body));
    expect(form).toEqual({ grant_type: 'client_credentials', client_secret: 'secret-only', scope: 'catalog other' });
  });

  it('refuses bad options with invalid_argument', async () => {
    await expect(connectCatalog({ type: 'rest', uri: 'ftp://x' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(connectCatalog({ type: 'rest', uri: '' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(connectCatalog({ type: 'hive', uri: 'thrift://x' } as never)).rejects.toMatchObject({ code: 'feature_unsupported' });
    stub.handle(() => CONFIG);
    const catalog = await connectCatalog({ type: 'rest', uri: stub.uri });
    await expect(catalog.loadTable('no-namespace')).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
