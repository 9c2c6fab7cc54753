// AssemblyScript source of the WebAssembly force kernels over a HALF
// neighbour list (src/core/forces-f64.ts is the TypeScript reference and
// fallback; ./force-runtime.ts loads and drives these). Built by
// `npm run build:wasm` (src/linalg/wasm/build-kernels.ts) into
// force-kernels.wasm next to this file (checked in; test/core/forces-wasm.test.ts
// rebuilds it and compares bytes). Not type-checked by the project's tsc.
//
// Conventions (src/core/types.ts, src/core/forces-f64.ts): pointers are BYTE
// addresses in this module's own linear memory; atom arrays are stride 3
// (f64: wrapped fractional coordinates s, forces f) or stride 1 (i32 types,
// 1-based; i32 counts); the half list is neighbors[i*stride + k], k < counts[i].
// geometry block (9 f64): lx, ly, lz, xy, xz, yz, wrap_x, wrap_y, wrap_z
// (LAMMPS cell matrix H; wrap 1 periodic, 0 not). Pair displacement
// d = H (ds - wrap round(ds)), ds = s_i - s_j; force on i from a pair term
// phi(r) is F = fpair d with fpair = -phi'(r)/r; virial W_ab = sum d_a F_b
// (xx, yy, zz, xy, xz, yz); per-atom energy and virial split half/half.
//
// Every per-pair expression is written in the same order as in the
// TypeScript loops and every accumulator is summed pair by pair in list
// order (SIMD lanes are folded into the scalar sums one after the other),
// so for the LJ table and EAM the results are the TypeScript path's bits.
// The kernels keep no state except the module globals of the pair
// accumulators below and the EAM kernels' `touched` sink.

// @ts-ignore: decorator
@inline function ld(p: usize): f64 { return load<f64>(p); }
// @ts-ignore: decorator
@inline function ldi(p: usize): i32 { return load<i32>(p); }
// @ts-ignore: decorator
@inline function st(p: usize, x: f64): void { store<f64>(p, x); }

// ---------------------------------------------------------------------------
// Cell geometry of the current call (set by loadGeometry)

let lx: f64 = 0, ly: f64 = 0, lz: f64 = 0, xy: f64 = 0, xz: f64 = 0, yz: f64 = 0;
let px: f64 = 0, py: f64 = 0, pz: f64 = 0;
let tilted: bool = false;

function loadGeometry(pG: usize): void {
  lx = ld(pG); ly = ld(pG + 8); lz = ld(pG + 16); xy = ld(pG + 24); xz = ld(pG + 32); yz = ld(pG + 40);
  px = ld(pG + 48); py = ld(pG + 56); pz = ld(pG + 64);
  tilted = xy != 0 || xz != 0 || yz != 0;
}

// displacement of the last pair (pairDisplacement), in Cartesian units
let dx: f64 = 0, dy: f64 = 0, dz: f64 = 0;

/**
 * r_ij^2 for atoms i (fractional sxi, syi, szi) and j, minimum image; sets
 * dx, dy, dz. Order of src/core/forces-f64.ts `pairLoop` (tilt terms
 * always added left to right), or of src/core/lj-kernel.ts when `ljOrder`.
 */
// @ts-ignore: decorator
@inline function pairDisplacement(sxi: f64, syi: f64, szi: f64, pj: usize, ljOrder: bool): f64 {
  let dsx = sxi - ld(pj), dsy = syi - ld(pj + 8), dsz = szi - ld(pj + 16);
  dsx -= px * Math.floor(dsx + 0.5);
  dsy -= py * Math.floor(dsy + 0.5);
  dsz -= pz * Math.floor(dsz + 0.5);
  if (ljOrder) {
    dx = lx * dsx; dy = ly * dsy;
    if (tilted) { dx += xy * dsy + xz * dsz; dy += yz * dsz; }
  } else {
    dx = lx * dsx + xy * dsy + xz * dsz;
    dy = ly * dsy + yz * dsz;
  }
  dz = lz * dsz;
  return dx * dx + dy * dy + dz * dz;
}

// ---------------------------------------------------------------------------
// Pair accumulation with virial and per-atom terms (EAM pass 2, IPL)

let wxx: f64 = 0, wyy: f64 = 0, wzz: f64 = 0, wxy: f64 = 0, wxz: f64 = 0, wyz: f64 = 0;
let fxi: f64 = 0, fyi: f64 = 0, fzi: f64 = 0;
let epair: f64 = 0;

/**
 * Adds one pair term (energy e, fpair = -psi'(r)/r, displacement dx, dy, dz)
 * to the row sums fxi.., the force of j, the energy, the virial and, when
 * pPe != 0, the per-atom energies (pPe, n f64) and virials (pPv, 6n f64).
 */
