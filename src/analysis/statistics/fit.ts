/**
 * Straight-line fits: ordinary and weighted least squares with standard
 * errors, and the slope of a power law on log-log axes (a VDOS's
 * D(omega) ~ omega^slope at low frequency).
 */

export interface LinearFit {
  intercept: number;
  slope: number;
  /** standard errors (from the residual variance; 0 with 2 points) */
  interceptError: number;
  slopeError: number;
  /** coefficient of determination */
  r2: number;
  points: number;
}

/** Ordinary least squares y = intercept + slope x, with standard errors. */
export function linearLeastSquares(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const n = x.length;
  if (n !== y.length) throw new Error(`linearLeastSquares: ${n} x values but ${y.length} y values`);
  if (n < 2) throw new Error(`linearLeastSquares: need at least 2 points, got ${n}`);
  let mx = 0, my = 0;
  for (let k = 0; k < n; k++) { mx += x[k]; my += y[k]; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let k = 0; k < n; k++) { const dx = x[k] - mx, dy = y[k] - my; sxx += dx * dx; sxy += dx * dy; syy += dy * dy; }
  if (!(sxx > 0)) throw new Error('linearLeastSquares: all x values are equal; a line needs at least two distinct x');
  const slope = sxy / sxx, intercept = my - slope * mx;
  let sse = 0;
  for (let k = 0; k < n; k++) { const e = y[k] - intercept - slope * x[k]; sse += e * e; }
  const s2 = n > 2 ? sse / (n - 2) : 0;
  let sumx2 = 0;
  for (let k = 0; k < n; k++) sumx2 += x[k] * x[k];
  return {
    intercept, slope,
    slopeError: Math.sqrt(s2 / sxx), interceptError: Math.sqrt((s2 * sumx2) / (n * sxx)),
    r2: syy > 0 ? 1 - sse / syy : 1, points: n,
  };
}

/**
 * Weighted least squares y = intercept + slope x with known standard errors
 * sigma of the y values (weights 1/sigma^2); the errors of the coefficients
 * follow from the sigmas alone (Numerical Recipes, Sec. 15.2), so they are
 * defined with two points too. r2 is the weighted coefficient of determination.
 */
export function weightedLinearFit(x: ArrayLike<number>, y: ArrayLike<number>, sigma: ArrayLike<number>): LinearFit {
  const n = x.length;
  if (n !== y.length || n !== sigma.length) throw new Error(`weightedLinearFit: ${n} x values, ${y.length} y values and ${sigma.length} errors; give one of each per point`);
  if (n < 2) throw new Error(`weightedLinearFit: need at least 2 points, got ${n}`);
  let S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (let k = 0; k < n; k++) {
    if (!(sigma[k] > 0)) throw new Error(`weightedLinearFit: error ${k} is ${sigma[k]}; errors must be positive`);
    const w = 1 / (sigma[k] * sigma[k]);
    S += w; Sx += w * x[k]; Sy += w * y[k]; Sxx += w * x[k] * x[k]; Sxy += w * x[k] * y[k];
  }
  const D = S * Sxx - Sx * Sx;
  if (!(D > 0)) throw new Error('weightedLinearFit: all x values are equal; a line needs at least two distinct x');
  const intercept = (Sxx * Sy - Sx * Sxy) / D, slope = (S * Sxy - Sx * Sy) / D;
  const my = Sy / S;
  let sse = 0, sst = 0;
  for (let k = 0; k < n; k++) {
    const w = 1 / (sigma[k] * sigma[k]);
    sse += w * (y[k] - intercept - slope * x[k]) ** 2; sst += w * (y[k] - my) ** 2;
  }
  return { intercept, slope, interceptError: Math.sqrt(Sxx / D), slopeError: Math.sqrt(S / D), r2: sst > 0 ? 1 - sse / sst : 1, points: n };
}

/**
 * Power-law exponent: least squares of ln y on ln x over the points with
 * xmin <= x < xmax and y > 0 finite (the rest are skipped). `slope` is the
 * exponent a of y ~ x^a, with its standard error; `intercept` is ln of the
 * prefactor.
 */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>, opts: { xmin?: number; xmax?: number } = {}): LinearFit {
  if (x.length !== y.length) throw new Error(`logLogSlope: ${x.length} x values but ${y.length} y values`);
  const lo = opts.xmin ?? 0, hi = opts.xmax ?? Infinity;
  const lx: number[] = [], ly: number[] = [];
  for (let k = 0; k < x.length; k++) {
    if (!(x[k] > 0 && x[k] >= lo && x[k] < hi && y[k] > 0 && Number.isFinite(y[k]))) continue;
    lx.push(Math.log(x[k])); ly.push(Math.log(y[k]));
  }
  if (lx.length < 2) throw new Error(`logLogSlope: ${lx.length} positive point(s) in [${lo}, ${hi}); a slope needs at least 2`);
  return linearLeastSquares(lx, ly);
}

