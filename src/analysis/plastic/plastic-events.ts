/**
 * Plastic events of athermal quasistatic (AQS) simple shear: detection,
 * location and the D2min field.
 *
 * Zylberg, Lerner, Bar-Sinai & Bouchbinder, PNAS 114, 7289 (2017), apply
 * "global quasistatic shear deformation in a certain direction under athermal
 * conditions" and measure "the locations of the first few discrete
 * irreversible plastic rearrangements". Their SI (the exact protocol) is not
 * among the paper texts we work from, so the choices here follow the standard AQS practice
 * of that group (Maloney & Lemaitre, PRE 74, 016118 (2006), their ref. 46)
 * and are stated where they are made:
 *
 * - Detection (`isPlasticStep`): between two consecutive minima at strains
 *   gamma_k and gamma_k+1 = gamma_k + dgamma, an event is a stress drop,
 *   sigma_k - sigma_k+1 > minStressDrop, whose largest non-affine
 *   displacement exceeds minDisplacement. A purely elastic step raises the
 *   stress (sigma_k+1 - sigma_k ~ mu dgamma > 0); just before a saddle-node
 *   instability the stress can bend down by ~ sqrt(dgamma) with a
 *   displacement ~ sqrt(dgamma) of the softest region, well below the
 *   rearrangement itself (~0.1-1 particle size): the displacement condition
 *   keeps such steps from being counted. Default minDisplacement = 0.05 a,
 *   a = (V/N)^(1/d) the mean interparticle distance.
 * - Irreversibility (done by src/minimize/aqs.ts, option `checkReversibility`):
 *   the configuration after the drop is sheared back by -dgamma and
 *   minimised; the event is irreversible when it does not return to the
 *   configuration before the drop (some particle farther than minDisplacement).
 * - Location (`locatePlasticEvent`): the particle with the largest
 *   non-affine displacement |u_i|, u_i = x_i(gamma_k+1) - F x_i(gamma_k), F
 *   the affine simple shear of the step (minimum image). The D2min field of
 *   Falk & Langer (PRE 57, 7192 (1998), Eq. 2.2) between the same two
 *   configurations is returned with it; its maximum sits at, or next to, the
 *   located particle.
 *
 * Lengths in the model's length unit; D2min in length^2.
 */
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import type { Box } from '../../system/box.ts';
import type { System } from '../../system/system.ts';

/** Fraction of the mean interparticle distance used as the default `minDisplacement`. */
export const PLASTIC_MIN_DISPLACEMENT_FRACTION = 0.05;
/** Default D2min neighbourhood radius in units of the mean interparticle distance (V/N)^(1/d). */
export const D2MIN_CUTOFF_FRACTION = 2.5;

/** Mean interparticle distance a = (V/N)^(1/d) of a configuration (length units). */
export function meanInterparticleDistance(sys: Pick<System, 'n' | 'dim' | 'box'>): number {
  return (sys.box.volume / sys.n) ** (1 / sys.dim);
}

/**
 * The x displacements of the affine simple shear that changes the tilt xy by
 * `deltaXy` at fixed fractional coordinates (LAMMPS `change_box xy delta ...
 * remap`): dx_i = s_y,i deltaXy, s_y,i = (y_i - ylo - yz s_z,i) / ly the
 * fractional y coordinate (s_z,i = (z_i - zlo) / lz). In an orthogonal cell
 * this is dx_i = dgamma (y_i - ylo), dgamma = deltaXy / ly. Written to `out`
 * (length n, a new array when not given).
 */
export function affineShearDisplacement(positions: Float64Array, box: Box, deltaXy: number, out?: Float64Array): Float64Array {
  const d = box.dim, n = positions.length / d;
  const res = out ?? new Float64Array(n);
  const ylo = box.lo[1], ly = box.lengths[1];
  const zlo = d === 3 ? box.lo[2] : 0, lz = d === 3 ? box.lengths[2] : 1, yz = box.yz;
  const k = deltaXy / ly;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const sz = d === 3 ? (positions[o + 2] - zlo) / lz : 0;
    res[i] = k * (positions[o + 1] - ylo - yz * sz);
  }
  return res;
}

/**
 * Tilt change of one shear step from `before` to `after`, a flip of the
 * tilt by a whole box length (LAMMPS flips xy by -lx when it passes lx/2; the
 * lattice of images is the same) removed: deltaXy - lx round(deltaXy / lx).
 * Throws when the two cells differ by more than a tilt.
 */
