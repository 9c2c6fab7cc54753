/**
 * Time one KA force evaluation, N = 4000, rho = 1.2, rc = 2.5 sigma_ab,
 * skin 0.3, on each gpu.js backend (f32) against a plain-TypeScript f64
 * half-list loop, to decide which one MD uses by default.
 *
 *   npx tsx bench/gpu-kernels.ts [N] [calls]
 *
 * gpu.js timings INCLUDE the transfers: wrapping/packing positions to f32,
 * gpu.js copying every argument (positions, types, the full neighbour list
 * converted Int32 -> f32, counts, coefficients) into wasm memory, and
 * unpacking the forces back into a Float64Array. The kernel-only column
 * calls the compiled kernel on pre-packed arguments (what a fair
 * "kernel vs loop" comparison must NOT report alone).
 *
 * The configuration is a jittered FCC lattice at rho = 1.2 (the liquid's
 * neighbour count, ~112 per atom within 2.8), with the atom order shuffled
 * ('shuffled', like a liquid after diffusion with no spatial sort) or in
 * lattice order ('sorted', like a list after spatial sorting).
 *
 * Measured 2026-11-22 (2 cores shared with other jobs; min of 60
 * interleaved rounds, N = 4000): f64 half-list 6.2-6.7 ms; webasm
 * forces+energy 7.4-7.6 ms with transfers (kernel call alone 7.1 ms), i.e.
 * 0.84-0.88x of f64; webasm with the full virial 22 ms; cpu backend 18-19 ms.
 * Decision: MD uses the f64 loop by default.
 */
import { GpuLjForces } from '../src/core/gpu-pair-forces.ts';
import { buildNeighborList } from '../src/neighbor/neighbor-list.ts';
import type { NeighborList } from '../src/neighbor/types.ts';
import { createKobAndersen } from '../src/potential/ka.ts';
import type { LjPairTable } from '../src/potential/lennard-jones.ts';
import { Box } from '../src/system/box.ts';
import { createSystem, type System } from '../src/system/system.ts';

const N_TARGET = Number(process.argv[2] ?? 4000);
const CALLS = Number(process.argv[3] ?? 40);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/**
 * FCC lattice of side^3 cells (4 side^3 atoms) at rho = 1.2 (nearest
 * neighbours at 1.056), every coordinate jittered by +-0.05, 80:20 A:B at
 * random; atoms in lattice order or shuffled.
 */
function kaConfiguration(nTarget: number, shuffled: boolean): System {
  const side = Math.max(3, Math.round(Math.cbrt(nTarget / 4)));
  const n = 4 * side ** 3;
  const L = Math.cbrt(n / 1.2);
  const a = L / side;
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const rnd = rng(12345);
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffled) for (let i = n - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const pos = new Float64Array(n * 3);
  const types = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const i = order[s], cell = Math.floor(i / 4), b = basis[i % 4];
    const idx = [cell % side, Math.floor(cell / side) % side, Math.floor(cell / side / side)];
    for (let k = 0; k < 3; k++) pos[s * 3 + k] = (idx[k] + b[k]) * a + (rnd() - 0.5) * 0.1;
    types[s] = rnd() < 0.8 ? 1 : 2;
  }
  const sys = createSystem({ box: Box.cube(3, L), positions: pos, types });
  sys.box.wrap(sys.positions);
  return sys;
}

/**
 * Well-written f64 half-list loop: flat typed arrays, coefficient table
 * inlined, minimum image by compare-and-shift (positions wrapped into the
 * box, atoms move < skin/2 between rebuilds so |dx| < L), forces on both
 * atoms of a pair, energy and the full virial accumulated on the way.
 */
