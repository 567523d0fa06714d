import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedLocationMatcher } from '../../../src/io/allowed-locations.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('allowedLocationMatcher', () => {
  const allow = allowedLocationMatcher(['/data/a', 's3://bucket/landing/', 'hdfs://nn:8020/raw']);

  it('allows a prefix itself and everything below it, normalised', () => {
    expect(allow('/data/a')).toBe('/data/a');
    expect(allow('/data/a/x.parquet')).toBe('/data/a/x.parquet');
    expect(allow('/data/a/p=1/x.parquet')).toBe('/data/a/p=1/x.parquet');
    expect(allow('/data/a//p=1/./x.parquet')).toBe('/data/a/p=1/x.parquet');
    expect(allow('/data/a/b/../x.parquet')).toBe('/data/a/x.parquet');
    expect(allow('/data/b/../a/x.parquet')).toBe('/data/a/x.parquet');
    expect(allow('s3://bucket/landing/2024/x.parquet')).toBe('s3://bucket/landing/2024/x.parquet');
    expect(allow('hdfs://nn:8020/raw/x.parquet')).toBe('hdfs://nn:8020/raw/x.parquet');
  });

  it('matches on path boundaries only', () => {
    expect(allow('/data/ab/x.parquet')).toBeUndefined();
    expect(allow('/data/a.parquet')).toBeUndefined();
    expect(allow('/data')).toBeUndefined();
    expect(allow('s3://bucket/landingzone/x.parquet')).toBeUndefined();
    expect(allow('hdfs://nn:8020/rawer/x.parquet')).toBeUndefined();
  });

  it('does not let ".." escape a prefix, in any spelling', () => {
    expect(allow('/data/a/../b/x.parquet')).toBeUndefined();
    expect(allow('/data/a/../../etc/passwd')).toBeUndefined();
    expect(allow('/data/a/x/../../ab/y.parquet')).toBeUndefined();
    expect(allow('/data/a/%2e%2e/b/x.parquet')).toBeUndefined();
    expect(allow('/data/a/.%2E/b/x.parquet')).toBeUndefined();
    expect(allow('file:///data/a/%2e%2e/b/x.parquet')).toBeUndefined();
    expect(allow('/../data/a/x.parquet')).toBeUndefined(); // climbs above the root
    expect(allow('s3://bucket/landing/../private/x.parquet')).toBeUndefined();
  });

  it('never admits characters a URL parser or server could turn into separators or dots', () => {
    expect(allow('/data/a/..\\..\\etc/passwd')).toBeUndefined();
    expect(allow('file:///data/a/.\t./b/x.parquet')).toBeUndefined();
    expect(allow('/data/a/x\n.parquet')).toBeUndefined();
    expect(allow('/data/a/..%2Fb/x.parquet')).toBeUndefined();
    expect(allow('/data/a/..%5cb/x.parquet')).toBeUndefined();
  });

  it('requires the same scheme and authority; plain paths and file: URLs are one local scope', () => {
    expect(allow('file:///data/a/x.parquet')).toBe('file:///data/a/x.parquet');
    expect(allow('file:/data/a/x.parquet')).toBe('file:/data/a/x.parquet');
    expect(allow('file://localhost/data/a/x.parquet')).toBe('file://localhost/data/a/x.parquet');
    expect(allow('file://otherhost/data/a/x.parquet')).toBeUndefined();
    expect(allow('s3://data/a/x.parquet')).toBeUndefined();
    expect(allow('S3://bucket/landing/x.parquet')).toBe('S3://bucket/landing/x.parquet');
    expect(allow('s3a://bucket/landing/x.parquet')).toBeUndefined();
    expect(allow('s3://other/landing/x.parquet')).toBeUndefined();
    expect(allow('s3://bucket.evil/landing/x.parquet')).toBeUndefined();
    expect(allow('hdfs://nn:9000/raw/x.parquet')).toBeUndefined();
    expect(allow('hdfs://user@nn:8020/raw/x.parquet')).toBeUndefined();
    expect(allow('data/a/x.parquet')).toBeUndefined(); // relative is not absolute
  });

  it("'*' allows every location unchanged", () => {
    for (const any of [allowedLocationMatcher('*'), allowedLocationMatcher(['/x', '*'])]) {
      expect(any('/etc/passwd')).toBe('/etc/passwd');
      expect(any('s3://b/k/../j')).toBe('s3://b/k/../j');
    }
  });

  it('refuses unusable prefixes with invalid_argument', () => {
    for (const bad of [[''], ['  '], ['/../x'], ['/data\\a'], [42], 'everything', {}]) {
      expect(codeOf(() => allowedLocationMatcher(bad as never)), JSON.stringify(bad)).toBe('invalid_argument');
    }
    expect(allowedLocationMatcher([])('/data/a/x')).toBeUndefined();
    expect(allowedLocationMatcher(['/'])('/anything/x.parquet')).toBe('/anything/x.parquet');
  });
});

