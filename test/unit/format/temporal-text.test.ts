import { describe, expect, it } from 'vitest';
import { formatEpochDay, formatTimestampMicros, formatTimestampNanos } from '../../../src/format/temporal-text.ts';

describe('temporal text', () => {
  it('agrees with Date for every day across four centuries', () => {
    for (let day = -80_000; day < 80_000; day += 37) {
      expect(formatEpochDay(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('agrees with Date for timestamps, down to the millisecond', () => {
    for (const ms of [0, 1, -1, 951_782_400_000, -2_208_988_800_001, 4_102_444_800_123]) {
      const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
      expect(formatTimestampMicros(BigInt(ms) * 1000n, true)).toBe(`${iso.slice(0, 23)}000Z`);
      expect(formatTimestampNanos(BigInt(ms) * 1_000_000n, false)).toBe(`${iso.slice(0, 23)}000000`);
    }
  });

  it('formats longs beyond ±2^53 microseconds through BigInt', () => {
    expect(formatTimestampMicros(-9_223_372_036_854_775_808n, false)).toBe('-290308-12-21T19:59:05.224192');
    expect(formatTimestampMicros(9_223_372_036_854_775_807n, true)).toBe('+294247-01-10T04:00:54.775807Z');
  });
});