// @ts-ignore: decorator
@inline function addPair(i: i32, j: i32, e: f64, fpair: f64, pF: usize, pPe: usize, pPv: usize): void {
  const fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
  fxi += fx; fyi += fy; fzi += fz;
  const pj = pF + <usize>(3 * j) * 8;
  st(pj, ld(pj) - fx); st(pj + 8, ld(pj + 8) - fy); st(pj + 16, ld(pj + 16) - fz);
  epair += e;
  const vxx = dx * fx, vyy = dy * fy, vzz = dz * fz, vxy = dx * fy, vxz = dx * fz, vyz = dy * fz;
  wxx += vxx; wyy += vyy; wzz += vzz; wxy += vxy; wxz += vxz; wyz += vyz;
  if (pPe != 0) {
    const eh = 0.5 * e;
    const ei = pPe + <usize>i * 8, ej = pPe + <usize>j * 8;
    st(ei, ld(ei) + eh); st(ej, ld(ej) + eh);
    addHalfVirial(pPv + <usize>(6 * i) * 8, vxx, vyy, vzz, vxy, vxz, vyz);
    addHalfVirial(pPv + <usize>(6 * j) * 8, vxx, vyy, vzz, vxy, vxz, vyz);
  }
}

// @ts-ignore: decorator
@inline function addHalfVirial(p: usize, vxx: f64, vyy: f64, vzz: f64, vxy: f64, vxz: f64, vyz: f64): void {
  st(p, ld(p) + 0.5 * vxx); st(p + 8, ld(p + 8) + 0.5 * vyy); st(p + 16, ld(p + 16) + 0.5 * vzz);
  st(p + 24, ld(p + 24) + 0.5 * vxy); st(p + 32, ld(p + 32) + 0.5 * vxz); st(p + 40, ld(p + 40) + 0.5 * vyz);
}

// the row being accumulated (rowStart): fractional coordinates of atom i, type row offset ti * tstride
let sxi: f64 = 0, syi: f64 = 0, szi: f64 = 0;
let rowOff: i32 = 0;

/** Start of row i: load s_i and its type row offset, zero the row sums; returns the row's count. */
// @ts-ignore: decorator
@inline function rowStart(i: i32, pC: usize, pT: usize, tstride: i32, pS: usize): i32 {
  rowOff = ldi(pT + (<usize>i << 2)) * tstride;
  const psi = pS + <usize>(3 * i) * 8;
  sxi = ld(psi); syi = ld(psi + 8); szi = ld(psi + 16);
  fxi = 0; fyi = 0; fzi = 0;
  return ldi(pC + (<usize>i << 2));
}

/** End of row i: add the row sums to f_i. */
// @ts-ignore: decorator
@inline function rowEnd(i: i32, pF: usize): void {
  const p = pF + <usize>(3 * i) * 8;
  st(p, ld(p) + fxi); st(p + 8, ld(p + 8) + fyi); st(p + 16, ld(p + 16) + fzi);
}

/** Start of a pass: zero the energy and virial sums. */
function passStart(): void { epair = 0; wxx = 0; wyy = 0; wzz = 0; wxy = 0; wxz = 0; wyz = 0; }

/** End of a pass: add the virial sums to pVir (6 f64) and return the pair energy. */
function passEnd(pVir: usize): f64 {
  st(pVir, ld(pVir) + wxx); st(pVir + 8, ld(pVir + 8) + wyy); st(pVir + 16, ld(pVir + 16) + wzz);
  st(pVir + 24, ld(pVir + 24) + wxy); st(pVir + 32, ld(pVir + 32) + wxz); st(pVir + 40, ld(pVir + 40) + wyz);
  return epair;
}

// ---------------------------------------------------------------------------
// LJ family (lj/cut with shift, lj/sf): src/core/lj-kernel.ts `ljForceRows`
// Packed table per type pair kk = ti*tstride + tj, 8 f64:
// [cutsq, 12 lj1, 6 lj2, lj1, lj2, eshift, fshift, rc]
//   phi(r) = r^-6 (lj1 r^-6 - lj2) - eshift - fshift (r - rc)     (r < rc)
//   -phi'(r)/r = r^-8 (12 lj1 r^-6 - 6 lj2) + fshift / r
// Forces only (the virial and per-atom terms stay in TypeScript, computed
// on first read). Two list entries per step in f64x2 lanes; the cutoff test
// is a multiplication by 0 or 1, as in the TypeScript kernel.

// @ts-ignore: decorator
@inline function gather2(p0: usize, p1: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(ld(p0)), 1, ld(p1));
}

