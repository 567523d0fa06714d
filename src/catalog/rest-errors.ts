/**
 * Errors of the REST catalog client: an HTTP status and the spec's `ErrorModel` mapped to
 * `IcebergScanError` codes, each naming the catalog and the namespace or table (never a token or
 * secret), and malformed response bodies reported as `data_invalid`.
 */
import type { z } from 'zod';
import { IcebergScanError, type ErrorCode } from '../errors.ts';
import { zodIssuePath } from '../metadata/zod-issue-path.ts';
import { ErrorResponse, TokenErrorResponse } from './rest-schemas.ts';

/** What a request was for, for messages: `load table rx.events`, `list tables of rx`. */
export interface RequestSubject {
  /** The catalog's name. */
  readonly catalog: string;
  /** What was asked, in words (`load table`, `list namespaces`, `get config`, `get token`). */
  readonly action: string;
  /** The namespace concerned, dotted. */
  readonly namespace?: string;
  /** The table concerned, dotted with its namespace. */
  readonly table?: string;
}

/** `rest catalog prod: load table rx.events` */
export function describeSubject(s: RequestSubject): string {
  const target = s.table !== undefined ? ` ${s.table}` : s.namespace !== undefined ? ` ${s.namespace}` : '';
  return `rest catalog ${s.catalog}: ${s.action}${target}`;
}

/** The error code of an HTTP status. */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 401 || status === 419) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 400 || status === 422) return 'invalid_argument';
  if (status === 406 || status === 501) return 'feature_unsupported';
  if (status === 429 || status >= 500) return 'unavailable';
  return 'io_failed';
}

/** Whether a status is worth another attempt (overload and gateway faults). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

function serverMessage(bodyText: string): { type?: string; message?: string } {
  try {
    const parsed = ErrorResponse.safeParse(JSON.parse(bodyText));
    if (parsed.success) {
      return {
        ...(parsed.data.error.type ? { type: parsed.data.error.type } : {}),
        ...(parsed.data.error.message ? { message: parsed.data.error.message } : {}),
      };
    }
    // A token endpoint's OAuth2 error: { error: "invalid_client", error_description }.
    const oauth = TokenErrorResponse.safeParse(JSON.parse(bodyText));
    if (oauth.success) return { type: oauth.data.error, ...(oauth.data.error_description ? { message: oauth.data.error_description } : {}) };
  } catch {
    // not JSON: the status alone describes it
  }
  return {};
}

/**
 * The error of a non-2xx response. 404 says whether the namespace or the table is missing (from
 * the server's `NoSuchNamespaceException` / `NoSuchTableException` type when it gives one).
 *
 * @param subject The request's catalog and target.
 * @param status The HTTP status.
 * @param bodyText The response body (an `IcebergErrorResponse`, or anything).
 * @param extra Words appended (e.g. `after 4 attempts`).
 */
export function errorOfResponse(subject: RequestSubject, status: number, bodyText: string, extra = ''): IcebergScanError {
  const { type, message } = serverMessage(bodyText);
  const code = codeOfStatus(status);
  let what: string;
  if (status === 404) {
    const missing = type === 'NoSuchNamespaceException' || (type === undefined && subject.table === undefined) ? 'namespace' : type === 'NoSuchTableException' || subject.table !== undefined ? 'table' : 'resource';
    const name = missing === 'namespace' ? (subject.namespace ?? subject.table) : subject.table;
    what = `${missing}${name !== undefined ? ` ${name}` : ''} not found`;
  } else if (status === 401 || status === 419) {
    what = 'not authorized (the token or credential was refused)';
  } else if (status === 403) {
    what = 'forbidden (the credentials may not access this)';
  } else if (code === 'unavailable') {
    what = 'catalog unavailable';
  } else {
    what = 'request failed';
  }
  const detail = [type, message].filter((x) => x !== undefined).join(': ');
  return new IcebergScanError(code, `${describeSubject(subject)}: ${what} (HTTP ${status}${detail !== '' ? ` ${truncate(detail)}` : ''})${extra}`, {
    context: contextOf(subject, { status, ...(type !== undefined ? { errorType: type } : {}), ...(detail !== '' ? { detail: truncate(detail) } : {}) }),
  });
}

/** The `unavailable` error of a catalog that could not be reached. */
export function unreachableError(subject: RequestSubject, url: string, cause: unknown, attempts: number): IcebergScanError {
  const why = causeText(cause);
  return new IcebergScanError('unavailable', `${describeSubject(subject)}: catalog unreachable at ${safeUrl(url)} (${why}) after ${attempts} attempt${attempts === 1 ? '' : 's'}`, {
    context: contextOf(subject, { attempts }),
    cause,
  });
}

/** The `data_invalid` error of a 2xx body that is not the JSON the spec defines. */
export function malformedError(subject: RequestSubject, expected: string, detail: string, cause?: unknown, jsonPath?: string): IcebergScanError {
  return new IcebergScanError('data_invalid', `${describeSubject(subject)}: malformed response: ${detail}`, {
    expected,
    context: contextOf(subject, jsonPath !== undefined ? { jsonPath } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** `data_invalid` from a zod failure, naming the first problem's JSON path. */
export function schemaError(subject: RequestSubject, expected: string, error: z.ZodError): IcebergScanError {
  const issue = error.issues[0]!;
  const at = zodIssuePath(issue.path);
  return malformedError(subject, expected, `invalid value at ${at}: ${issue.message}`, error, at);
}

function contextOf(subject: RequestSubject, more: Record<string, string | number>): Record<string, string | number> {
  return {
    catalog: subject.catalog,
    ...(subject.namespace !== undefined ? { namespace: subject.namespace } : {}),
    ...(subject.table !== undefined ? { table: subject.table } : {}),
    ...more,
  };
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function causeText(cause: unknown): string {
  const c = cause as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  const inner = c?.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof inner?.code === 'string' ? inner.code : typeof c?.code === 'string' ? c.code : undefined;
  if (code !== undefined) return code;
  if (typeof c?.message === 'string') return c.message;
  return String(cause);
}

/** A URL without user info and query (which could carry secrets). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
