/**
 * exp, log, sin and cos that give the same bits on every JavaScript engine.
 * `Math.exp` and friends are only required to be "implementation-
 * approximated": Node 20 and Chromium 156 differ in the last bit for every
 * transcendental function (measured on 20000 arguments each, issue [14]),
 * and MD, being chaotic, turns a last-bit difference in the first random
 * velocities into a different trajectory. The MD path (Gaussian velocities,
 * the Nose-Hoover and MTK factors) uses these instead, so a run in the browser kernel and in Node give the same
 * numbers. On Node 20 they give Math's own bits (0 differences on 200000
 * arguments each), so Node's results are those of Math.
 *
 * Not yet portable: `Math.pow`, which the box of `randomConfiguration`
 * takes (L = (N / rho)^(1/d)); Chromium's differs from Node's for ~9% of
 * cube roots (not for N = 500 or 256 at rho = 1.2, the workshop sizes). A
 * port of fdlibm's e_pow.c would close it.
 *
 * Ports of fdlibm 5.3 (Sun Microsystems, 1993: e_exp.c, e_log.c, k_sin.c,
 * k_cos.c, with the argument reduction of e_rem_pio2.c for |x| < 2^20 pi/2),
 * which is what V8 shipped before it changed its Math library: errors below
 * 1 ulp. Only IEEE double arithmetic (+, -, *, /, exact bit moves), which
 * every engine does the same way.
 */

const buf = new DataView(new ArrayBuffer(8));
const hiWord = (x: number) => { buf.setFloat64(0, x); return buf.getInt32(0); };
const loWord = (x: number) => { buf.setFloat64(0, x); return buf.getUint32(4); };
const fromWords = (hi: number, lo: number) => { buf.setInt32(0, hi); buf.setUint32(4, lo); return buf.getFloat64(0); };
const setHi = (x: number, hi: number) => fromWords(hi, loWord(x));

const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10, INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;

/** e^x (fdlibm e_exp.c). */
export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 7.09782712893383973096e+02) return Infinity;
  if (x < -7.45133219101941108420e+02) return 0;
  const hx = hiWord(x) & 0x7fffffff;
  let hi = 0, lo = 0, k = 0;
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) { // |x| < 1.5 ln2
      k = x < 0 ? -1 : 1;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    } else {
      k = Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^-28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) return k > 1023 ? y * 2 * fromWords((k - 1 + 1023) << 20, 0) : setHi(y, hiWord(y) + (k << 20));
  return setHi(y, hiWord(y) + ((k + 1000) << 20)) * fromWords((1023 - 1000) << 20, 0); // times 2^-1000: a subnormal result
}

const LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01, LG7 = 1.479819860511658591e-01;

/** Natural logarithm (fdlibm e_log.c). */
export function log(x: number): number {
  let hx = hiWord(x);
  const lx = loWord(x);
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= 18014398509481984; // 2^54
    hx = hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = setHi(x, hx | (i ^ 0x3ff00000)); // normalise x or x/2
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  let j = hx - 0x6147a;
  const w = z * z;
  const j2 = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  j |= j2;
  const R = t2 + t1;
  if (j > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}

const S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04;
const S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05;
const C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;

/** sin on [-pi/4, pi/4] of x + y, y the tail of x; `iy` 0 where there is no tail (fdlibm k_sin.c). */
function kSin(x: number, y: number, iy: 0 | 1): number {
  const z = x * x, v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** cos on [-pi/4, pi/4] of x + y (fdlibm k_cos.c). */
function kCos(x: number, y: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const hz = 0.5 * z - qx, a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const INV_PIO2 = 6.36619772367581382433e-01;
const PIO2_1 = 1.57079632673412561417e+00, PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.07710050630396597660e-11, PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21, PIO2_3T = 8.47842766036889956997e-32;

/** x = n pi/2 + (y0 + y1), |y0 + y1| <= pi/4 (fdlibm e_rem_pio2.c, its medium-size path). */
function remPio2(x: number): [number, number, number] {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return [0, x, 0];
  if (ix > 0x413921fb) throw new RangeError(`portable sin/cos: |x| = ${Math.abs(x)} is beyond 2^20 pi/2`);
  const n = Math.trunc(Math.abs(x) * INV_PIO2 + 0.5) * (x < 0 ? -1 : 1);
  const fn = n;
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T;
  const j = ix >> 20;
  let y0 = r - w;
  let i = j - ((hiWord(y0) >> 20) & 0x7ff);
  if (i > 16) { // second iteration for cancellation
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - ((t - r) - w);
    y0 = r - w;
    i = j - ((hiWord(y0) >> 20) & 0x7ff);
    if (i > 49) {
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - ((t - r) - w);
      y0 = r - w;
    }
  }
  return [n, y0, (r - y0) - w];
}

/** sin x for |x| < 2^20 pi/2 (fdlibm s_sin.c). */
export function sin(x: number): number {
  if ((hiWord(x) & 0x7fffffff) <= 0x3fe921fb) return kSin(x, 0, 0);
  const [n, y0, y1] = remPio2(x);
  switch (n & 3) {
    case 0: return kSin(y0, y1, 1);
    case 1: return kCos(y0, y1);
    case 2: return -kSin(y0, y1, 1);
    default: return -kCos(y0, y1);
  }
}

/** cos x for |x| < 2^20 pi/2 (fdlibm s_cos.c). */
export function cos(x: number): number {
  const [n, y0, y1] = remPio2(x);
  switch (n & 3) {
    case 0: return kCos(y0, y1);
    case 1: return -kSin(y0, y1, 1);
    case 2: return -kCos(y0, y1);
    default: return kSin(y0, y1, 1);
  }
}
