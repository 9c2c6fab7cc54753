import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { assembleHessian, toDense } from '../../src/core/hessian.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import type { EamPotential } from '../../src/potential/types.ts';
import type { System } from '../../src/system/system.ts';
import { makeBox, polyEam, randomSystem, type BoxSpec } from './forces-fixtures.ts';

/**
 * Dense EAM Hessian straight from the formulas of src/core/hessian.ts's
 * module doc, over all pairs (minimum image by the Box), with no lists,
 * patterns or scatter maps: the reference the sparse assembly must equal to
 * round-off.
 */
function denseEamHessian(sys: System, pot: EamPotential, massWeighted: boolean): Float64Array {
  const n = sys.n, nd = 3 * n, H = new Float64Array(nd * nd), t = new Float64Array(4), t2 = new Float64Array(4);
  const pairs: { i: number; j: number; e: number[]; r: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = new Float64Array(3);
      for (let c = 0; c < 3; c++) v[c] = sys.positions[3 * i + c] - sys.positions[3 * j + c];
      sys.box.minimumImage(v);
      const r = Math.hypot(v[0], v[1], v[2]);
      if (r < pot.maxCutoff) pairs.push({ i, j, e: [v[0] / r, v[1] / r, v[2] / r], r });
    }
  }
  const rho = new Float64Array(n);
  for (const { i, j, r } of pairs) {
    pot.density(sys.types[i], sys.types[j], r, t); rho[i] += t[0];
    pot.density(sys.types[j], sys.types[i], r, t); rho[j] += t[0];
  }
  const fp = new Float64Array(n), fpp = new Float64Array(n);
  for (let i = 0; i < n; i++) { pot.embed(sys.types[i], rho[i], t); fp[i] = t[1]; fpp[i] = t[2]; }
  const u = Array.from({ length: n }, () => new Float64Array(nd)); // u[a] = grad rho_a
  for (const { i, j, e, r } of pairs) {
    const ti = sys.types[i], tj = sys.types[j];
    pot.pair(ti, tj, r, t);
    let d1 = t[1], d2 = t[2];
    pot.density(ti, tj, r, t); pot.density(tj, ti, r, t2);
    d1 += fp[i] * t[1] + fp[j] * t2[1];
    d2 += fp[i] * t[2] + fp[j] * t2[2];
    for (let x = 0; x < 3; x++) {
      for (let y = 0; y < 3; y++) {
        const k = (d2 - d1 / r) * e[x] * e[y] + (x === y ? d1 / r : 0);
        H[(3 * i + x) * nd + 3 * i + y] += k; H[(3 * j + x) * nd + 3 * j + y] += k;
        H[(3 * i + x) * nd + 3 * j + y] -= k; H[(3 * j + x) * nd + 3 * i + y] -= k;
      }
      // d rho_i / d x_j = -f'_{j->i} e_ij; d rho_i / d x_i = +f'_{j->i} e_ij (and mirrored for rho_j)
      u[i][3 * j + x] -= t[1] * e[x]; u[i][3 * i + x] += t[1] * e[x];
      u[j][3 * i + x] += t2[1] * e[x]; u[j][3 * j + x] -= t2[1] * e[x];
    }
  }
  for (let a = 0; a < n; a++) {
    const ua = u[a];
    for (let p = 0; p < nd; p++) if (ua[p] !== 0) for (let q = 0; q < nd; q++) H[p * nd + q] += fpp[a] * ua[p] * ua[q];
  }
  if (massWeighted) for (let p = 0; p < nd; p++) for (let q = 0; q < nd; q++) H[p * nd + q] /= Math.sqrt(sys.masses[Math.floor(p / 3)] * sys.masses[Math.floor(q / 3)]);
  return H;
}

const boxes: Record<string, BoxSpec> = {
  orthorhombic: { dim: 3, lengths: [15.6, 15.9, 16.2] },
  triclinic: { dim: 3, lengths: [15.6, 15.9, 16.2], tilt: { xy: 1.4, xz: -1.0, yz: 0.8 } },
};

describe('sparse EAM Hessian equals the dense formula to round-off', () => {
  const cuzr = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
  for (const [bname, spec] of Object.entries(boxes)) {
    it.skipIf(!existsSync(cuzr))(`CuZr, random ${bname} configuration, plain and mass weighted, into reused storage`, () => {
      const pot = loadEamFs(cuzr);
      const sys = randomSystem(makeBox(spec), 140, 29, { minDist: 2.0, unwrapped: true });
      for (const massWeighted of [false, true]) {
        const previous = assembleHessian(sys, pot, { massWeighted: !massWeighted });
        previous.values.fill(Math.PI); // reused storage must be zeroed
        const H = assembleHessian(sys, pot, { massWeighted, reuse: previous });
        expect(H.colIdx).toBe(previous.colIdx); // same pairs: the pattern is shared
        const A = toDense(H);
        const R = denseEamHessian(sys, pot, massWeighted);
        let diff = 0, scale = 0;
        for (let k = 0; k < R.length; k++) { diff = Math.max(diff, Math.abs(A[k] - R[k])); scale = Math.max(scale, Math.abs(R[k])); }
        expect(scale).toBeGreaterThan(0.1);
        expect(diff).toBeLessThan(1e-13 * scale);
      }
    });
  }

  it('analytic polynomial EAM, triclinic; reusing the storage of a Hessian with other pairs', () => {
    const pot = polyEam();
    const sys = randomSystem(makeBox({ dim: 3, lengths: [4.4, 4.6, 4.5], tilt: { xy: 0.6, yz: -0.4 } }), 60, 13, { minDist: 0.55 });
    const other = randomSystem(makeBox({ dim: 3, lengths: [4.4, 4.6, 4.5], tilt: { xy: 0.6, yz: -0.4 } }), 60, 14, { minDist: 0.55 });
    const previous = assembleHessian(other, pot);
    const H = assembleHessian(sys, pot, { reuse: previous });
    expect(H.colIdx).not.toBe(previous.colIdx);
    const A = toDense(H);
    const R = denseEamHessian(sys, pot, false);
    let diff = 0, scale = 0;
    for (let k = 0; k < R.length; k++) { diff = Math.max(diff, Math.abs(A[k] - R[k])); scale = Math.max(scale, Math.abs(R[k])); }
    expect(diff).toBeLessThan(1e-13 * scale);
  });
});
