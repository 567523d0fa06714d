/**
 * A fault-injecting HTTP proxy for the I/O tests: forwards every request to an upstream server
 * (moto, or the static range server) and, on demand, answers matching requests with a fault
 * instead: 503 SlowDown, 500, a connection reset, a truncated body or a stalled socket. It counts
 * requests and knows which are still open, so tests can see that a cancelled scan closed them, and
 * the most open at once. It can add a fixed latency to every request (the benchmark's far store).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The faults the proxy produces. */
export type Fault = 'slowdown' | 'internal' | 'forbidden' | 'reset' | 'truncate' | 'stall-headers' | 'stall-body';

/** Which requests a fault applies to (default: ranged GETs, i.e. data and footer reads). */
export type RequestMatcher = (req: IncomingMessage) => boolean;

interface Injection {
  readonly fault: Fault;
  remaining: number;
  readonly match: RequestMatcher;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /**
   * Requests seen, faults produced, the most requests open at once, and response body bytes
   * forwarded, since start (or the last `reset`).
   */
  readonly counts: { requests: number; faults: number; peakOpen: number; bytes: number };
  /** Requests whose client connection is still open (not yet answered in full, or stalled). */
  readonly open: Set<IncomingMessage>;
  /** Produces `fault` for the next `times` matching requests (Infinity: all of them). */
  inject(fault: Fault, times: number, match?: RequestMatcher): void;
  /** Drops pending injections and zeroes the counters. */
  reset(): void;
  close(): Promise<void>;
}

/** Ranged GETs: the reads of data files, footers and (through `readWholeFile`) metadata. */
export const rangedGets: RequestMatcher = (req) => req.method === 'GET' && req.headers.range !== undefined;

/** Ranged GETs of Parquet data files only. */
export const dataFileGets: RequestMatcher = (req) => rangedGets(req) && /\.parquet(\?|$)/.test(req.url ?? '');

const S3_ERROR = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Milliseconds each request waits before it is forwarded (or faulted); default 0. */
  readonly delayMs?: number;
}

/** Starts a proxy in front of `upstream` (`http://host:port`). */
export async function startFaultProxy(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const injections: Injection[] = [];
  const counts = { requests: 0, faults: 0, peakOpen: 0, bytes: 0 };
  const open = new Set<IncomingMessage>();
  const sockets = new Set<Socket>();

  const faultFor = (req: IncomingMessage): Fault | undefined => {
    const i = injections.find((x) => x.remaining > 0 && x.match(req));
    if (i === undefined) return undefined;
    i.remaining -= 1;
    counts.faults += 1;
    return i.fault;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined) => {
    const up = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (fault === 'stall-body') {
          // Send a little of the body, then nothing more: the socket stays open until the client gives up.
          upRes.once('data', (chunk: Buffer) => res.write(chunk.subarray(0, Math.max(1, chunk.length >> 2))));
          upRes.resume();
          return;
        }
        if (fault === 'truncate') {
          const length = Number(upRes.headers['content-length'] ?? 0);
          let sent = 0;
          upRes.on('data', (chunk: Buffer) => {
            const room = Math.floor(length / 2) - sent;
            if (room <= 0) return;
            res.write(chunk.subarray(0, room));
            sent += Math.min(room, chunk.length);
          });
          upRes.on('end', () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        upRes.on('data', (chunk: Buffer) => (counts.bytes += chunk.length));
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const fault = faultFor(req);
    switch (fault) {
      case 'slowdown':
        req.resume();
        res.writeHead(503, { 'content-type': 'application/xml' }).end(S3_ERROR('SlowDown', 'Please reduce your request rate.'));
        return;
      case 'internal':
        req.resume();
        res.writeHead(500, { 'content-type': 'application/xml' }).end(S3_ERROR('InternalError', 'We encountered an internal error.'));
        return;
      case 'forbidden':
        req.resume();
        res.writeHead(403, { 'content-type': 'application/xml' }).end(S3_ERROR('AccessDenied', 'Access Denied'));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall-headers':
        req.resume(); // never answered
        return;
      default:
        forward(req, res, fault);
    }
  };
  const server: Server = createServer((req, res) => {
    counts.requests += 1;
    open.add(req);
    counts.peakOpen = Math.max(counts.peakOpen, open.size);
    res.on('close', () => open.delete(req));
    if (options.delayMs) setTimeout(() => handle(req, res), options.delayMs);
    else handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    open,
    inject(fault, times, match = rangedGets) {
      injections.push({ fault, remaining: times, match });
    },
    reset() {
      injections.length = 0;
      counts.requests = 0;
      counts.faults = 0;
      counts.peakOpen = open.size;
      counts.bytes = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
