/**
 * Constant comparisons: `1 = 1`, `'a' < 'b'`, `DATE '2024-01-01' = '2024-01-01'` — a comparison
 * of two literals, decided when the filter is parsed (it becomes `alwaysTrue` / `alwaysFalse`).
 */
import type { Literal, LiteralOp } from './expression.ts';
import { convertLiteral, hexToBytes, LiteralError } from './literals.ts';
import { compareBytes, compareStrings, compareValues, primType, type Value } from './types.ts';

/** One side of a constant comparison. */
export interface ConstantOperand {
  readonly value: Literal;
  /**
   * The type named by a typed literal (`date` for `DATE '2024-01-01'`, also `time`, `timestamp`,
   * `timestamptz`, `uuid`); absent for a plain number, string, boolean or `X'hex'`.
   */
  readonly type?: string;
}

/** The comparison operators a constant comparison may use. */
export type ComparisonOp = Extract<LiteralOp, 'eq' | 'notEq' | 'lt' | 'ltEq' | 'gt' | 'gtEq'>;

type Category = 'number' | 'string' | 'boolean' | 'bytes';

const fail = (message: string): never => {
  throw new LiteralError(message);
};

/**
 * Decides `left op right` for two literals.
 *
 * Numbers compare exactly by their decimal text (`1 = 1.0`, `0.1 < 0.10000000000000001`), strings
 * in code-point order, booleans with `false < true`, bytes unsigned lexicographically. A typed
 * literal gives its type to the other side, as a column does (`DATE '2024-01-01' < '2024-02-01'`).
 *
 * @param left The literal left of the operator.
 * @param op The comparison.
 * @param right The literal right of the operator.
 * @returns Whether the comparison holds.
 * @throws LiteralError when the two literals have incompatible types (`1 = 'a'`, `true < 2`,
 *   `DATE '…' = TIME '…'`) or a typed literal's text does not parse as its type.
 */
export function compareConstants(left: ConstantOperand, op: ComparisonOp, right: ConstantOperand): boolean {
  const c = order(left, right);
  switch (op) {
    case 'eq': return c === 0;
    case 'notEq': return c !== 0;
    case 'lt': return c < 0;
    case 'ltEq': return c <= 0;
    case 'gt': return c > 0;
    case 'gtEq': return c >= 0;
  }
}

function order(left: ConstantOperand, right: ConstantOperand): number {
  const typeName = left.type ?? right.type;
  if (typeName !== undefined) {
    if (left.type !== undefined && right.type !== undefined && left.type !== right.type) {
      fail(`cannot compare ${describe(left)} with ${describe(right)}`);
    }
    const type = primType(typeName) ?? fail(`unknown literal type ${typeName}`);
    const convert = (side: ConstantOperand, which: string): Value => {
      try {
        return convertLiteral(side.value, type);
      } catch (error) {
        if (!(error instanceof LiteralError)) throw error;
        return fail(`cannot compare ${describe(left)} with ${describe(right)}: the ${which} side is not a ${typeName} (${error.message})`);
      }
    };
    return compareValues(convert(left, 'left'), convert(right, 'right'));
  }
  const kind = categoryOf(left.value);
  if (kind !== categoryOf(right.value)) fail(`cannot compare ${describe(left)} with ${describe(right)}`);
  switch (kind) {
    case 'number': return compareDecimalText(numberText(left.value), numberText(right.value));
    case 'string': return compareStrings(left.value as string, right.value as string);
    case 'boolean': return Number(left.value) - Number(right.value);
    case 'bytes': return compareBytes(hexOf(left.value), hexOf(right.value));
  }
}

function categoryOf(lit: Literal): Category {
  if (typeof lit === 'number') return 'number';
  if (typeof lit === 'string') return 'string';
  if (typeof lit === 'boolean') return 'boolean';
  return lit.kind === 'number' ? 'number' : 'bytes';
}

function describe(side: ConstantOperand): string {
  const lit = side.value;
  if (side.type !== undefined) return typeof lit === 'string' ? `${side.type.toUpperCase()} '${lit}'` : `${side.type.toUpperCase()} ${JSON.stringify(lit)}`;
  if (typeof lit === 'string') return `string '${lit}'`;
  if (typeof lit === 'number' || typeof lit === 'boolean') return `${typeof lit} ${lit}`;
  return lit.kind === 'number' ? `number ${lit.text}` : `bytes X'${lit.hex}'`;
}

const numberText = (lit: Literal): string => (typeof lit === 'number' ? String(lit) : (lit as { text: string }).text);
const hexOf = (lit: Literal): Uint8Array => hexToBytes((lit as { hex: string }).hex);

interface Decimal {
  /** -1, 0 or 1. */
  readonly sign: number;
  /** Significant digits without leading or trailing zeros ('' for zero). */
  readonly digits: string;
  /** Position of the decimal point relative to the digits: value = 0.digits × 10^magnitude. */
  readonly magnitude: bigint;
}

function decimalOf(text: string): Decimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return fail(`invalid number '${text}'`);
  const fraction = m[3] ?? '';
  const all = `${m[2]}${fraction}`;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '');
  if (digits === '') return { sign: 0, digits, magnitude: 0n };
  // value = all × 10^(exp − fraction.length); dropping `lead` leading zeros keeps it.
  const magnitude = BigInt(all.length - lead) + BigInt(m[4] ?? '0') - BigInt(fraction.length);
  return { sign: m[1] === '-' ? -1 : 1, digits, magnitude };
}

/** Exact order of two decimal texts (any length and exponent, no floating-point rounding). */
function compareDecimalText(a: string, b: string): number {
  const x = decimalOf(a);
  const y = decimalOf(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  let abs: number;
  if (x.magnitude !== y.magnitude) abs = x.magnitude > y.magnitude ? 1 : -1;
  else {
    const n = Math.max(x.digits.length, y.digits.length);
    const dx = x.digits.padEnd(n, '0');
    const dy = y.digits.padEnd(n, '0');
    abs = dx === dy ? 0 : dx > dy ? 1 : -1;
  }
  return x.sign * abs;
}
