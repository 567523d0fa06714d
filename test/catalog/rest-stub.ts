/**
 * A scripted REST catalog for the fault tests: a node:http server on a loopback port whose routes
 * answer what each test says (status codes and bodies the real server will not produce), recording
 * every request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** A request the stub received. */
export interface StubRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A scripted answer. */
export interface StubAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
}

/** Answers a request; undefined for 404 with an ErrorModel. */
export type StubHandler = (req: StubRequest) => StubAnswer | undefined;

/** A running stub. */
export interface RestStub {
  readonly uri: string;
  readonly requests: StubRequest[];
  /** Replaces the handler. */
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

/** An `IcebergErrorResponse`. */
export function errorBody(code: number, type: string, message: string): unknown {
  return { error: { message, type, code } };
}

/** Small valid v2 table metadata of one `long` column and no snapshots. */
export function tinyMetadata(location: string): Record<string, unknown> {
  return {
    'format-version': 2,
    'table-uuid': '9c12d441-03fe-4693-9a96-a0705ddf69c1',
    location,
    'last-sequence-number': 0,
    'last-updated-ms': 1700000000000,
    'last-column-id': 1,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: {},
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
  };
}

/** Starts a stub; `handler` may be replaced per test. */
export async function startRestStub(handler: StubHandler = () => undefined): Promise<RestStub> {
  let current = handler;
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const r: StubRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
      requests.push(r);
      const answer = current(r) ?? { status: 404, body: errorBody(404, 'NotFound', `no route ${r.method} ${r.url}`) };
      const text = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    uri: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      current = h;
      requests.length = 0;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
