/**
 * An avsc `long` type that keeps every 64-bit value exact: decodes to `bigint`, and encodes a
 * `bigint` or a safe-integer `number` (avsc's own long refuses values beyond 2^53).
 */
import avro from 'avsc';

/** avsc long type decoding to exact bigints; pass it as `registry: { long: BigIntLongType }`. */
export const BigIntLongType = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer): bigint => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number): Buffer => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (v: unknown): bigint => BigInt(v as number),
  toJSON: (n: bigint): unknown => Number(n),
  isValid: (n: unknown): boolean => typeof n === 'bigint' || (typeof n === 'number' && Number.isSafeInteger(n)),
  compare: (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0),
});