describe('allowedLocationMatcher properties', () => {
  const segment = fc.stringMatching(/^[a-z0-9=_-]{1,6}$/);
  const prefixSegments = fc.array(segment, { minLength: 1, maxLength: 4 });
  /** A relative path of names and `..` / `.` steps. */
  const steps = fc.array(fc.oneof({ weight: 3, arbitrary: segment }, { weight: 2, arbitrary: fc.constant('..') }, { weight: 1, arbitrary: fc.constantFrom('.', '%2e%2e', '.%2E') }), { maxLength: 10 });

  /** Resolves `base/steps` as a file system would; undefined when it climbs above `/`. */
  function reference(base: string[], path: string[]): string[] | undefined {
    const out = [...base];
    for (const s of path) {
      const dots = s.replace(/%2e/gi, '.');
      if (dots === '.') continue;
      if (dots === '..') {
        if (out.length === 0) return undefined;
        out.pop();
      } else out.push(s);
    }
    return out;
  }

  const under = (path: string[], prefix: string[]): boolean => prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

  it('refuses every path whose ".." segments normalise outside the prefix, and admits the rest as their normal form', () => {
    fc.assert(
      fc.property(prefixSegments, steps, (prefix, path) => {
        const matcher = allowedLocationMatcher([`/${prefix.join('/')}`]);
        const location = `/${[...prefix, ...path].join('/')}`;
        const resolved = reference(prefix, path);
        const result = matcher(location);
        if (resolved === undefined || !under(resolved, prefix)) expect(result).toBeUndefined();
        else expect(result).toBe(`/${resolved.join('/')}`);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('refuses a path that descends, then climbs out of the prefix with more ".." than it descended', () => {
    fc.assert(
      fc.property(prefixSegments, fc.array(segment, { maxLength: 4 }), fc.integer({ min: 1, max: 5 }), fc.array(segment, { maxLength: 3 }), fc.constantFrom('..', '%2e%2e', '.%2E', '%2E.'), (prefix, down, extra, rest, dotdot) => {
        const up = Array.from({ length: down.length + extra }, () => dotdot);
        const location = `/${[...prefix, ...down, ...up, ...rest].join('/')}`;
        const matcher = allowedLocationMatcher([`/${prefix.join('/')}`]);
        // Climbing `extra` levels above the prefix and coming back down into it is the only way in.
        const back = extra <= prefix.length && rest.length >= extra && prefix.slice(prefix.length - extra).every((s, i) => rest[i] === s);
        if (!back) expect(matcher(location)).toBeUndefined();
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  it('never admits a sibling whose name extends the prefix', () => {
    fc.assert(
      fc.property(prefixSegments, segment, fc.array(segment, { maxLength: 3 }), (prefix, suffix, rest) => {
        const matcher = allowedLocationMatcher([`/${prefix.join('/')}`]);
        const sibling = [...prefix.slice(0, -1), `${prefix[prefix.length - 1]}${suffix}`, ...rest];
        expect(matcher(`/${sibling.join('/')}`)).toBeUndefined();
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