/** LJ forces of rows i0 <= i < i1 added to f; returns the pair energy (same bits as ljForceRows). */
export function ljForces(i0: i32, i1: i32, pT: usize, pN: usize, pC: usize, stride: i32, pG: usize,
  tstride: i32, pK: usize, shiftedForce: i32, pS: usize, pF: usize): f64 {
  loadGeometry(pG);
  const half = f64x2.splat(0.5), one = f64x2.splat(1.0);
  const vlx = f64x2.splat(lx), vly = f64x2.splat(ly), vlz = f64x2.splat(lz);
  const vxy = f64x2.splat(xy), vxz = f64x2.splat(xz), vyz = f64x2.splat(yz);
  const vpx = f64x2.splat(px), vpy = f64x2.splat(py), vpz = f64x2.splat(pz);
  const sf = shiftedForce != 0;
  let energy: f64 = 0;
  for (let i = i0; i < i1; i++) {
    const cnt = ldi(pC + (<usize>i << 2));
    if (cnt == 0) continue;
    const row = ldi(pT + (<usize>i << 2)) * tstride;
    const psi = pS + <usize>(3 * i) * 8;
    const sxi = ld(psi), syi = ld(psi + 8), szi = ld(psi + 16);
    const vsx = f64x2.splat(sxi), vsy = f64x2.splat(syi), vsz = f64x2.splat(szi);
    let fx_i: f64 = 0, fy_i: f64 = 0, fz_i: f64 = 0;
    let k = i * stride;
    const kend = k + cnt;
    for (; k + 1 < kend; k += 2) {
      const j0 = ldi(pN + (<usize>k << 2)), j1 = ldi(pN + (<usize>(k + 1) << 2));
      const a0 = pS + <usize>(3 * j0) * 8, a1 = pS + <usize>(3 * j1) * 8;
      let dsx = f64x2.sub(vsx, gather2(a0, a1));
      let dsy = f64x2.sub(vsy, gather2(a0 + 8, a1 + 8));
      let dsz = f64x2.sub(vsz, gather2(a0 + 16, a1 + 16));
      dsx = f64x2.sub(dsx, f64x2.mul(vpx, f64x2.floor(f64x2.add(dsx, half))));
      dsy = f64x2.sub(dsy, f64x2.mul(vpy, f64x2.floor(f64x2.add(dsy, half))));
      dsz = f64x2.sub(dsz, f64x2.mul(vpz, f64x2.floor(f64x2.add(dsz, half))));
      let vdx = f64x2.mul(vlx, dsx), vdy = f64x2.mul(vly, dsy);
      if (tilted) {
        vdx = f64x2.add(vdx, f64x2.add(f64x2.mul(vxy, dsy), f64x2.mul(vxz, dsz)));
        vdy = f64x2.add(vdy, f64x2.mul(vyz, dsz));
      }
      const vdz = f64x2.mul(vlz, dsz);
      const r2 = f64x2.add(f64x2.add(f64x2.mul(vdx, vdx), f64x2.mul(vdy, vdy)), f64x2.mul(vdz, vdz));
      const c0 = pK + <usize>(8 * (row + ldi(pT + (<usize>j0 << 2)))) * 8;
      const c1 = pK + <usize>(8 * (row + ldi(pT + (<usize>j1 << 2)))) * 8;
      const inside = v128.and(f64x2.lt(r2, gather2(c0, c1)), one);
      const ir2 = f64x2.div(one, r2);
      const ir6 = f64x2.mul(f64x2.mul(ir2, ir2), ir2);
      let fpair = f64x2.mul(f64x2.mul(f64x2.mul(inside, ir6),
        f64x2.sub(f64x2.mul(gather2(c0 + 8, c1 + 8), ir6), gather2(c0 + 16, c1 + 16))), ir2);
      let e = f64x2.mul(inside, f64x2.sub(f64x2.mul(ir6,
        f64x2.sub(f64x2.mul(gather2(c0 + 24, c1 + 24), ir6), gather2(c0 + 32, c1 + 32))), gather2(c0 + 40, c1 + 40)));
      if (sf) {
        const r = f64x2.sqrt(r2);
        const g = f64x2.mul(inside, gather2(c0 + 48, c1 + 48));
        fpair = f64x2.add(fpair, f64x2.div(g, r));
        e = f64x2.sub(e, f64x2.mul(g, f64x2.sub(r, gather2(c0 + 56, c1 + 56))));
      }
      const fx = f64x2.mul(vdx, fpair), fy = f64x2.mul(vdy, fpair), fz = f64x2.mul(vdz, fpair);
      const fx0 = f64x2.extract_lane(fx, 0), fy0 = f64x2.extract_lane(fy, 0), fz0 = f64x2.extract_lane(fz, 0);
      const fx1 = f64x2.extract_lane(fx, 1), fy1 = f64x2.extract_lane(fy, 1), fz1 = f64x2.extract_lane(fz, 1);
      fx_i += fx0; fy_i += fy0; fz_i += fz0;
      const pf0 = pF + <usize>(3 * j0) * 8;
      st(pf0, ld(pf0) - fx0); st(pf0 + 8, ld(pf0 + 8) - fy0); st(pf0 + 16, ld(pf0 + 16) - fz0);
      energy += f64x2.extract_lane(e, 0);
      fx_i += fx1; fy_i += fy1; fz_i += fz1;
      const pf1 = pF + <usize>(3 * j1) * 8;
      st(pf1, ld(pf1) - fx1); st(pf1 + 8, ld(pf1 + 8) - fy1); st(pf1 + 16, ld(pf1 + 16) - fz1);
      energy += f64x2.extract_lane(e, 1);
    }
    if (k < kend) { // odd count: the last entry alone
      const j = ldi(pN + (<usize>k << 2));
      const r2 = pairDisplacement(sxi, syi, szi, pS + <usize>(3 * j) * 8, true);
      const c = pK + <usize>(8 * (row + ldi(pT + (<usize>j << 2)))) * 8;
      const inside: f64 = r2 < ld(c) ? 1.0 : 0.0;
      const ir2 = 1.0 / r2;
      const ir6 = ir2 * ir2 * ir2;
      let fpair = inside * ir6 * (ld(c + 8) * ir6 - ld(c + 16)) * ir2;
      let e = inside * (ir6 * (ld(c + 24) * ir6 - ld(c + 32)) - ld(c + 40));
      if (sf) {
        const r = Math.sqrt(r2);
        fpair += inside * ld(c + 48) / r;
        e -= inside * ld(c + 48) * (r - ld(c + 56));
      }
      const fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
      fx_i += fx; fy_i += fy; fz_i += fz;
      const pf = pF + <usize>(3 * j) * 8;
      st(pf, ld(pf) - fx); st(pf + 8, ld(pf + 8) - fy); st(pf + 16, ld(pf + 16) - fz);
      energy += e;
    }
    const pfi = pF + <usize>(3 * i) * 8;
    st(pfi, ld(pfi) + fx_i); st(pfi + 8, ld(pfi + 8) + fy_i); st(pfi + 16, ld(pfi + 16) + fz_i);
  }
  return energy;
}

