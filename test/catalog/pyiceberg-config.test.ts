/**
 * PyIceberg's configuration as PyIceberg reads it: the first `.pyiceberg.yaml` of
 * `$PYICEBERG_HOME`, home, working directory; `PYICEBERG_CATALOG__<NAME>__<PROPERTY>` variables
 * merged over it; keys lower-cased; the catalog type inferred from the uri.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pyIcebergCatalogProperties, readPyIcebergConfig } from '../../src/catalog/pyiceberg-config.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'iceberg-rx-pyiceberg-config-'));
  for (const d of ['pyhome', 'home', 'cwd', 'empty']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'pyhome', '.pyiceberg.yaml'), 'default-catalog: Prod\ncatalog:\n  Prod:\n    uri: https://catalog.example/api\n    credential: id:secret\n    S3.Endpoint: http://minio:9000\n  nested:\n    uri: http://x\n    s3:\n      region: eu-west-1\n');
  writeFileSync(join(root, 'home', '.pyiceberg.yaml'), 'catalog:\n  home-only:\n    uri: sqlite:///home.db\n');
  writeFileSync(join(root, 'cwd', '.pyiceberg.yaml'), 'catalog:\n  cwd-only:\n    type: sql\n    uri: sqlite:///cwd.db\n');
  writeFileSync(join(root, 'empty', '.pyiceberg.yaml'), 'catalog: [1, 2]\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('PyIceberg configuration', () => {
  it('reads the first file found: $PYICEBERG_HOME, then home, then the working directory', () => {
    const all = { env: { PYICEBERG_HOME: join(root, 'pyhome') }, home: join(root, 'home'), cwd: join(root, 'cwd') };
    const config = readPyIcebergConfig(all);
    expect(config.file).toBe(join(root, 'pyhome', '.pyiceberg.yaml'));
    expect(config.defaultCatalog).toBe('Prod');
    expect(Object.keys(config.catalogs).sort()).toEqual(['nested', 'prod']);
    expect(readPyIcebergConfig({ env: {}, home: join(root, 'home'), cwd: join(root, 'cwd') }).file).toBe(join(root, 'home', '.pyiceberg.yaml'));
    expect(readPyIcebergConfig({ env: {}, home: join(root, 'none'), cwd: join(root, 'cwd') }).catalogs).toHaveProperty('cwd-only');
  });

  it('lower-cases keys, flattens nested mappings and infers the type from the uri', () => {
    const sources = { env: { PYICEBERG_HOME: join(root, 'pyhome') }, home: join(root, 'none'), cwd: join(root, 'none') };
    expect(pyIcebergCatalogProperties('PROD', sources)).toEqual({ uri: 'https://catalog.example/api', credential: 'id:secret', 's3.endpoint': 'http://minio:9000', type: 'rest' });
    expect(pyIcebergCatalogProperties('nested', sources)['s3.region']).toBe('eu-west-1');
    expect(pyIcebergCatalogProperties('home-only', { env: {}, home: join(root, 'home'), cwd: join(root, 'none') }).type).toBe('sql');
  });

  it('merges PYICEBERG_CATALOG__<NAME>__<PROPERTY> variables over the file (__ is a dot, _ a dash)', () => {
    const env = {
      PYICEBERG_HOME: join(root, 'pyhome'),
      PYICEBERG_CATALOG__PROD__S3__ENDPOINT: 'http://override:9000',
      PYICEBERG_CATALOG__PROD__CREDENTIAL: '',
      PYICEBERG_CATALOG__ENV_ONLY__URI: 'http://env-only:8181',
      PYICEBERG_CATALOG__ENV_ONLY__OAUTH2_SERVER_URI: 'http://auth/token',
      pyiceberg_catalog__lower__uri: 'http://lower',
    };
    const sources = { env, home: join(root, 'none'), cwd: join(root, 'none') };
    const prod = pyIcebergCatalogProperties('prod', sources);
    expect(prod['s3.endpoint']).toBe('http://override:9000');
    expect(prod.credential).toBe('id:secret'); // an empty variable keeps the file's value, as PyIceberg
    expect(pyIcebergCatalogProperties('env-only', sources)).toEqual({ uri: 'http://env-only:8181', 'oauth2-server-uri': 'http://auth/token', type: 'rest' });
    expect(pyIcebergCatalogProperties('lower', sources).uri).toBe('http://lower');
  });

  it('an unknown name is not_found naming the configured catalogs; a malformed file is data_invalid', () => {
    const sources = { env: { PYICEBERG_HOME: join(root, 'pyhome') }, home: join(root, 'none'), cwd: join(root, 'none') };
    expect(() => pyIcebergCatalogProperties('staging', sources)).toThrow(expect.objectContaining({ code: 'not_found', expected: 'one of prod, nested' }));
    expect(() => readPyIcebergConfig({ env: { PYICEBERG_HOME: join(root, 'empty') } })).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });
});
