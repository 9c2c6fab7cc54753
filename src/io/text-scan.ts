/**
 * Fast scanning of whitespace-separated numeric text, shared by the LAMMPS
 * dump, data and extended-XYZ readers.
 *
 * Numbers are parsed straight from a string between two indices, without
 * splitting the line. The result is always the correctly rounded IEEE-754
 * double of the decimal text:
 * - up to 15 significant digits with a decimal exponent within +-22: Clinger's
 *   exact fast path (W. D. Clinger, "How to read floating point numbers
 *   accurately", PLDI 1990: an integer below 2^53 times or divided by an
 *   exactly representable power of ten is one correctly rounded operation);
 * - 16 to 19 digits (the 17 that `%.17g` / String(x) need to round-trip a
 *   double) with exponent in -22..0: an exact double-double remainder
 *   correction (see divideExact), falling back when undecidable;
 * - anything else: the engine's own correctly rounded `Number()`.
 */

const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Character codes used by the scanners. */
const SPACE = 32, TAB = 9, CR = 13;

/**
 * Where the last {@link parseFieldAt} / {@link parseNumber} call found its
 * field: `start` (first character) and `end` (one past the last).
 */
export const cursor = { start: 0, end: 0 };

/**
 * Parse the number written in `s[a..b)`. Returns NaN when the text is not a
 * number; callers that must tell a literal `nan` from garbage use
 * {@link isNanLiteral}. Accepts the spellings LAMMPS and C printf produce:
 * `1`, `-1.5`, `.5`, `1.`, `2.5e-3`, `1E+10`, `inf`, `-inf`, `nan`, `-nan`.
 */
export function parseNumber(s: string, a: number, b: number): number {
  const v = parsePrefix(s, a, b);
  return cursor.end === b ? v : slowParse(s, a, b);
}

/**
 * Parse the blank-delimited field that starts at or after `i` and ends
 * before `lineEnd`; sets `cursor.start`/`cursor.end` to its extent.
 * No field left: returns NaN with cursor.start === lineEnd.
 */
export function parseFieldAt(s: string, i: number, lineEnd: number): number {
  let c = s.charCodeAt(i);
  while (i < lineEnd && (c === SPACE || c === TAB || c === CR)) c = s.charCodeAt(++i);
  cursor.start = i;
  if (i >= lineEnd) {
    cursor.end = i;
    return NaN;
  }
  const v = parsePrefix(s, i, lineEnd);
  let j = cursor.end;
  c = s.charCodeAt(j);
  if (j < lineEnd && c !== SPACE && c !== TAB && c !== CR) {
    // the field goes on past the numeric syntax (nan, inf, garbage): take it whole
    while (j < lineEnd && c !== SPACE && c !== TAB && c !== CR) c = s.charCodeAt(++j);
    cursor.start = i;
    cursor.end = j;
    return slowParse(s, i, j);
  }
  cursor.start = i;
  return v;
}

/**
 * Parse the longest numeric prefix of s[a..b) (sign, digits, point,
 * exponent); cursor.end is set to where it stops. NaN if it holds no digit.
 */
