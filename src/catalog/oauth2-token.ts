/**
 * Bearer tokens of the REST catalog: a fixed `token`, or OAuth2 client credentials (`credential` =
 * `client_id:client_secret`, or a secret alone) exchanged at the token endpoint
 * (`oauth2-server-uri`, default `{uri}/v1/oauth/tokens`) with `grant_type=client_credentials` and
 * `scope` (default `catalog`). The token is fetched again before it expires and once after a 401.
 * Neither the secret nor a token ever appears in an error.
 */
import { IcebergScanError } from '../errors.ts';
import type { AuthSession, RestHttp } from './rest-http.ts';
import { TokenResponse } from './rest-schemas.ts';
import { schemaError, type RequestSubject } from './rest-errors.ts';

/** Settings of {@link OAuth2Session}. */
export interface OAuth2Settings {
  /** The catalog's name, for messages. */
  readonly catalog: string;
  /** `client_id:client_secret` (or a secret alone). */
  readonly credential?: string;
  /** A token to start with (e.g. the `token` property). */
  readonly token?: string;
  /** The token endpoint. */
  readonly tokenUri: string;
  /** OAuth2 scope (default `catalog`). */
  readonly scope?: string;
  /** Milliseconds before expiry at which a token is renewed (default: a tenth of its lifetime, at most 5 minutes). */
  readonly refreshMarginMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** Parses `id:secret`: the client id before the first colon; no colon means a secret alone. */
export function parseCredential(credential: string): { clientId?: string; clientSecret: string } {
  const colon = credential.indexOf(':');
  return colon < 0 ? { clientSecret: credential } : { clientId: credential.slice(0, colon), clientSecret: credential.slice(colon + 1) };
}

/** An auth session that holds one bearer token and renews it with client credentials. */
export class OAuth2Session implements AuthSession {
  private token: string | undefined;
  private renewAt = Number.POSITIVE_INFINITY;
  private pending: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly http: RestHttp,
    private readonly settings: OAuth2Settings,
  ) {
    this.token = settings.token;
    this.now = settings.now ?? Date.now;
  }

  /** Whether a new token can be requested (a credential was given). */
  get canRenew(): boolean {
    return this.settings.credential !== undefined;
  }

  async authorization(signal?: AbortSignal): Promise<string | undefined> {
    if (this.token !== undefined && this.now() < this.renewAt) return `Bearer ${this.token}`;
    if (!this.canRenew) return this.token !== undefined ? `Bearer ${this.token}` : undefined;
    return `Bearer ${await this.fetchToken(signal)}`;
  }

  async refreshAfterRefusal(signal?: AbortSignal): Promise<boolean> {
    if (!this.canRenew) return false;
    this.token = undefined;
    await this.fetchToken(signal);
    return true;
  }

  private fetchToken(signal?: AbortSignal): Promise<string> {
    this.pending ??= this.requestToken(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const { clientId, clientSecret } = parseCredential(this.settings.credential!);
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(clientId !== undefined ? { client_id: clientId } : {}), client_secret: clientSecret, scope: this.settings.scope ?? 'catalog' });
    const subject: RequestSubject = { catalog: this.settings.catalog, action: 'get oauth2 token' };
    let text: string;
    try {
      ({ text } = await this.http.send({
        method: 'POST',
        url: this.settings.tokenUri,
        subject,
        noAuth: true,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal,
      }));
    } catch (error) {
      throw this.tokenRefusal(error, subject);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new IcebergScanError('data_invalid', `rest catalog ${this.settings.catalog}: the oauth2 token response is not JSON`, { expected: 'an OAuthTokenResponse', context: { catalog: this.settings.catalog }, cause: error });
    }
    const parsed = TokenResponse.safeParse(json);
    if (!parsed.success) throw schemaError(subject, 'an OAuthTokenResponse', parsed.error);
    const issued = this.now();
    const lifetimeMs = parsed.data.expires_in != null ? parsed.data.expires_in * 1000 : undefined;
    const margin = this.settings.refreshMarginMs ?? (lifetimeMs !== undefined ? Math.min(300_000, lifetimeMs / 10) : 0);
    this.renewAt = lifetimeMs !== undefined ? issued + lifetimeMs - margin : Number.POSITIVE_INFINITY;
    this.token = parsed.data.access_token;
    return this.token;
  }

  /** A refused token request as `unauthorized`, with the OAuth2 error code (never the secret). */
  private tokenRefusal(error: unknown, subject: RequestSubject): unknown {
    if (!(error instanceof IcebergScanError)) return error;
    const status = error.context.status;
    if (status !== 400 && status !== 401 && status !== 403) return error;
    return new IcebergScanError('unauthorized', `rest catalog ${this.settings.catalog}: the oauth2 token endpoint refused the credential (HTTP ${status}${typeof error.context.detail === 'string' ? ` ${error.context.detail}` : ''})`, {
      context: { catalog: subject.catalog, status },
      cause: error,
    });
  }
}
