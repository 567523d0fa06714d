/**
 * zod schemas of the Iceberg REST catalog's responses (OpenAPI spec `rest-catalog-open-api.yaml`):
 * only the fields iceberg-rx reads; unknown fields pass.
 */
import { z } from 'zod';

const StringMap = z.record(z.string(), z.string());

/** `GET /v1/config`: `CatalogConfig`. */
export const ConfigResponse = z.object({
  defaults: StringMap.nullish(),
  overrides: StringMap.nullish(),
  endpoints: z.array(z.string()).nullish(),
});

/** `GET /v1/{prefix}/namespaces`: `ListNamespacesResponse`. */
export const ListNamespacesResponse = z.object({
  namespaces: z.array(z.array(z.string())),
  'next-page-token': z.string().nullish(),
});

/** `GET /v1/{prefix}/namespaces/{namespace}/tables`: `ListTablesResponse`. */
export const ListTablesResponse = z.object({
  identifiers: z.array(z.object({ namespace: z.array(z.string()), name: z.string() })),
  'next-page-token': z.string().nullish(),
});

/** One entry of `storage-credentials`: config for locations under `prefix`. */
export const StorageCredential = z.object({ prefix: z.string(), config: StringMap });

/** `GET /v1/{prefix}/namespaces/{namespace}/tables/{table}`: `LoadTableResult`. */
export const LoadTableResponse = z.object({
  'metadata-location': z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()),
  config: StringMap.nullish(),
  'storage-credentials': z.array(StorageCredential).nullish(),
});

/** The spec's `ErrorModel` inside `IcebergErrorResponse`. */
export const ErrorResponse = z.object({
  error: z.object({ message: z.string().nullish(), type: z.string().nullish(), code: z.number().nullish() }),
});

/** OAuth2 `OAuthTokenResponse` (RFC 6749 section 5.1). */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.number().nullish(),
  issued_token_type: z.string().nullish(),
  refresh_token: z.string().nullish(),
  scope: z.string().nullish(),
});

/** OAuth2 `OAuthError` (RFC 6749 section 5.2). */
export const TokenErrorResponse = z.object({ error: z.string(), error_description: z.string().nullish() });

/** A storage credential, parsed. */
export type StorageCredential = z.infer<typeof StorageCredential>;