export function shearTiltChange(before: Box, after: Box): number {
  const d = before.dim;
  if (after.dim !== d) throw new Error('shearTiltChange: the two configurations have different dimensions');
  for (let k = 0; k < d; k++) {
    const scale = Math.max(Math.abs(before.lengths[k]), 1);
    if (Math.abs(before.lengths[k] - after.lengths[k]) > 1e-12 * scale || Math.abs(before.lo[k] - after.lo[k]) > 1e-12 * scale) {
      throw new Error(`plastic events: the cells before and after differ in their ${'xyz'[k]} edge or origin; only a change of the xy tilt (simple shear) is supported`);
    }
  }
  if (before.xz !== after.xz || before.yz !== after.yz) {
    throw new Error('plastic events: the cells before and after differ in the xz or yz tilt; only a change of the xy tilt (simple shear) is supported');
  }
  const lx = before.lengths[0];
  const dxy = after.xy - before.xy;
  return dxy - lx * Math.round(dxy / lx);
}

/**
 * Non-affine displacement of every particle over one shear step:
 * u_i = x_i(after) - (x_i(before) + affine shear of the step), reduced to the
 * minimum image of the `after` cell. Flat n*dim (length units).
 */
export function nonAffineDisplacement(before: System, after: System, out?: Float64Array): Float64Array {
  checkSameAtoms(before, after);
  const d = before.dim, n = before.n;
  const dxy = shearTiltChange(before.box, after.box);
  const ax = affineShearDisplacement(before.positions, before.box, dxy);
  const u = out ?? new Float64Array(n * d);
  const xb = before.positions, xa = after.positions, box = after.box;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    u[o] = xa[o] - xb[o] - ax[i];
    for (let k = 1; k < d; k++) u[o + k] = xa[o + k] - xb[o + k];
    box.minimumImage(u, o);
  }
  return u;
}

/** Index of the particle with the largest |u_i| and that norm. */
export function largestDisplacement(u: Float64Array, dim: number): { atom: number; norm: number } {
  let best = -1, m2 = -1;
  for (let o = 0, i = 0; o < u.length; o += dim, i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += u[o + k] * u[o + k];
    if (s > m2) { m2 = s; best = i; }
  }
  return { atom: best, norm: Math.sqrt(Math.max(m2, 0)) };
}

export interface D2minOptions {
  /** neighbourhood radius in the `before` configuration (length units); default 2.5 (V/N)^(1/d) */
  cutoff?: number;
}

/**
 * D2min of Falk & Langer (PRE 57, 7192 (1998), Eq. 2.2) for every particle i
 * between a reference configuration (`before`) and a deformed one (`after`):
 *
 *   D2min_i = min_J sum_{j in N(i)} | d_ij(after) - J d_ij(before) |^2,
 *
 * d_ij = x_j - x_i (minimum image in each configuration's own cell), N(i)
 * the particles within `cutoff` of i in `before`. The minimising
 * J = X Y^-1 with X = sum_j d_ij(after) (x) d_ij(before) and
 * Y = sum_j d_ij(before) (x) d_ij(before) (their Eqs. 2.3-2.5). A particle
 * with fewer than `dim` neighbours, or all of them on a line (Y singular),
 * gets NaN. Unnormalised, length^2.
 */
export function d2minField(before: System, after: System, opts: D2minOptions = {}): Float64Array {
  checkSameAtoms(before, after);
  const d = before.dim, n = before.n;
  const cutoff = opts.cutoff ?? D2MIN_CUTOFF_FRACTION * meanInterparticleDistance(before);
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new Error(`d2minField: option cutoff must be a positive length, got ${opts.cutoff}`);
  const nl = buildNeighborList(before, { cutoff, skin: 0, kind: 'full' });
  const xb = before.positions, xa = after.positions, bb = before.box, ba = after.box;
  const c2 = cutoff * cutoff;
  const out = new Float64Array(n);
  const d0 = new Float64Array(3), d1 = new Float64Array(3);
  const X = new Float64Array(9), Y = new Float64Array(9), Yi = new Float64Array(9), J = new Float64Array(9);
  // neighbours of i that lie within the cutoff, reused by the second pass
  const rows = new Int32Array(nl.stride);
  for (let i = 0; i < n; i++) {
    X.fill(0); Y.fill(0);
    let m = 0;
    const base = i * nl.stride, cnt = nl.counts[i], oi = i * d;
    for (let q = 0; q < cnt; q++) {
      const j = nl.neighbors[base + q], oj = j * d;
      for (let k = 0; k < d; k++) d0[k] = xb[oj + k] - xb[oi + k];
      bb.minimumImage(d0, 0);
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += d0[k] * d0[k];
      if (r2 >= c2) continue;
      rows[m++] = j;
      for (let k = 0; k < d; k++) d1[k] = xa[oj + k] - xa[oi + k];
      ba.minimumImage(d1, 0);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          X[3 * a + b] += d1[a] * d0[b];
          Y[3 * a + b] += d0[a] * d0[b];
        }
      }
    }
    if (!invertSmall(Y, d, Yi)) { out[i] = NaN; continue; }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += X[3 * a + k] * Yi[3 * k + b];
        J[3 * a + b] = s;
      }
    }
    let sum = 0;
    for (let q = 0; q < m; q++) {
      const oj = rows[q] * d;
      for (let k = 0; k < d; k++) { d0[k] = xb[oj + k] - xb[oi + k]; d1[k] = xa[oj + k] - xa[oi + k]; }
      bb.minimumImage(d0, 0);
      ba.minimumImage(d1, 0);
      for (let a = 0; a < d; a++) {
        let r = d1[a];
        for (let b = 0; b < d; b++) r -= J[3 * a + b] * d0[b];
        sum += r * r;
      }
    }
    out[i] = sum;
  }
  return out;
}