// ---------------------------------------------------------------------------
// Smoothed inverse power law (src/potential/ipl.ts `IplPairTable`), with
// s = r^2 / lambda_ij^2 and an even exponent n = 2 h:
//   phi(r)       = eps [ s^-h + sum_l c_l s^l ]
//   -phi'(r)/r   = eps / lambda_ij^2 [ n s^-h / s - sum_{l>=1} 2 l c_l s^(l-1) ]
// Per type pair kk = ti*tstride + tj, 2 f64: [cutsq, 1/lambda^2]; pCoef holds
// c_0..c_q. s^-h = 1 / s^h by repeated squaring (the TypeScript evaluator
// uses x ** -n: the two agree to round-off, not to the bit).

// @ts-ignore: decorator
@inline function powInt(x: f64, h: i32): f64 {
  let r: f64 = 1, b = x;
  while (h > 0) { if (h & 1) r *= b; b *= b; h >>= 1; }
  return r;
}

/** IPL forces, energy (returned), virial (added to pVir) and per-atom terms (pPe != 0) over rows i0 <= i < i1. */
export function iplForces(i0: i32, i1: i32, pT: usize, pN: usize, pC: usize, stride: i32, pG: usize,
  tstride: i32, pK: usize, eps: f64, h: i32, pCoef: usize, q: i32,
  pS: usize, pF: usize, pVir: usize, pPe: usize, pPv: usize): f64 {
  loadGeometry(pG);
  passStart();
  const nexp = <f64>(2 * h);
  for (let i = i0; i < i1; i++) {
    const cnt = rowStart(i, pC, pT, tstride, pS);
    if (cnt == 0) continue;
    for (let k = i * stride, kend = k + cnt; k < kend; k++) {
      const j = ldi(pN + (<usize>k << 2));
      const r2 = pairDisplacement(sxi, syi, szi, pS + <usize>(3 * j) * 8, false);
      const c = pK + <usize>(2 * (rowOff + ldi(pT + (<usize>j << 2)))) * 8;
      if (!(r2 < ld(c))) continue;
      const il2 = ld(c + 8);
      const s = r2 * il2;
      const u = 1.0 / powInt(s, h);
      let p0: f64 = ld(pCoef), p1: f64 = 0, sl: f64 = 1;
      for (let l = 1; l <= q; l++) {
        p1 += <f64>(2 * l) * ld(pCoef + <usize>l * 8) * sl;
        sl *= s;
        p0 += ld(pCoef + <usize>l * 8) * sl;
      }
      const e = eps * (u + p0);
      const fpair = eps * il2 * (nexp * u / s - p1);
      addPair(i, j, e, fpair, pF, pPe, pPv);
    }
    rowEnd(i, pF);
  }
  return passEnd(pVir);
}

