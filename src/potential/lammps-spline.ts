/**
 * LAMMPS `pair_style eam*` interpolation of tabulated functions on a uniform
 * grid (PairEAM::interpolate and the evaluation in PairEAM::compute), written
 * anew in TypeScript with the same arithmetic, in the same order, so that
 * values agree with LAMMPS to the last bits.
 *
 * Grid: f_m = f((m-1) delta), m = 1..n (1-based like LAMMPS). Each interval m
 * carries 7 coefficients c0..c6 (flat array, index 7 m + c, m = 0 unused):
 *   c6 = f_m
 *   c5 = slope estimate in grid units: 5-point stencil
 *        ((f_{m-2} - f_{m+2}) + 8 (f_{m+1} - f_{m-1})) / 12 inside,
 *        one-sided / central differences at m = 1, 2, n-1, n
 *   c4 = 3 (f_{m+1} - f_m) - 2 c5_m - c5_{m+1}
 *   c3 = c5_m + c5_{m+1} - 2 (f_{m+1} - f_m)          (c3 = c4 = 0 at m = n)
 *   c2 = c5/delta, c1 = 2 c4/delta, c0 = 3 c3/delta
 * Within interval m at fractional position p in [0, 1]:
 *   f   = ((c3 p + c4) p + c5) p + c6            (a cubic Hermite piece)
 *   f'  = (c0 p + c1) p + c2                     (per unit of the argument)
 *   f'' = (2 c0 p + c1) / delta
 *   f'''= 2 c0 / delta^2                         (piecewise constant; jumps at grid points)
 * f and f' are continuous at grid points; f'' and f''' are not.
 */

/** Spline coefficients of one tabulated function. */
export interface LammpsSpline {
  /** number of grid points */
  readonly n: number;
  /** grid spacing */
  readonly delta: number;
  /** 7*(n+1) coefficients, index 7*m + c, m = 1..n */
  readonly coeff: Float64Array;
}

/** Build LAMMPS's spline coefficients from tabulated values f[0..n-1] = f((m-1) delta). */
export function lammpsSpline(values: ArrayLike<number>, delta: number): LammpsSpline {
  const n = values.length;
  if (n < 5) throw new Error(`LAMMPS spline needs at least 5 grid points, got ${n}`);
  if (!(delta > 0)) throw new Error(`LAMMPS spline needs a positive grid spacing, got ${delta}`);
  const c = new Float64Array(7 * (n + 1));
  const f = (m: number) => c[7 * m + 6];
  for (let m = 1; m <= n; m++) c[7 * m + 6] = values[m - 1];
  c[7 * 1 + 5] = f(2) - f(1);
  c[7 * 2 + 5] = 0.5 * (f(3) - f(1));
  c[7 * (n - 1) + 5] = 0.5 * (f(n) - f(n - 2));
  c[7 * n + 5] = f(n) - f(n - 1);
  for (let m = 3; m <= n - 2; m++) {
    c[7 * m + 5] = ((f(m - 2) - f(m + 2)) + 8.0 * (f(m + 1) - f(m - 1))) / 12.0;
  }
  for (let m = 1; m <= n - 1; m++) {
    const s5 = c[7 * m + 5], s5n = c[7 * (m + 1) + 5], df = f(m + 1) - f(m);
    c[7 * m + 4] = 3.0 * df - 2.0 * s5 - s5n;
    c[7 * m + 3] = s5 + s5n - 2.0 * df;
  }
  c[7 * n + 4] = 0.0;
  c[7 * n + 3] = 0.0;
  for (let m = 1; m <= n; m++) {
    c[7 * m + 2] = c[7 * m + 5] / delta;
    c[7 * m + 1] = 2.0 * c[7 * m + 4] / delta;
    c[7 * m + 0] = 3.0 * c[7 * m + 3] / delta;
  }
  return { n, delta, coeff: c };
}

/**
 * Evaluate a spline piece the way LAMMPS does: p = x*rdelta + 1, m = int(p)
 * clamped to [mlo, n-1], p -= m, p = min(p, 1). Writes f, f', f'', f''' to
 * out[0..3]. When p was clamped at 1 (x beyond the last grid point) LAMMPS
 * returns the end value and the end slope of the last cubic; f'' and f''' are
 * then reported as 0 (derivatives of that constant slope). `mlo` is 1 for the
 * embedding function (LAMMPS: m = MAX(1, MIN(m, nrho-1)), so negative rho
 * extrapolates the first cubic) and 0 for r-functions (r >= 0 gives m >= 1).
 */
export function evalLammpsSpline(s: LammpsSpline, rdelta: number, x: number, mlo: number, out: Float64Array): void {
  let p = x * rdelta + 1.0;
  let m = Math.trunc(p);
  if (m > s.n - 1) m = s.n - 1;
  if (m < mlo) m = mlo;
  p -= m;
  const c = s.coeff, k = 7 * m;
  if (p > 1.0) {
    out[0] = ((c[k + 3] + c[k + 4]) + c[k + 5]) + c[k + 6];
    out[1] = (c[k] + c[k + 1]) + c[k + 2];
    out[2] = 0;
    out[3] = 0;
    return;
  }
  out[0] = ((c[k + 3] * p + c[k + 4]) * p + c[k + 5]) * p + c[k + 6];
  out[1] = (c[k] * p + c[k + 1]) * p + c[k + 2];
  out[2] = (2.0 * c[k] * p + c[k + 1]) * rdelta;
  out[3] = 2.0 * c[k] * rdelta * rdelta;
}