/** The exponent of a power-law density fitted in a window of its values. */
export interface PowerLawWindowFit {
  /** b in p(x) ~ x^b on [lo, hi] (a D(omega) ~ omega^4 gives 4, a tail p(E) ~ E^-9/4 gives -2.25) */
  exponent: number;
  /** asymptotic standard error 1 / sqrt(n Var(ln x)) at the fitted exponent (Fisher information) */
  error: number;
  /** values in the window */
  n: number;
  lo: number;
  hi: number;
}

/** Mean and variance of v in [0, L] with density ~ exp(c v) (the log of a power law x^(c - 1) in a window of log-width L). */
function truncatedExpMoments(c: number, L: number): { mean: number; variance: number } {
  const z = c * L;
  if (Math.abs(z) < 1e-6) return { mean: L / 2 + (c * L * L) / 12, variance: (L * L) / 12 };
  const mean = c > 0 ? L / -Math.expm1(-z) - 1 / c : L - (L / -Math.expm1(z) + 1 / c);
  const s = Math.sinh(z / 2);
  return { mean, variance: 1 / (c * c) - (L * L) / (4 * s * s) };
}

/**
 * Maximum-likelihood exponent b of a power-law density p(x) ~ x^b of the
 * values in the window [lo, hi] (the others are left out), with lo = 0
 * or hi = Infinity allowed when the power law is normalisable there.
 * With v = ln(x / lo) (or ln(hi / x) when lo = 0) the density of v is a
 * truncated exponential, so the MLE sets its mean equal to the sample
 * mean of v (solved by bisection); without the upper cut this is the Hill
 * estimator b = -1 - n / sum ln(x / lo) (Clauset, Shalizi & Newman, SIAM
 * Rev. 51, 661 (2009), Eq. 3.1), without the lower cut b = -1 + n /
 * sum ln(hi / x). A window with both ends finite fits the local slope of a
 * density that is not a power law everywhere (a cut-off tail, a DOS that
 * bends over). The error is 1 / sqrt(n Var(v)), the inverse Fisher
 * information; values must be positive.
 */
export function powerLawWindowFit(values: ArrayLike<number>, window: { lo?: number; hi?: number }): PowerLawWindowFit {
  const lo = window.lo ?? 0, hi = window.hi ?? Infinity;
  if (!(lo >= 0 && hi > lo) || (lo === 0 && hi === Infinity)) {
    throw new Error(`powerLawWindowFit: the window [${lo}, ${hi}] needs 0 <= lo < hi and at least one finite positive end`);
  }
  const fromTop = lo === 0; // v = ln(hi / x), density ~ exp(-(b + 1) v)
  let n = 0, s = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k];
    if (!(x > 0 && x >= lo && x <= hi)) continue;
    n++; s += fromTop ? Math.log(hi / x) : Math.log(x / lo);
  }
  if (n < 2 || !(s > 0)) throw new Error(`powerLawWindowFit: ${n} value(s) in [${lo}, ${hi}]; a fit needs at least 2 distinct ones`);
  const m = s / n;
  // c = b + 1 (from lo) or -(b + 1) (from hi): the rate of the exponential density of v
  let c: number;
  if (hi === Infinity || lo === 0) c = -1 / m;
  else {
    const L = Math.log(hi / lo);
    let a = -1, b = 1;
    while (truncatedExpMoments(a, L).mean > m && a > -1e9) a *= 2;
    while (truncatedExpMoments(b, L).mean < m && b < 1e9) b *= 2;
    for (let it = 0; it < 200; it++) { const mid = 0.5 * (a + b); if (truncatedExpMoments(mid, L).mean < m) a = mid; else b = mid; }
    c = 0.5 * (a + b);
  }
  const variance = hi === Infinity || lo === 0 ? 1 / (c * c) : truncatedExpMoments(c, Math.log(hi / lo)).variance;
  return { exponent: fromTop ? -c - 1 : c - 1, error: 1 / Math.sqrt(n * variance), n, lo, hi };
}