// ---------------------------------------------------------------------------
// EAM (LAMMPS eam/fs, eam/alloy: src/potential/eam-fs.ts), two passes.
// Splines: LAMMPS's 7 coefficients c0..c6 per grid interval m
// (src/potential/lammps-spline.ts). All r-functions share one grid (nr, dr),
// so one pair needs one interval m of each of its splines; the host
// (force-runtime.ts `eamLayout`, `writeEamTable`) stores two splines per
// 64-byte line as 4 f64x2 lane pairs and evaluates them with one f64x2
// cubic ((c3 p + c4) p + c5) p + c6. A value f takes (c3, c4, c5, c6), a
// slope f' = (c0 p + c1) p + c2 takes (0, c0, c1, c2) (0 p + c0 = c0
// exactly, so the same bits as the quadratic). Lines, [lane 0, lane 1]:
//   density values  [x c3, y c3] [x c4, y c4] [x c5, y c5] [x c6, y c6]
//   density slopes  [0, 0] [x c0, y c0] [x c1, y c1] [x c2, y c2]
//   z2r             [z c3, 0] [z c4, z c0] [z c5, z c1] [z c6, z c2]  (value, slope)
// where (x, y) is a "density slot": (rho_ab, rho_ba) for types a < b, or
// (rho_aa, rho_a'a') for two like pairs (so no spline is stored twice:
// CuZr keeps 7 lines per interval, LAMMPS's 7 splines, where one block per
// ordered type pair took 12). Per interval m, a pass-1 row of n1 density
// value lines at pD + off1 + m n1 64 and a pass-2 row of n2 lines (z2r per
// a <= b, then the density slopes) at pD + off2 + m n2 64. The table
// starts with [n1, n2, off1, off2] (i32) and, at pD + 64 + 32 kk for the
// ordered pair kk = a*tstride + b (1-based types), [slot offset in a pass-1
// row, z2r and slope offsets in a pass-2 row (i32), pad, an i8x16.swizzle
// pattern that moves rho_ab to lane 0 and rho_ba to lane 1].
// rho_ab(r): density at an `a` atom contributed by a `b` atom; z2r_ab = r phi_ab.
// Evaluation as evalLammpsSpline with m clamped to [0, nr-1] (r-functions)
// and p clamped to 1 past the table (LAMMPS's p = MIN(p, 1.0): the same bits
// as evalLammpsSpline's end branch, since x * 1 = x).
//
// Each pass runs a row in two stages. Stage A takes two list entries per
// f64x2 step (displacement, r = sqrt(r^2), interval m and position p) and
// writes them to the row scratch pW; it also loads one word of every line
// the row will read, so that the cache misses on the table (~3.4 MB of
// lines in use for CuZr_mm, beyond L2) overlap instead of stalling stage B
// one by one.
// Stage B evaluates the splines and adds the terms entry by entry, in list
// order. Pass 1 keeps only the entries inside the cutoff (r^2 < cutoff^2
// and r < cutoff, as the TypeScript loops skip the others): their j go to
// the compacted rows pE (row i at i*stride, count in pEC), which pass 2
// walks instead of the list, so it neither recomputes nor branches on the
// ~30% of skin entries (measured, CuZr N = 4000, skin 1 A: pass 1 6.4 -> 4.3
// ms, pass 2 11.5 -> 5.7 ms, bit-identical results).
// Row scratch stage A -> B per kept entry: pass 1 the line address and the
// pair's descriptor address (u32) and p (f64); pass 2 dx, dy, dz, r, p (f64)
// and the two line addresses and the descriptor (u32).

/** Sum of the table words stage A loads ahead of stage B (kept so the loads are not dropped). */
let touched: f64 = 0;

/** Bytes of one f64 column of the row scratch: stride + 1 entries rounded up to even (16-byte multiples; force-runtime.ts `eamScratchBytes`). */
// @ts-ignore: decorator
@inline function scratchStride(stride: i32): usize { return <usize>((stride + 2) & ~1) << 3; }

/**
 * f64x2 displacements d = H (ds - wrap round(ds)) of two list entries
 * (atoms at byte offsets a0, a1) from the row atom (vsx, vsy, vsz: splats
 * of s_i), with the arithmetic of `pairDisplacement` (not ljOrder) per
 * lane; vg points at the 9 geometry splats (lx, ly, lz, xy, xz, yz, wrap
 * x, y, z: 144 bytes). Stores dx, dy, dz at out, out + sw, out + 2 sw and
 * returns r^2.
 */
// @ts-ignore: decorator
@inline function displace2(vsx: v128, vsy: v128, vsz: v128, a0: usize, a1: usize, vg: usize, out: usize, sw: usize): v128 {
  const half = f64x2.splat(0.5);
  let dsx = f64x2.sub(vsx, gather2(a0, a1));
  let dsy = f64x2.sub(vsy, gather2(a0 + 8, a1 + 8));
  let dsz = f64x2.sub(vsz, gather2(a0 + 16, a1 + 16));
  dsx = f64x2.sub(dsx, f64x2.mul(v128.load(vg, 96), f64x2.floor(f64x2.add(dsx, half))));
  dsy = f64x2.sub(dsy, f64x2.mul(v128.load(vg, 112), f64x2.floor(f64x2.add(dsy, half))));
  dsz = f64x2.sub(dsz, f64x2.mul(v128.load(vg, 128), f64x2.floor(f64x2.add(dsz, half))));
  const x = f64x2.add(f64x2.add(f64x2.mul(v128.load(vg), dsx), f64x2.mul(v128.load(vg, 48), dsy)), f64x2.mul(v128.load(vg, 64), dsz));
  const y = f64x2.add(f64x2.mul(v128.load(vg, 16), dsy), f64x2.mul(v128.load(vg, 80), dsz));
  const z = f64x2.mul(v128.load(vg, 32), dsz);
  v128.store(out, x); v128.store(out + sw, y); v128.store(out + 2 * sw, z);
  return f64x2.add(f64x2.add(f64x2.mul(x, x), f64x2.mul(y, y)), f64x2.mul(z, z));
}

