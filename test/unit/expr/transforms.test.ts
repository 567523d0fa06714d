import { describe, expect, it } from 'vitest';
import { convertLiteral } from '../../../src/expr/literals.ts';
import { murmur3x86_32 } from '../../../src/expr/murmur3.ts';
import { applyTransform, bucketHash, canApply, parseTransform } from '../../../src/expr/transforms.ts';
import { primType, type PrimType } from '../../../src/expr/types.ts';

const T = (name: string): PrimType => primType(name)!;
const hash = (type: string, lit: Parameters<typeof convertLiteral>[0]): number => bucketHash(convertLiteral(lit, T(type)), T(type));
const apply = (transform: string, type: string, lit: Parameters<typeof convertLiteral>[0]): unknown =>
  applyTransform(parseTransform(transform), T(type), convertLiteral(lit, T(type)));

describe('murmur3 and bucket hashing (spec Appendix B vectors)', () => {
  it('hashes the spec test values', () => {
    expect(hash('int', 34)).toBe(2017239379);
    expect(hash('long', 34)).toBe(2017239379);
    expect(hash('decimal(9,2)', '14.20')).toBe(-500754589);
    expect(hash('date', '2017-11-16')).toBe(-653330422);
    expect(hash('time', '22:31:08')).toBe(-662762989);
    expect(hash('timestamp', '2017-11-16T22:31:08')).toBe(-2047944441);
    expect(hash('timestamp', '2017-11-16T22:31:08.000001')).toBe(-1207196810);
    expect(hash('timestamptz', '2017-11-16T14:31:08-08:00')).toBe(-2047944441);
    expect(hash('timestamptz', '2017-11-16T14:31:08.000001-08:00')).toBe(-1207196810);
    expect(hash('timestamp_ns', '2017-11-16T22:31:08')).toBe(-2047944441);
    expect(hash('timestamp_ns', '2017-11-16T22:31:08.000001001')).toBe(-1207196810);
    expect(hash('timestamptz_ns', '2017-11-16T14:31:08.000001001-08:00')).toBe(-1207196810);
    expect(hash('string', 'iceberg')).toBe(1210000089);
    expect(hash('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7')).toBe(1488055340);
    expect(hash('fixed[4]', { kind: 'bytes', hex: '00010203' })).toBe(-188683207);
    expect(hash('binary', { kind: 'bytes', hex: '00010203' })).toBe(-188683207);
  });

  it('matches murmur3 reference values for every tail length', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(murmur3x86_32(enc(''))).toBe(0);
    expect(murmur3x86_32(enc('hello')) >>> 0).toBe(0x248bfa47);
    expect(murmur3x86_32(enc('The quick brown fox jumps over the lazy dog')) >>> 0).toBe(0x2e4ff723);
  });

  it('computes buckets as (hash & MAX_INT) % N', () => {
    expect(apply('bucket[16]', 'int', 34)).toBe(3);
    expect(apply('bucket[16]', 'string', 'iceberg')).toBe(9);
    expect(apply('bucket[100]', 'int', 34)).toBe(79);
  });
});

describe('truncate and time transforms', () => {
  it('truncates with floor semantics', () => {
    expect(apply('truncate[10]', 'int', 1)).toBe(0);
    expect(apply('truncate[10]', 'int', -1)).toBe(-10);
    expect(apply('truncate[10]', 'long', 123)).toBe(120n);
    expect(apply('truncate[10]', 'long', -1)).toBe(-10n);
    expect(apply('truncate[50]', 'decimal(9,2)', '10.65')).toBe(1050n);
    expect(apply('truncate[3]', 'string', 'iceberg')).toBe('ice');
    expect(apply('truncate[2]', 'string', '😀😀😀')).toBe('😀😀');
    expect(apply('truncate[2]', 'binary', { kind: 'bytes', hex: '010203' })).toEqual(Uint8Array.from([1, 2]));
  });

  it('computes year, month, day, hour from the epoch (floor for pre-1970)', () => {
    expect(apply('year', 'date', '2017-11-16')).toBe(47);
    expect(apply('month', 'date', '2017-11-16')).toBe(574);
    expect(apply('day', 'date', '2017-11-16')).toBe(17486);
    expect(apply('year', 'timestamp', '2017-11-16T22:31:08')).toBe(47);
    expect(apply('month', 'timestamptz', '2017-11-16T22:31:08Z')).toBe(574);
    expect(apply('day', 'timestamp', '2017-11-16T22:31:08')).toBe(17486);
    expect(apply('hour', 'timestamp', '2017-11-16T22:31:08')).toBe(419686);
    expect(apply('hour', 'timestamp_ns', '2017-11-16T22:31:08')).toBe(419686);
    expect(apply('day', 'timestamp', '1969-12-31T23:59:59.999999')).toBe(-1);
    expect(apply('hour', 'timestamp', '1969-12-31T23:59:59')).toBe(-1);
    expect(apply('month', 'date', '1969-12-31')).toBe(-1);
    expect(apply('year', 'date', '1969-01-01')).toBe(-1);
    expect(applyTransform(parseTransform('void'), T('int'), 5)).toBeNull();
    expect(applyTransform(parseTransform('bucket[4]'), T('int'), null)).toBeNull();
  });

  it('knows which transforms apply to which types', () => {
    expect(canApply(parseTransform('bucket[4]'), T('double'))).toBe(false);
    expect(canApply(parseTransform('truncate[4]'), T('date'))).toBe(false);
    expect(canApply(parseTransform('hour'), T('date'))).toBe(false);
    expect(canApply(parseTransform('day'), T('timestamptz_ns'))).toBe(true);
    expect(parseTransform('zorder').kind).toBe('unknown');
    expect(parseTransform('bucket[0]').kind).toBe('unknown');
  });
});