/**
 * Inverse of the symmetric positive semi-definite d x d matrix A (row stride
 * 3) into out; false when A is singular relative to its scale.
 */
function invertSmall(A: Float64Array, d: number, out: Float64Array): boolean {
  if (d === 2) {
    const a = A[0], b = A[1], c = A[3], e = A[4];
    const det = a * e - b * c;
    if (!(Math.abs(det) > 1e-12 * (a * e + Math.abs(b * c)))) return false;
    out[0] = e / det; out[1] = -b / det; out[3] = -c / det; out[4] = a / det;
    return true;
  }
  const a = A[0], b = A[1], c = A[2], e = A[3], f = A[4], g = A[5], h = A[6], k = A[7], l = A[8];
  const c00 = f * l - g * k, c01 = -(e * l - g * h), c02 = e * k - f * h;
  const det = a * c00 + b * c01 + c * c02;
  const scale = Math.abs(a * f * l) + Math.abs(b * g * h) + Math.abs(c * e * k);
  if (!(Math.abs(det) > 1e-12 * scale)) return false;
  out[0] = c00 / det; out[1] = (c * k - b * l) / det; out[2] = (b * g - c * f) / det;
  out[3] = c01 / det; out[4] = (a * l - c * h) / det; out[5] = (c * e - a * g) / det;
  out[6] = c02 / det; out[7] = (b * h - a * k) / det; out[8] = (a * f - b * e) / det;
  return true;
}

export interface PlasticDetectionOptions {
  /** smallest stress drop sigma_k - sigma_k+1 counted (stress units); default 0 (any drop) */
  minStressDrop?: number;
  /** smallest largest-non-affine displacement of an event (length units); default 0.05 (V/N)^(1/d) */
  minDisplacement?: number;
}

/** Detection thresholds with the defaults filled in for a configuration. */
export function resolveDetection(sys: Pick<System, 'n' | 'dim' | 'box'>, opts: PlasticDetectionOptions = {}): Required<PlasticDetectionOptions> {
  const minStressDrop = opts.minStressDrop ?? 0;
  const minDisplacement = opts.minDisplacement ?? PLASTIC_MIN_DISPLACEMENT_FRACTION * meanInterparticleDistance(sys);
  if (!(minStressDrop >= 0) || !Number.isFinite(minStressDrop)) throw new Error(`plastic events: option minStressDrop must be a non-negative stress, got ${opts.minStressDrop}`);
  if (!(minDisplacement > 0) || !Number.isFinite(minDisplacement)) throw new Error(`plastic events: option minDisplacement must be a positive length, got ${opts.minDisplacement}`);
  return { minStressDrop, minDisplacement };
}

/**
 * True when the step from stress `stressBefore` to `stressAfter` with the
 * largest non-affine displacement `maxNonAffine` is a plastic event (module
 * doc): a stress drop above minStressDrop and a displacement above minDisplacement.
 */
export function isPlasticStep(stressBefore: number, stressAfter: number, maxNonAffine: number, det: Required<PlasticDetectionOptions>): boolean {
  return stressBefore - stressAfter > det.minStressDrop && maxNonAffine > det.minDisplacement;
}

/** Where a plastic event happened (module doc). */
export interface PlasticEventLocation {
  /** index (storage order) of the particle with the largest non-affine displacement */
  atom: number;
  /** its |u| (length units) */
  maxNonAffine: number;
  /** non-affine displacement of every particle, n*dim */
  nonAffine: Float64Array;
  /** D2min of every particle (length^2) */
  d2min: Float64Array;
  /** index of the particle with the largest D2min */
  d2minAtom: number;
}

/** Locate the rearrangement between the minima before and after a stress drop. */
export function locatePlasticEvent(before: System, after: System, opts: D2minOptions = {}): PlasticEventLocation {
  const nonAffine = nonAffineDisplacement(before, after);
  const { atom, norm } = largestDisplacement(nonAffine, before.dim);
  const d2min = d2minField(before, after, opts);
  let d2minAtom = -1, best = -Infinity;
  for (let i = 0; i < d2min.length; i++) if (d2min[i] > best) { best = d2min[i]; d2minAtom = i; }
  return { atom, maxNonAffine: norm, nonAffine, d2min, d2minAtom };
}

function checkSameAtoms(a: System, b: System): void {
  if (a.n !== b.n || a.dim !== b.dim) {
    throw new Error(`plastic events: the configurations before and after hold ${a.n} atoms in ${a.dim}D and ${b.n} atoms in ${b.dim}D; they must be the same atoms`);
  }
}