/** Write the 9 geometry splats for displace2 at vg (144 bytes, 16-aligned); loadGeometry first. */
function geometrySplats(vg: usize): void {
  v128.store(vg, f64x2.splat(lx)); v128.store(vg, f64x2.splat(ly), 16); v128.store(vg, f64x2.splat(lz), 32);
  v128.store(vg, f64x2.splat(xy), 48); v128.store(vg, f64x2.splat(xz), 64); v128.store(vg, f64x2.splat(yz), 80);
  v128.store(vg, f64x2.splat(px), 96); v128.store(vg, f64x2.splat(py), 112); v128.store(vg, f64x2.splat(pz), 128);
}

/**
 * Spline intervals of two distances: x = r rdr + 1 (f64x2) gives
 * m = min(trunc x, nr - 1) in i32 lanes 0 and 1 (r >= 0: m >= 1).
 */
// @ts-ignore: decorator
@inline function intervals2(x: v128, mmax: v128): v128 {
  return i32x4.min_s(i32x4.trunc_sat_f64x2_s_zero(x), mmax);
}

/** The fractional positions min(x - m, 1) of intervals2's m (i32 lanes 0, 1). */
// @ts-ignore: decorator
@inline function fractions2(x: v128, m: v128): v128 {
  return f64x2.min(f64x2.sub(x, f64x2.convert_low_i32x4_s(m)), f64x2.splat(1.0));
}

/** Two splines at once: the f64x2 cubic of the 4 lane pairs at c (see above), at fractional position p. */
// @ts-ignore: decorator
@inline function cubic2(c: usize, p: v128): v128 {
  return f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(v128.load(c), p), v128.load(c, 16)), p),
    v128.load(c, 32)), p), v128.load(c, 48));
}

/**
 * EAM pass 1: the density terms of rows i0 <= i < i1 into pRhoOut (n f64,
 * zeroed here): rho_i = sum_j rho_{t_j -> t_i}(r_ij) when the rows are all
 * of [0, n); a share of the rows gives a partial sum (threads:
 * ./force-threads.ts adds the shares in thread order). Writes the
 * compacted rows of these rows to pE (n*stride i32) and pEC (n i32) for
 * eamForces; pW: the row scratch (force-runtime.ts `eamScratchBytes`, one
 * per thread, 16-aligned).
 */
