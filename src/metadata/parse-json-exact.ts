/**
 * JSON parsing that keeps integers beyond ±2^53 exact: such literals become decimal strings
 * before `JSON.parse` sees them (snapshot ids written by Java are often above 2^53).
 */

/**
 * Parses JSON text like `JSON.parse`, except that every integer literal outside the safe range
 * (|n| > 2^53 - 1) is returned as its decimal string. Safe integers and all other numbers are
 * plain numbers. Throws `SyntaxError` on invalid JSON, as `JSON.parse` does.
 *
 * @param text JSON text.
 * @returns The parsed value.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/**
 * Rewrites `text` so that unsafe integer literals are quoted. Works on the token level: it skips
 * string literals (with escapes) and only touches number tokens made of digits alone.
 */
function quoteUnsafeIntegers(text: string): string {
  let out: string[] | undefined;
  let last = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      if (c === 0x2d) i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      let integral = true;
      while (i < n && isNumberChar(text.charCodeAt(i))) {
        integral = false;
        i++;
      }
      const digits = i - start - (c === 0x2d ? 1 : 0);
      if (integral && digits >= 16) {
        const literal = text.slice(start, i);
        if (!Number.isSafeInteger(Number(literal))) {
          out ??= [];
          out.push(text.slice(last, start), '"', literal, '"');
          last = i;
        }
      }
      continue;
    }
    i++;
  }
  if (out === undefined) return text;
  out.push(text.slice(last));
  return out.join('');
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isNumberChar(c: number): boolean {
  return isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}
