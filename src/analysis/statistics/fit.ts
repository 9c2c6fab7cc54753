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