export function eamDensities(i0: i32, i1: i32, n: i32, pT: usize, pN: usize, pC: usize, stride: i32, pG: usize,
  tstride: i32, pD: usize, nr: i32, rdr: f64, cutoff: f64, pS: usize, pRhoOut: usize, pE: usize, pEC: usize, pW: usize): void {
  loadGeometry(pG);
  memory.fill(pRhoOut, 0, <usize>n << 3);
  // scratch: geometry splats (144 B), dx dy dz of the current step (48 B), then columns p (f64), line and descriptor (u32)
  const sw = scratchStride(stride);
  const vg = pW, pWd = pW + 144, pWp = pWd + 48, pWa = pWp + sw, pWk = pWa + (sw >> 1);
  const desc = pD + 64, line1 = <usize>load<i32>(pD) << 6, rows1 = pD + <usize>load<i32>(pD, 8);
  geometrySplats(vg);
  const vcut2 = f64x2.splat(cutoff * cutoff), vcut = f64x2.splat(cutoff);
  const vrdr = f64x2.splat(rdr), one = f64x2.splat(1.0), mmax = i32x4.splat(nr - 1);
  let sink: f64 = 0;
  for (let i = i0; i < i1; i++) {
    const cnt = ldi(pC + (<usize>i << 2));
    const base = i * stride;
    const pe = pE + (<usize>base << 2);
    const row = ldi(pT + (<usize>i << 2)) * tstride;
    const psi = pS + <usize>(3 * i) * 8;
    const vsx = f64x2.splat(ld(psi)), vsy = f64x2.splat(ld(psi + 8)), vsz = f64x2.splat(ld(psi + 16));
    // stage A: two entries per step (an odd last one pairs with itself, lane 1 dropped)
    let q = 0;
    for (let k = base, kend = base + cnt; k < kend; k += 2) {
      const two = k + 1 < kend;
      const j0 = ldi(pN + (<usize>k << 2)), j1 = two ? ldi(pN + (<usize>(k + 1) << 2)) : j0;
      const r2 = displace2(vsx, vsy, vsz, pS + <usize>(3 * j0) * 8, pS + <usize>(3 * j1) * 8, vg, pWd, 16);
      const r = f64x2.sqrt(r2);
      const keep = v128.and(f64x2.lt(r2, vcut2), f64x2.lt(r, vcut));
      const x = f64x2.add(f64x2.mul(r, vrdr), one);
      const m = intervals2(x, mmax);
      const p = fractions2(x, m);
      const d0 = desc + (<usize>(row + ldi(pT + (<usize>j0 << 2))) << 5), d1 = desc + (<usize>(row + ldi(pT + (<usize>j1 << 2))) << 5);
      const b0 = rows1 + <usize>i32x4.extract_lane(m, 0) * line1 + <usize>load<i32>(d0);
      const b1 = rows1 + <usize>i32x4.extract_lane(m, 1) * line1 + <usize>load<i32>(d1);
      // every slot is written, the count advances only for kept entries
      store<i32>(pe + (<usize>q << 2), j0);
      st(pWp + (<usize>q << 3), f64x2.extract_lane(p, 0));
      store<u32>(pWa + (<usize>q << 2), <u32>b0);
      store<u32>(pWk + (<usize>q << 2), <u32>d0);
      sink += ld(b0);
      q += <i32>(i64x2.extract_lane(keep, 0) & 1);
      if (two) {
        store<i32>(pe + (<usize>q << 2), j1);
        st(pWp + (<usize>q << 3), f64x2.extract_lane(p, 1));
        store<u32>(pWa + (<usize>q << 2), <u32>b1);
        store<u32>(pWk + (<usize>q << 2), <u32>d1);
        sink += ld(b1);
        q += <i32>(i64x2.extract_lane(keep, 1) & 1);
      }
    }
    store<i32>(pEC + (<usize>i << 2), q);
    // stage B: rho_i in a register (no other row writes it meanwhile: j != i)
    const ri = pRhoOut + <usize>i * 8;
    let rhoi = ld(ri);
    for (let e = 0; e < q; e++) {
      const v = cubic2(<usize>load<u32>(pWa + (<usize>e << 2)), f64x2.splat(ld(pWp + (<usize>e << 3))));
      const rho = i8x16.swizzle(v, v128.load(<usize>load<u32>(pWk + (<usize>e << 2)), 16)); // [rho_{j->i}, rho_{i->j}]
      rhoi += f64x2.extract_lane(rho, 0);
      const rj = pRhoOut + <usize>ldi(pe + (<usize>e << 2)) * 8;
      st(rj, ld(rj) + f64x2.extract_lane(rho, 1));
    }
    st(ri, rhoi);
  }
  touched = sink;
}

/**
 * EAM pass 2 over rows i0 <= i < i1: forces with the effective pair derivative
 *   psi'_ij = phi'_ij + F'_i rho'_{j->i} + F'_j rho'_{i->j},  phi = z2r / r,
 * with F' in pFp (n f64, from pass 1), over the compacted rows pE, pEC that
 * eamDensities wrote for the same rows, positions and list (so call it
 * right after pass 1). Returns the pair energy; adds the virial to pVir and
 * the per-atom pair terms when pPe != 0. pW: the row scratch.
 */
