/**
 * Text of scalar values that JSON has no type for: exact decimals, shortest float32 text,
 * base64 of bytes and canonical UUIDs.
 */

const TWO_32 = 4_294_967_296;

/**
 * The unscaled value of a little-endian two's-complement integer held in `stride` 32-bit words
 * starting at `words[start]` (Arrow's Decimal128/256 layout).
 */
export function decimalUnscaled(words: Uint32Array, start: number, stride: number): bigint | number {
  const lo = words[start];
  const hi = words[start + 1];
  let upperZero = true;
  let upperOnes = true;
  for (let k = 2; k < stride; k++) {
    const w = words[start + k];
    if (w !== 0) upperZero = false;
    if (w !== 0xffffffff) upperOnes = false;
  }
  // Fast paths: the value fits in 53 bits.
  if (upperZero && hi < 0x200000) return hi * TWO_32 + lo;
  if (upperOnes && hi >= 0xffe00000) return (hi - TWO_32) * TWO_32 + lo;
  let v = 0n;
  for (let k = stride - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[start + k]);
  const bits = BigInt(stride * 32);
  if (words[start + stride - 1] & 0x80000000) v -= 1n << bits;
  return v;
}

/** `unscaled × 10^-scale` as exact decimal text with exactly `scale` fraction digits (`"14.20"`). */
export function decimalText(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  } else if (scale < 0 && digits !== '0') {
    digits += '0'.repeat(-scale);
  }
  return negative ? `-${digits}` : digits;
}

/**
 * The shortest decimal text that reads back as the same float32 (so `0.1f` prints `0.1`, not
 * `0.10000000149011612`). Non-finite values give `NaN`, `Infinity`, `-Infinity`.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value) || (Number.isInteger(value) && Math.abs(value) <= 16_777_216)) return String(value);
  for (let p = 1; p < 9; p++) {
    const candidate = Number(value.toPrecision(p));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  return String(Number(value.toPrecision(9)));
}

/** Standard base64 (with padding) of bytes. */
export function base64Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Canonical lower-case `8-4-4-4-12` text of 16 big-endian UUID bytes at `bytes[start]`. */
export function uuidText(bytes: Uint8Array, start = 0): string {
  let s = '';
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) s += '-';
    s += HEX[bytes[start + k]];
  }
  return s;
}