function forcesF64Half(sys: System, nl: NeighborList, t: LjPairTable, f: Float64Array, w: Float64Array): number {
  const x = sys.positions, ty = sys.types, nb = nl.neighbors, cnt = nl.counts, stride = nl.stride;
  const L = sys.box.lengths, lx = L[0], ly = L[1], lz = L[2], hx = lx / 2, hy = ly / 2, hz = lz / 2;
  const { lj1, lj2, cutsq, eshift, stride: ts } = t;
  f.fill(0);
  let e = 0, wxx = 0, wyy = 0, wzz = 0, wxy = 0, wxz = 0, wyz = 0;
  for (let i = 0; i < sys.n; i++) {
    const xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    const row = ty[i] * ts;
    let fxi = 0, fyi = 0, fzi = 0;
    const base = i * stride, end = base + cnt[i];
    for (let p = base; p < end; p++) {
      const j = nb[p];
      let dx = xi - x[3 * j], dy = yi - x[3 * j + 1], dz = zi - x[3 * j + 2];
      if (dx > hx) dx -= lx; else if (dx < -hx) dx += lx;
      if (dy > hy) dy -= ly; else if (dy < -hy) dy += ly;
      if (dz > hz) dz -= lz; else if (dz < -hz) dz += lz;
      const r2 = dx * dx + dy * dy + dz * dz;
      const c = row + ty[j];
      if (r2 < cutsq[c]) {
        const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2;
        const a12 = lj1[c] * ir6 * ir6, a6 = lj2[c] * ir6;
        const fr = (12 * a12 - 6 * a6) * ir2;
        e += a12 - a6 - eshift[c];
        const fx = fr * dx, fy = fr * dy, fz = fr * dz;
        fxi += fx; fyi += fy; fzi += fz;
        f[3 * j] -= fx; f[3 * j + 1] -= fy; f[3 * j + 2] -= fz;
        wxx += fx * dx; wyy += fy * dy; wzz += fz * dz; wxy += fy * dx; wxz += fz * dx; wyz += fz * dy;
      }
    }
    f[3 * i] += fxi; f[3 * i + 1] += fyi; f[3 * i + 2] += fzi;
  }
  w[0] = wxx; w[1] = wyy; w[2] = wzz; w[3] = wxy; w[4] = wxz; w[5] = wyz;
  return e;
}

interface Case { name: string; fn: () => void; note?: string }

/**
 * Round-robin timing: every round calls each case once, so all cases see
 * the same machine load (other processes share the 2 cores). Reports the
 * minimum (uncontended cost) and the median per case, in ms.
 */
function timeAll(cases: Case[]): Map<string, { min: number; median: number }> {
  for (let w = 0; w < 5; w++) for (const c of cases) c.fn();
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < CALLS; r++) {
    cases.forEach((c, k) => {
      const t0 = performance.now();
      c.fn();
      samples[k].push(performance.now() - t0);
    });
  }
  const res = new Map<string, { min: number; median: number }>();
  cases.forEach((c, k) => {
    const s = samples[k].sort((x, y) => x - y);
    res.set(c.name, { min: s[0], median: s[Math.floor(s.length / 2)] });
  });
  return res;
}

const table = createKobAndersen('shift').pairTable();
console.log(`KA, rho 1.2, rc 2.5 sigma_ab (shifted), skin 0.3; ${CALLS} interleaved rounds; ms per call (min / median); ratio = f64 min / this min`);
for (const order of ['shuffled', 'sorted'] as const) {
  const sys = kaConfiguration(N_TARGET, order === 'shuffled');
  const full = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'full' });
  const half = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half' });
  const f64 = new Float64Array(sys.n * 3), w64 = new Float64Array(6);
  const eRef = forcesF64Half(sys, half, table, f64, w64);
  const cases: Case[] = [{ name: 'f64 half-list loop (TypeScript)', fn: () => { forcesF64Half(sys, half, table, f64, w64); } }];
  for (const backend of ['webasm', 'cpu'] as const) {
    const lj = new GpuLjForces(table, backend);
    const out = { forces: new Float64Array(sys.n * 3), peratomEnergy: new Float64Array(sys.n) };
    const fe = lj.forcesAndEnergies(sys, full, out);
    let maxErr = 0, maxF = 0;
    for (let i = 0; i < f64.length; i++) { maxErr = Math.max(maxErr, Math.abs(fe.forces[i] - f64[i])); maxF = Math.max(maxF, Math.abs(f64[i])); }
    const note = `max|dF| ${maxErr.toExponential(1)} (max|F| ${maxF.toFixed(0)}), dE/E ${((fe.energy - eRef) / Math.abs(eRef)).toExponential(1)}, ran on ${lj.lastMode}`;
    cases.push({ name: `gpu.js ${backend} forces+energy, with transfers`, fn: () => { lj.forcesAndEnergies(sys, full, out); }, note });
    const bound = lj.boundForceKernel(sys, full);
    cases.push({ name: `gpu.js ${backend} kernel call alone`, fn: () => { bound(); } });
    if (backend === 'webasm') cases.push({ name: `gpu.js ${backend} compute() incl. full virial`, fn: () => { lj.compute(sys, full); } });
  }
  const t = timeAll(cases);
  const base = t.get(cases[0].name)!.min;
  console.log(`\n[${order}] N=${sys.n}, full-list mean row ${(full.entries / sys.n).toFixed(1)}, stride ${full.stride}, E/N ${(eRef / sys.n).toFixed(3)}`);
  for (const c of cases) {
    const r = t.get(c.name)!;
    console.log(`  ${c.name.padEnd(46)} ${r.min.toFixed(2).padStart(7)} / ${r.median.toFixed(2).padStart(7)}   ${(base / r.min).toFixed(2)}x${c.note ? '   ' + c.note : ''}`);
  }
}
