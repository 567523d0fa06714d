/**
 * Injected into every module of the browser bundle (esbuild `inject`): a free `process` (a global
 * in Node) is this page-side stand-in, with an empty environment and `/` as working folder (the
 * AWS SDK, S3FileIO and the catalog configuration read them for defaults).
 */
export const process = {
  env: {} as Record<string, string | undefined>,
  cwd: (): string => '/',
  platform: 'browser',
  version: '',
  versions: {} as Record<string, string>,
  argv: [] as string[],
};
