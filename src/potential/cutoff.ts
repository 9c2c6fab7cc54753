/**
 * Cutoff treatments that wrap any radial function (./radial.ts). Both return
 * zeros for r >= rc (LAMMPS includes a pair only when r^2 < rc^2).
 *
 * - truncated and shifted (LAMMPS `pair_modify shift yes`):
 *     phi_ts(r) = phi(r) - phi(rc)                 (energy continuous, force jumps)
 * - shifted force (LAMMPS `lj/smooth/linear`, Toxvaerd & Dyre, J. Chem. Phys.
 *   134, 081102 (2011)):
 *     phi_sf(r) = phi(r) - phi(rc) - (r - rc) phi'(rc)   (energy and force continuous)
 *
 * Derivatives: the shift adds nothing to phi'' and phi'''; the shifted-force
 * term subtracts phi'(rc) from phi'. Neither makes phi'' continuous at rc:
 * use a smooth potential (e.g. ./ipl.ts) where that matters (thermal
 * averages at low T, e.g. the LTE checked by MD in src/protocols/lte-validation.ts).
 */
import { D2PHI, D3PHI, DPHI, PHI } from './types.ts';
import type { RadialFunction } from './radial.ts';

/** Name of a cutoff treatment as used in model names and options. */
export type CutoffScheme = 'shift' | 'shifted-force';

/** phi(rc) and phi'(rc) of a bare radial function. */
export function valueAtCutoff(fn: RadialFunction, rc: number): { phi: number; dphi: number } {
  const tmp = new Float64Array(4);
  fn(rc, tmp);
  if (!Number.isFinite(tmp[PHI]) || !Number.isFinite(tmp[DPHI])) {
    throw new Error(`cutoff: radial function is not finite at the cutoff rc = ${rc}`);
  }
  return { phi: tmp[PHI], dphi: tmp[DPHI] };
}

/** Truncate at rc and shift the energy so that phi(rc) = 0. */
export function truncateAndShift(fn: RadialFunction, rc: number): RadialFunction {
  const { phi: e0 } = valueAtCutoff(fn, rc);
  return (r, out) => {
    if (r >= rc) {
      out[PHI] = 0; out[DPHI] = 0; out[D2PHI] = 0; out[D3PHI] = 0;
      return;
    }
    fn(r, out);
    out[PHI] -= e0;
  };
}

/** Truncate at rc and shift energy and force so that phi(rc) = phi'(rc) = 0. */
export function shiftForce(fn: RadialFunction, rc: number): RadialFunction {
  const { phi: e0, dphi: f0 } = valueAtCutoff(fn, rc);
  return (r, out) => {
    if (r >= rc) {
      out[PHI] = 0; out[DPHI] = 0; out[D2PHI] = 0; out[D3PHI] = 0;
      return;
    }
    fn(r, out);
    out[PHI] -= e0 + (r - rc) * f0;
    out[DPHI] -= f0;
  };
}

/** Apply a named cutoff scheme. */
export function applyCutoff(fn: RadialFunction, rc: number, scheme: CutoffScheme): RadialFunction {
  switch (scheme) {
    case 'shift': return truncateAndShift(fn, rc);
    case 'shifted-force': return shiftForce(fn, rc);
    default: throw new Error(`unknown cutoff scheme '${scheme as string}'; use 'shift' or 'shifted-force'`);
  }
}
