/**
 * Text of Iceberg temporal values: dates `YYYY-MM-DD`, times `HH:MM:SS.ffffff` and ISO-8601
 * timestamps, computed with integer calendar arithmetic so that every representable value (far
 * outside `Date`'s range too) formats exactly.
 */
import { civilFromDays } from '../metadata/civil-date.ts';

const MICROS_PER_DAY = 86_400_000_000;
const NANOS_PER_DAY = 86_400_000_000_000n;

const TWO_DIGITS: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function pad2(n: number): string {
  return n < 100 ? TWO_DIGITS[n] : String(n);
}

function padN(n: number, width: number): string {
  if (width === 6 && n < 1_000_000) return String(n + 1_000_000).slice(1);
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** ISO-8601 year text: four digits for 0..9999, else a sign and at least four digits. */
function yearText(year: number): string {
  if (year >= 0 && year <= 9999) return padN(year, 4);
  return (year < 0 ? '-' : '+') + padN(Math.abs(year), 4);
}

/**
 * `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian calendar), using the
 * days-to-civil algorithm (era of 400 years = 146097 days).
 */
export function formatEpochDay(epochDay: number): string {
  // Consecutive values usually share a day: remember the last one.
  if (epochDay === lastDay) return lastDayText;
  lastDayText = civilText(epochDay);
  lastDay = epochDay;
  return lastDayText;
}

let lastDay = Number.NaN;
let lastDayText = '';

function civilText(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  return `${yearText(year)}-${pad2(month)}-${pad2(day)}`;
}

/** `HH:MM:SS` plus a fraction of `digits` digits, from a time of day in sub-second `units`. */
function clockText(secondsOfDay: number, fraction: number, digits: number): string {
  const h = Math.floor(secondsOfDay / 3600);
  const m = Math.floor((secondsOfDay % 3600) / 60);
  const s = secondsOfDay % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}.${padN(fraction, digits)}`;
}

/** `HH:MM:SS.ffffff` of microseconds since midnight. */
export function formatTimeMicros(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return clockText(seconds, micros - seconds * 1_000_000, 6);
}

/** `HH:MM:SS.fffffffff` of nanoseconds since midnight. */
export function formatTimeNanos(nanos: bigint): string {
  const seconds = Number(nanos / 1_000_000_000n);
  return clockText(seconds, Number(nanos % 1_000_000_000n), 9);
}

/** ISO-8601 `YYYY-MM-DDTHH:MM:SS.ffffff` of microseconds since the epoch, `Z` appended when `utc`. */
export function formatTimestampMicros(micros: bigint | number, utc: boolean): string {
  let days: number;
  let micro: number;
  const n = Number(micros);
  if (Number.isSafeInteger(n)) {
    days = Math.floor(n / MICROS_PER_DAY);
    micro = n - days * MICROS_PER_DAY;
  } else {
    const big = BigInt(micros);
    const perDay = BigInt(MICROS_PER_DAY);
    let d = big / perDay;
    let r = big % perDay;
    if (r < 0n) {
      d -= 1n;
      r += perDay;
    }
    days = Number(d);
    micro = Number(r);
  }
  const seconds = Math.floor(micro / 1_000_000);
  const text = `${formatEpochDay(days)}T${clockText(seconds, micro - seconds * 1_000_000, 6)}`;
  return utc ? `${text}Z` : text;
}

/** ISO-8601 with nanoseconds (`.fffffffff`) of nanoseconds since the epoch, `Z` appended when `utc`. */
export function formatTimestampNanos(nanos: bigint, utc: boolean): string {
  let d = nanos / NANOS_PER_DAY;
  let r = nanos % NANOS_PER_DAY;
  if (r < 0n) {
    d -= 1n;
    r += NANOS_PER_DAY;
  }
  const seconds = Number(r / 1_000_000_000n);
  const fraction = Number(r % 1_000_000_000n);
  const text = `${formatEpochDay(Number(d))}T${clockText(seconds, fraction, 9)}`;
  return utc ? `${text}Z` : text;
}
