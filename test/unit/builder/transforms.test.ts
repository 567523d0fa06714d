/** Table builder: value conversion, single-value serialisations and partition transforms. */
import { describe, expect, it } from 'vitest';
import { applyTransform, bucketHash, transformResultType } from '../../builder/transforms.ts';
import { parseTimestamp, toBinary, toCanonical } from '../../builder/values.ts';
import { toJsonValue } from '../../builder/json-values.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('bucket hash (spec Appendix B test values)', () => {
  const cases: [string, unknown, number][] = [
    ['int', 34, 2017239379],
    ['long', 34n, 2017239379],
    ['decimal(4,2)', '14.20', -500754589],
    ['date', '2017-11-16', -653330422],
    ['time', '22:31:08', -662762989],
    ['timestamp', '2017-11-16T22:31:08', -2047944441],
    ['timestamp', '2017-11-16T22:31:08.000001', -1207196810],
    ['timestamptz', '2017-11-16T14:31:08-08:00', -2047944441],
    ['timestamptz', '2017-11-16T14:31:08.000001-08:00', -1207196810],
    ['timestamp_ns', '2017-11-16T22:31:08.000001001', -1207196810],
    ['string', 'iceberg', 1210000089],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed[4]', Uint8Array.of(0, 1, 2, 3), -188683207],
    ['binary', Uint8Array.of(0, 1, 2, 3), -188683207],
  ];
  it.each(cases)('%s %s', (type, value, expected) => {
    expect(bucketHash(type, toCanonical(type, value))).toBe(expected);
  });

  it('bucket[N] drops the sign bit before the modulo', () => {
    // hash(34) = 2017239379 → 2017239379 % 16 = 3
    expect(applyTransform('bucket[16]', 'int', 34)).toBe(2017239379 % 16);
    // a negative hash still gives a bucket in [0, N)
    expect(applyTransform('bucket[100]', 'string', 'iceberg')).toBe((1210000089 & 0x7fffffff) % 100);
    const neg = applyTransform('bucket[7]', 'date', toCanonical('date', '2017-11-16')) as number;
    expect(neg).toBe((-653330422 & 0x7fffffff) % 7);
  });
});

describe('truncate', () => {
  it('keeps remainders positive for ints, longs and decimals', () => {
    expect(applyTransform('truncate[10]', 'int', 1)).toBe(0);
    expect(applyTransform('truncate[10]', 'int', -1)).toBe(-10);
    expect(applyTransform('truncate[10]', 'long', -1n)).toBe(-10n);
    expect(applyTransform('truncate[50]', 'decimal(9,2)', toCanonical('decimal(9,2)', '10.65'))).toBe(1050n);
  });
  it('truncates strings by code points and binary by bytes', () => {
    expect(applyTransform('truncate[3]', 'string', 'iceberg')).toBe('ice');
    expect(applyTransform('truncate[2]', 'string', '😀😁😂')).toBe('😀😁');
    expect(hex(applyTransform('truncate[3]', 'binary', Uint8Array.of(1, 2, 3, 4, 5)) as Uint8Array)).toBe('010203');
  });
});

describe('time transforms', () => {
  const ts = (s: string) => parseTimestamp(s, false);
  it('counts from the epoch with floor division before 1970', () => {
    expect(applyTransform('year', 'timestamp', ts('2017-11-16T22:31:08'))).toBe(47);
    expect(applyTransform('month', 'timestamp', ts('2017-11-16T22:31:08'))).toBe(47 * 12 + 10);
    expect(applyTransform('day', 'timestamp', ts('2017-11-16T22:31:08'))).toBe(17486);
    expect(applyTransform('hour', 'timestamp', ts('2017-11-16T22:31:08'))).toBe(17486 * 24 + 22);
    expect(applyTransform('day', 'timestamp', ts('1969-12-31T23:59:59'))).toBe(-1);
    expect(applyTransform('hour', 'timestamp', ts('1969-12-31T23:59:59'))).toBe(-1);
    expect(applyTransform('month', 'date', toCanonical('date', '1969-12-31'))).toBe(-1);
    expect(applyTransform('year', 'timestamp_ns', parseTimestamp('1969-06-01T00:00:00', true))).toBe(-1);
  });
  it('gives null for null and for void', () => {
    expect(applyTransform('day', 'timestamp', null)).toBeNull();
    expect(applyTransform('void', 'int', 5)).toBeNull();
  });
  it('has Java result types (day is a date)', () => {
    expect(transformResultType('day', 'timestamptz')).toBe('date');
    expect(transformResultType('hour', 'timestamp')).toBe('int');
    expect(transformResultType('bucket[4]', 'string')).toBe('int');
    expect(transformResultType('truncate[4]', 'string')).toBe('string');
  });
});

describe('single-value serialisation', () => {
  it('binary form follows Appendix D', () => {
    expect(hex(toBinary('int', 1))).toBe('01000000');
    expect(hex(toBinary('long', 1n))).toBe('0100000000000000');
    expect(hex(toBinary('double', 1))).toBe('000000000000f03f');
    expect(hex(toBinary('float', 1))).toBe('0000803f');
    expect(hex(toBinary('boolean', true))).toBe('01');
    expect(hex(toBinary('decimal(9,2)', toCanonical('decimal(9,2)', '14.20')))).toBe('058c');
    expect(hex(toBinary('decimal(9,2)', toCanonical('decimal(9,2)', '-1.28')))).toBe('80');
    expect(hex(toBinary('string', 'é'))).toBe('c3a9');
    expect(hex(toBinary('uuid', toCanonical('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7')))).toBe('f79c3e09677c4bbda4793f349cb785e7');
    expect(hex(toBinary('date', toCanonical('date', '1970-01-02')))).toBe('01000000');
  });
  it('JSON form follows Appendix D with exact longs', () => {
    expect(toJsonValue('timestamptz', toCanonical('timestamptz', '2017-11-16T14:31:08.5-08:00'))).toBe('2017-11-16T22:31:08.500000+00:00');
    expect(toJsonValue('timestamp_ns', toCanonical('timestamp_ns', '1969-12-31T23:59:59.999999999'))).toBe('1969-12-31T23:59:59.999999999');
    expect(toJsonValue('time', toCanonical('time', '22:31:08.123456'))).toBe('22:31:08.123456');
    expect(toJsonValue('decimal(9,2)', toCanonical('decimal(9,2)', '-0.05'))).toBe('-0.05');
    expect(toJsonValue('long', 9007199254740993n)).toBe('9007199254740993');
    expect(toJsonValue('long', 42n)).toBe(42);
    expect(toJsonValue('binary', Uint8Array.of(0, 1, 255))).toBe('0001ff');
    expect(toJsonValue('date', -1)).toBe('1969-12-31');
  });
  it('rejects malformed values with invalid_argument', () => {
    expect(() => toCanonical('int', 2 ** 31)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => toCanonical('decimal(9,2)', '1.234')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => toCanonical('date', '2017/11/16')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