export function eamForces(i0: i32, i1: i32, pT: usize, pN: usize, pC: usize, stride: i32, pG: usize,
  tstride: i32, pD: usize, nr: i32, rdr: f64, cutoff: f64, pFp: usize,
  pS: usize, pF: usize, pVir: usize, pPe: usize, pPv: usize, pE: usize, pEC: usize, pW: usize): f64 {
  loadGeometry(pG);
  // scratch: geometry splats, then columns dx, dy, dz, r, p (f64), z2r line, slope line, descriptor (u32)
  const sw = scratchStride(stride), sw4 = sw >> 1;
  const vg = pW, wdx = pW + 144, wdy = wdx + sw, wdz = wdy + sw, wr = wdz + sw, wp = wr + sw, wz = wp + sw, wq = wz + sw4, wk = wq + sw4;
  geometrySplats(vg);
  const vrdr = f64x2.splat(rdr), one = f64x2.splat(1.0), mmax = i32x4.splat(nr - 1);
  const desc = pD + 64, line2 = <usize>load<i32>(pD, 4) << 6, rows2 = pD + <usize>load<i32>(pD, 12);
  let sink: f64 = 0;
  let energy: f64 = 0, axx: f64 = 0, ayy: f64 = 0, azz: f64 = 0, axy: f64 = 0, axz: f64 = 0, ayz: f64 = 0;
  for (let i = i0; i < i1; i++) {
    const q = ldi(pEC + (<usize>i << 2));
    if (q == 0) continue;
    const pe = pE + (<usize>(i * stride) << 2);
    const row = ldi(pT + (<usize>i << 2)) * tstride;
    const psi = pS + <usize>(3 * i) * 8;
    const vsx = f64x2.splat(ld(psi)), vsy = f64x2.splat(ld(psi + 8)), vsz = f64x2.splat(ld(psi + 16));
    // stage A: two kept entries per step (an odd last one pairs with itself; slot q is scratch)
    for (let e = 0; e < q; e += 2) {
      const j0 = ldi(pe + (<usize>e << 2)), j1 = e + 1 < q ? ldi(pe + (<usize>(e + 1) << 2)) : j0;
      const o8 = <usize>e << 3;
      const r2 = displace2(vsx, vsy, vsz, pS + <usize>(3 * j0) * 8, pS + <usize>(3 * j1) * 8, vg, wdx + o8, sw);
      const r = f64x2.sqrt(r2);
      const x = f64x2.add(f64x2.mul(r, vrdr), one);
      const m = intervals2(x, mmax);
      const d0 = desc + (<usize>(row + ldi(pT + (<usize>j0 << 2))) << 5), d1 = desc + (<usize>(row + ldi(pT + (<usize>j1 << 2))) << 5);
      const m0 = rows2 + <usize>i32x4.extract_lane(m, 0) * line2, m1 = rows2 + <usize>i32x4.extract_lane(m, 1) * line2;
      const z0 = m0 + <usize>load<i32>(d0, 4), q0 = m0 + <usize>load<i32>(d0, 8);
      const z1 = m1 + <usize>load<i32>(d1, 4), q1 = m1 + <usize>load<i32>(d1, 8);
      v128.store(wr + o8, r); v128.store(wp + o8, fractions2(x, m));
      const o4 = <usize>e << 2;
      store<u32>(wz + o4, <u32>z0); store<u32>(wz + o4, <u32>z1, 4);
      store<u32>(wq + o4, <u32>q0); store<u32>(wq + o4, <u32>q1, 4);
      store<u32>(wk + o4, <u32>d0); store<u32>(wk + o4, <u32>d1, 4);
      sink += ld(z0) + ld(q0) + ld(z1) + ld(q1);
    }
    // stage B
    const fpi = ld(pFp + <usize>i * 8);
    let fxi: f64 = 0, fyi: f64 = 0, fzi: f64 = 0;
    for (let e = 0; e < q; e++) {
      const j = ldi(pe + (<usize>e << 2));
      const o8 = <usize>e << 3;
      const r = ld(wr + o8);
      const o4 = <usize>e << 2;
      const p = f64x2.splat(ld(wp + o8));
      const z = cubic2(<usize>load<u32>(wz + o4), p);
      const rho = i8x16.swizzle(cubic2(<usize>load<u32>(wq + o4), p), v128.load(<usize>load<u32>(wk + o4), 16)); // [rho'_{j->i}, rho'_{i->j}]
      const recip = 1.0 / r;
      const phi = f64x2.extract_lane(z, 0) * recip;
      const phip = f64x2.extract_lane(z, 1) * recip - phi * recip;
      const fpair = -(phip + fpi * f64x2.extract_lane(rho, 0) + ld(pFp + <usize>j * 8) * f64x2.extract_lane(rho, 1)) / r;
      const dx = ld(wdx + o8), dy = ld(wdy + o8), dz = ld(wdz + o8);
      const fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
      fxi += fx; fyi += fy; fzi += fz;
      const pf = pF + <usize>(3 * j) * 8;
      st(pf, ld(pf) - fx); st(pf + 8, ld(pf + 8) - fy); st(pf + 16, ld(pf + 16) - fz);
      energy += phi;
      const vxx = dx * fx, vyy = dy * fy, vzz = dz * fz, vxy = dx * fy, vxz = dx * fz, vyz = dy * fz;
      axx += vxx; ayy += vyy; azz += vzz; axy += vxy; axz += vxz; ayz += vyz;
      if (pPe != 0) {
        const eh = 0.5 * phi;
        const ei = pPe + <usize>i * 8, ej = pPe + <usize>j * 8;
        st(ei, ld(ei) + eh); st(ej, ld(ej) + eh);
        addHalfVirial(pPv + <usize>(6 * i) * 8, vxx, vyy, vzz, vxy, vxz, vyz);
        addHalfVirial(pPv + <usize>(6 * j) * 8, vxx, vyy, vzz, vxy, vxz, vyz);
      }
    }
    const pfi = pF + <usize>(3 * i) * 8;
    st(pfi, ld(pfi) + fxi); st(pfi + 8, ld(pfi + 8) + fyi); st(pfi + 16, ld(pfi + 16) + fzi);
  }
  st(pVir, ld(pVir) + axx); st(pVir + 8, ld(pVir + 8) + ayy); st(pVir + 16, ld(pVir + 16) + azz);
  st(pVir + 24, ld(pVir + 24) + axy); st(pVir + 32, ld(pVir + 32) + axz); st(pVir + 40, ld(pVir + 40) + ayz);
  touched += sink;
  return energy;
}