function parsePrefix(s: string, a: number, b: number): number {
  let i = a;
  let c = s.charCodeAt(i);
  let neg = false;
  if (c === 45 /* - */) { neg = true; c = s.charCodeAt(++i); } else if (c === 43 /* + */) c = s.charCodeAt(++i);
  // significand = hi * 10^nlo + lo, hi holding the first 15 significant digits
  let hi = 0, lo = 0, nsig = 0, nlo = 0, ndig = 0, exp = 0;
  let tooLong = false;
  let afterPoint = false;
  for (;;) {
    if (i < b && c >= 48 && c <= 57) {
      const d = c - 48;
      ndig++;
      if (nsig < 15) {
        hi = hi * 10 + d;
        if (hi !== 0) nsig++;
        if (afterPoint) exp--;
      } else if (nlo < 4) {
        lo = lo * 10 + d;
        nlo++;
        if (afterPoint) exp--;
      } else {
        tooLong = true;
      }
      c = s.charCodeAt(++i);
    } else if (i < b && c === 46 /* . */ && !afterPoint) {
      afterPoint = true;
      c = s.charCodeAt(++i);
    } else {
      break;
    }
  }
  if (ndig > 0 && i < b && (c === 101 || c === 69) /* e E */) {
    let j = i + 1;
    c = s.charCodeAt(j);
    let eneg = false;
    if (c === 45) { eneg = true; c = s.charCodeAt(++j); } else if (c === 43) c = s.charCodeAt(++j);
    const j0 = j;
    let e = 0;
    while (j < b && c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      c = s.charCodeAt(++j);
    }
    if (j === j0) {
      cursor.end = i;
      return NaN;
    }
    i = j;
    exp += eneg ? -e : e;
  }
  cursor.end = i;
  if (ndig === 0) return NaN;
  if (tooLong) return slowParse(s, a, i);
  let v: number;
  if (nlo === 0) {
    // Clinger's fast path: hi < 10^15 and 10^|exp| are exact doubles, one rounding
    if (exp < -22 || exp > 22) return slowParse(s, a, i);
    v = exp < 0 ? hi / POW10[-exp] : hi * POW10[exp];
  } else {
    if (exp > 0 || exp < -22) return slowParse(s, a, i);
    v = divideExact(hi, lo, nlo, -exp);
    if (v !== v) return slowParse(s, a, i);
  }
  return neg ? -v : v;
}

const SPLIT = 134217729; // 2^27 + 1 (Dekker's splitter)

/** Rounding error of p = fl(a*b): a*b = p + err exactly (Dekker 1971, TwoProduct). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * Correctly rounded (hi * 10^nlo + lo) / 10^k for 16-19 significant digits
 * (hi < 10^15, nlo <= 4, k <= 22), or NaN when the answer lies too close to
 * a rounding boundary to decide here. The significand is formed exactly as
 * a double-double, q = fl(M / D) is corrected by the remainder
 * c = (M - q D) / D computed with error-free transformations (error about
 * 2^-50 ulp); q + c then rounds the same way as the exact value unless c is
 * within 1e-9 ulp of a midpoint between doubles (then NaN -> slow path).
 */
function divideExact(hi: number, lo: number, nlo: number, k: number): number {
  const P = POW10[nlo];
  const p = hi * P;
  const perr = twoProductError(hi, P, p);
  const sh = p + lo;
  const bb = sh - p;
  const sl = (p - (sh - bb)) + (lo - bb) + perr; // M = sh + sl
  const D = POW10[k];
  const q = sh / D;
  const ph = q * D;
  const pl = twoProductError(q, D, ph);
  const c = ((sh - ph) - pl + sl) / D;
  F64[0] = q;
  const hiWord = U32[1];
  const ebits = (hiWord >>> 20) & 0x7ff;
  if (ebits < 60 || ebits > 2000) return NaN;
  const pow2 = (hiWord & 0xfffff) === 0 && U32[0] === 0;
  U32[1] = (ebits - 52) << 20;
  U32[0] = 0;
  const u = F64[0]; // ulp(q)
  const tol = u * 1e-9;
  const half = 0.5 * u;
  if (Math.abs(c - half) < tol || Math.abs(c + (pow2 ? 0.25 * u : half)) < tol || Math.abs(c) > 0.6 * u) return NaN;
  return q + c;
}

function slowParse(s: string, a: number, b: number): number {
  const t = s.slice(a, b);
  const v = Number(t);
  if (v === v) return t.length > 0 ? v : NaN;
  // C spellings of infinity that Number() does not know
  const low = t.toLowerCase();
  if (low === 'inf' || low === '+inf' || low === 'infinity' || low === '+infinity') return Infinity;
  if (low === '-inf' || low === '-infinity') return -Infinity;
  return NaN;
}

/** True when `s[a..b)` spells a NaN the way C printf does (`nan`, `-nan`, `nan(...)`). */
export function isNanLiteral(s: string, a: number, b: number): boolean {
  return /^[+-]?nan/i.test(s.slice(a, Math.min(b, a + 8)));
}

/** Whitespace-separated tokens of a (short, header) line. */
export function tokens(line: string): string[] {
  const t = line.trim();
  return t.length === 0 ? [] : t.split(/\s+/);
}

/** The location prefix used in every reader error: `file:line`. */
export function where(file: string, line: number): string {
  return `${file}:${line}`;
}
