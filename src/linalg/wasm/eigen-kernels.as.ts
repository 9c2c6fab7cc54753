// AssemblyScript source of the f64x2 SIMD kernels of the dense symmetric
// eigensolver (src/linalg/dense-eigen.ts). Built by `npm run build:wasm`
// into eigen-kernels.wasm next to this file (checked in; the test
// test/linalg/dense-eigen-wasm.test.ts rebuilds it and compares bytes).
// Not type-checked by the project's tsc (excluded in tsconfig.json).
//
// Conventions: every matrix is row-major f64 in the (imported, shared)
// linear memory; pointers are BYTE addresses of element (0, 0), leading
// dimensions are in ELEMENTS. The kernels keep no state between calls and
// allocate nothing, so several instances (one per thread) can share one
// memory: the caller (wasm-runtime.ts) hands each one its scratch space.

// ---------------------------------------------------------------------------
// GEMM: C[i, j] = (beta0 ? 0 : C[i, j]) + sign * sum_p A[i, p] B[p, j]
// for the rows i0 <= i < i1 of C (a thread's share), all j < N, p < K.
// Goto-style blocking: KC x NC blocks of B packed into strips of 4 columns
// (L2), MR x KC panels of A packed (L1), an MR x 4 register tile held in
// 2 MR f64x2 accumulators. `work` needs gemmWorkDoubles() doubles.

const KC: i32 = 256;
const NC: i32 = 256;
/** rows of the register tile (MR x 4: eight f64x2 accumulators; a 6 x 4 tile, or this one with the k loop unrolled by two, ran 40% slower in V8 11: register spills) */
const MR: i32 = 4;

// @ts-ignore: decorator
@inline function ld(p: usize): f64 { return load<f64>(p); }
// @ts-ignore: decorator
@inline function st(p: usize, x: f64): void { store<f64>(p, x); }

// a * b + c: one fused multiply-add with relaxed SIMD (the eigen-kernels-fma.wasm build), else mul + add
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

export function gemmRows(M: i32, N: i32, K: i32, pa: usize, lda: i32, pb: usize, ldb: i32, pc: usize, ldc: i32,
  sign: f64, beta0: i32, i0: i32, i1: i32, work: usize): void {
  if (i1 > M) i1 = M;
  if (i0 >= i1 || N <= 0) return;
  if (beta0) {
    for (let i = i0; i < i1; i++) memory.fill(pc + (<usize>(i * ldc) << 3), 0, <usize>N << 3);
  }
  if (K <= 0) return;
  const bp = work;
  const ap = work + (<usize>(KC * NC) << 3);
  const vs = f64x2.splat(sign);
  for (let pc0 = 0; pc0 < K; pc0 += KC) {
    const kc = min(KC, K - pc0);
    for (let jc = 0; jc < N; jc += NC) {
      const nc = min(NC, N - jc);
      const ns = (nc + 3) >> 2;
      // pack B[pc0 .. pc0+kc-1][jc .. jc+nc-1] as strips: bp[s][p][c], zero-padded
      for (let s = 0; s < ns; s++) {
        const j = jc + (s << 2);
        const w = min(4, N - j);
        let dst = bp + (<usize>(s * kc * 4) << 3);
        let src = pb + (<usize>(pc0 * ldb + j) << 3);
        if (w == 4) {
          for (let p = 0; p < kc; p++) {
            v128.store(dst, v128.load(src));
            v128.store(dst + 16, v128.load(src + 16));
            dst += 32; src += <usize>ldb << 3;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            for (let c = 0; c < 4; c++) st(dst + (<usize>c << 3), c < w ? ld(src + (<usize>c << 3)) : 0.0);
            dst += 32; src += <usize>ldb << 3;
          }
        }
      }
      for (let i = i0; i < i1; i += MR) {
        const h = min(MR, i1 - i);
        // pack A[i .. i+MR-1][pc0 .. pc0+kc-1] as ap[p][r], zero-padded
        for (let r = 0; r < MR; r++) {
          let dst = ap + (<usize>r << 3);
          if (r < h) {
            let src = pa + (<usize>((i + r) * lda + pc0) << 3);
            for (let p = 0; p < kc; p++) { st(dst, ld(src)); src += 8; dst += MR << 3; }
          } else {
            for (let p = 0; p < kc; p++) { st(dst, 0.0); dst += MR << 3; }
          }
        }
        for (let s = 0; s < ns; s++) {
          const j = jc + (s << 2);
          const w = min(4, N - j);
          let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
          let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
          let pA = ap;
          let pB = bp + (<usize>(s * kc * 4) << 3);
          for (let p = 0; p < kc; p++) {
            const b0 = v128.load(pB), b1 = v128.load(pB + 16);
            let a = v128.load64_splat(pA);
            c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
            a = v128.load64_splat(pA + 8);
            c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
            a = v128.load64_splat(pA + 16);
            c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
            a = v128.load64_splat(pA + 24);
            c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
            pA += MR << 3; pB += 32;
          }
          let o = pc + (<usize>(i * ldc + j) << 3);
          const rs = <usize>ldc << 3;
          if (w == 4 && h == MR) {
            v128.store(o, madd(vs, c00, v128.load(o))); v128.store(o + 16, madd(vs, c01, v128.load(o + 16))); o += rs;
            v128.store(o, madd(vs, c10, v128.load(o))); v128.store(o + 16, madd(vs, c11, v128.load(o + 16))); o += rs;
            v128.store(o, madd(vs, c20, v128.load(o))); v128.store(o + 16, madd(vs, c21, v128.load(o + 16))); o += rs;
            v128.store(o, madd(vs, c30, v128.load(o))); v128.store(o + 16, madd(vs, c31, v128.load(o + 16)));
          } else {
            // edge tile: spill the accumulators to the (now unused) tail of ap and add what fits
            const t = ap + (<usize>(kc * MR) << 3);
            v128.store(t, c00); v128.store(t + 16, c01); v128.store(t + 32, c10); v128.store(t + 48, c11);
            v128.store(t + 64, c20); v128.store(t + 80, c21); v128.store(t + 96, c30); v128.store(t + 112, c31);
            for (let r = 0; r < h; r++) {
              for (let c = 0; c < w; c++) {
                const q = o + (<usize>(r * ldc + c) << 3);
                st(q, ld(q) + sign * ld(t + (<usize>(r * 4 + c) << 3)));
              }
            }
          }
        }
      }
    }
  }
}

/** Doubles of scratch gemmRows needs (the packed B block, the A panel and a 4 x 4 spill tile). */
export function gemmWorkDoubles(): i32 { return KC * NC + MR * KC + 4 * MR; }

// ---------------------------------------------------------------------------
// Householder tridiagonalisation, the algorithm of tridiagonalize() in
// dense-eigen.ts (LAPACK dsytd2, lower, with the rank-2 update of step k-1
// fused into the symmetric matrix-vector product of step k), split into
// per-step pieces so the caller (wasm-runtime.ts) can give the rows of the
// fused pass to several threads:
//   tridiagColumn(k)   column k brought up to date, reflector k built (serial, O(n))
//   tridiagRows(k+1, rows i0..i1-1, own y)   the fused pass (f64x2), O(n (i1 - i0))
//   tridiagW(k+1)      y summed over the threads, w = tau y - (tau^2/2)(y.v) v (serial, O(n))
// a: n x n (lower triangle in, reflectors out in the upper triangle).
// v, vp: current and pending reflector; w: pending update vector (all n long).

export function tridiagColumn(pa: usize, n: i32, k: i32, pv: usize, pvp: usize, pw: usize, pd: usize, pe: usize, ptau: usize): void {
  const rowBytes = <usize>n << 3;
  const ko = <usize>k << 3;
  const wk = ld(pw + ko), vk = ld(pvp + ko);
  for (let i = k; i < n; i++) {
    const q = pa + <usize>i * rowBytes + ko;
    st(q, ld(q) - (ld(pvp + (<usize>i << 3)) * wk + ld(pw + (<usize>i << 3)) * vk));
  }
  st(pd + ko, ld(pa + <usize>k * rowBytes + ko));
  if (k == n - 1) return;
  const k1 = k + 1;
  const alpha = ld(pa + <usize>k1 * rowBytes + ko);
  let xnorm2: f64 = 0;
  for (let i = k1 + 1; i < n; i++) { const x = ld(pa + <usize>i * rowBytes + ko); xnorm2 += x * x; }
  let t: f64 = 0, beta = alpha;
  memory.fill(pv, 0, rowBytes);
  st(pv + (<usize>k1 << 3), 1.0);
  if (xnorm2 > 0) {
    const sa: f64 = alpha < 0 ? -1.0 : 1.0;
    beta = -sa * Math.sqrt(alpha * alpha + xnorm2);
    t = (beta - alpha) / beta;
    const sc = 1 / (alpha - beta);
    for (let i = k1 + 1; i < n; i++) st(pv + (<usize>i << 3), ld(pa + <usize>i * rowBytes + ko) * sc);
  }
  st(ptau + ko, t);
  st(pe + ko, beta);
  memory.copy(pa + <usize>k * rowBytes + (<usize>k1 << 3), pv + (<usize>k1 << 3), <usize>(n - k1) << 3);
}

export function tridiagRows(pa: usize, n: i32, k1: i32, v: usize, vp: usize, w: usize, y: usize, i0: i32, i1: i32): void {
  const rowBytes = <usize>n << 3;
  memory.fill(y + (<usize>k1 << 3), 0, <usize>(n - k1) << 3);
  if (i0 < k1) i0 = k1;
  if (i1 > n) i1 = n;
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const r0 = pa + <usize>i * rowBytes, r1 = r0 + rowBytes;
    const vi0 = ld(v + (<usize>i << 3)), vi1 = ld(v + (<usize>(i + 1) << 3));
    const p0 = ld(vp + (<usize>i << 3)), q0 = ld(w + (<usize>i << 3));
    const p1 = ld(vp + (<usize>(i + 1) << 3)), q1 = ld(w + (<usize>(i + 1) << 3));
    const P0 = f64x2.splat(p0), Q0 = f64x2.splat(q0), P1 = f64x2.splat(p1), Q1 = f64x2.splat(q1);
    const V0 = f64x2.splat(vi0), V1 = f64x2.splat(vi1);
    let S0 = f64x2.splat(0), S1 = f64x2.splat(0);
    let j = k1;
    for (; j + 1 < i; j += 2) {
      const jo = <usize>j << 3;
      const wj = v128.load(w + jo), pj = v128.load(vp + jo), vj = v128.load(v + jo);
      const x0 = f64x2.sub(v128.load(r0 + jo), f64x2.add(f64x2.mul(P0, wj), f64x2.mul(Q0, pj)));
      const x1 = f64x2.sub(v128.load(r1 + jo), f64x2.add(f64x2.mul(P1, wj), f64x2.mul(Q1, pj)));
      v128.store(r0 + jo, x0);
      v128.store(r1 + jo, x1);
      S0 = madd(x0, vj, S0);
      S1 = madd(x1, vj, S1);
      v128.store(y + jo, madd(x1, V1, madd(x0, V0, v128.load(y + jo))));
    }
    let s0 = f64x2.extract_lane(S0, 0) + f64x2.extract_lane(S0, 1);
    let s1 = f64x2.extract_lane(S1, 0) + f64x2.extract_lane(S1, 1);
    for (; j < i; j++) {
      const jo = <usize>j << 3;
      const wj = ld(w + jo), pj = ld(vp + jo), vj = ld(v + jo);
      const x0 = ld(r0 + jo) - (p0 * wj + q0 * pj);
      const x1 = ld(r1 + jo) - (p1 * wj + q1 * pj);
      st(r0 + jo, x0); st(r1 + jo, x1);
      s0 += x0 * vj; s1 += x1 * vj;
      st(y + jo, ld(y + jo) + x0 * vi0 + x1 * vi1);
    }
    const io = <usize>i << 3;
    const x0 = ld(r0 + io) - 2 * p0 * q0;
    const x1 = ld(r1 + io) - (p1 * q0 + q1 * p0);
    const x2 = ld(r1 + io + 8) - 2 * p1 * q1;
    st(r0 + io, x0); st(r1 + io, x1); st(r1 + io + 8, x2);
    st(y + io, ld(y + io) + s0 + x0 * vi0 + x1 * vi1);
    st(y + io + 8, ld(y + io + 8) + s1 + x1 * vi0 + x2 * vi1);
  }
  if (i < i1) {
    const r0 = pa + <usize>i * rowBytes;
    const vi0 = ld(v + (<usize>i << 3)), p0 = ld(vp + (<usize>i << 3)), q0 = ld(w + (<usize>i << 3));
    let s0: f64 = 0;
    for (let j = k1; j < i; j++) {
      const jo = <usize>j << 3;
      const x0 = ld(r0 + jo) - (p0 * ld(w + jo) + q0 * ld(vp + jo));
      st(r0 + jo, x0);
      s0 += x0 * ld(v + jo);
      st(y + jo, ld(y + jo) + x0 * vi0);
    }
    const io = <usize>i << 3;
    const x0 = ld(r0 + io) - 2 * p0 * q0;
    st(r0 + io, x0);
    st(y + io, ld(y + io) + s0 + x0 * vi0);
  }
}

/** y += y2 (the other thread's partial; y2 = 0 for none), then the new pending w from y, v and tau_k. */
export function tridiagW(n: i32, k1: i32, t: f64, v: usize, y: usize, y2: usize, w: usize): void {
  if (y2 != 0) for (let q = k1; q < n; q++) st(y + (<usize>q << 3), ld(y + (<usize>q << 3)) + ld(y2 + (<usize>q << 3)));
  let yv: f64 = 0;
  for (let q = k1; q < n; q++) yv += ld(y + (<usize>q << 3)) * ld(v + (<usize>q << 3));
  const half = 0.5 * t * t * yv;
  memory.fill(w, 0, <usize>n << 3);
  for (let q = k1; q < n; q++) st(w + (<usize>q << 3), t * ld(y + (<usize>q << 3)) - half * ld(v + (<usize>q << 3)));
}

// ---------------------------------------------------------------------------
// Blocked reduction (LAPACK dsytrd / dlatrd, lower): within a panel of nb
// columns the trailing matrix is NOT updated; column k first receives the
// updates of the panel's earlier reflectors, y = A v reads the trailing
// matrix as it was at the panel start (read-only, half the memory traffic of
// the fused pass) and is corrected with the panel's V and W; after the panel
// one rank-2nb update A -= V W^T + W V^T (gemmRows, level 3).
// Panel vectors are full-length (n) columns, zero above their support:
// V_c = Vp + c n, W_c = Wp + c n.

/** A(k:n, k) -= sum_{c < ic} (V_c(k:n) W_c[k] + W_c(k:n) V_c[k]) */
export function panelColumnUpdate(pa: usize, n: i32, k: i32, Vp: usize, Wp: usize, ic: i32): void {
  const rowBytes = <usize>n << 3, ko = <usize>k << 3;
  for (let c = 0; c < ic; c++) {
    const V = Vp + (<usize>(c * n) << 3), W = Wp + (<usize>(c * n) << 3);
    const wk = ld(W + ko), vk = ld(V + ko);
    for (let i = k; i < n; i++) {
      const q = pa + <usize>i * rowBytes + ko;
      st(q, ld(q) - (ld(V + (<usize>i << 3)) * wk + ld(W + (<usize>i << 3)) * vk));
    }
  }
}

/**
 * y(k1:n) = 0, then for rows i0 <= i < i1: y += (row i of the symmetric
 * A(k1:n, k1:n), lower stored) x v. Four rows at a time, so each loaded
 * v_j and y_j serves four matrix rows.
 */
export function symvRows(pa: usize, n: i32, k1: i32, v: usize, y: usize, i0: i32, i1: i32): void {
  const rowBytes = <usize>n << 3;
  memory.fill(y + (<usize>k1 << 3), 0, <usize>(n - k1) << 3);
  if (i0 < k1) i0 = k1;
  if (i1 > n) i1 = n;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const r0 = pa + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    const io = <usize>i << 3;
    const V0 = v128.load64_splat(v + io), V1 = v128.load64_splat(v + io + 8);
    const V2 = v128.load64_splat(v + io + 16), V3 = v128.load64_splat(v + io + 24);
    let S0 = f64x2.splat(0), S1 = f64x2.splat(0), S2 = f64x2.splat(0), S3 = f64x2.splat(0);
    // columns k1 .. i-1 (below the 4 x 4 diagonal block), in pairs
    let j = k1;
    const jend = k1 + ((i - k1) & ~1);
    for (; j < jend; j += 2) {
      const jo = <usize>j << 3;
      const vj = v128.load(v + jo);
      const x0 = v128.load(r0 + jo), x1 = v128.load(r1 + jo), x2 = v128.load(r2 + jo), x3 = v128.load(r3 + jo);
      S0 = madd(x0, vj, S0); S1 = madd(x1, vj, S1); S2 = madd(x2, vj, S2); S3 = madd(x3, vj, S3);
      v128.store(y + jo, madd(x3, V3, madd(x2, V2, madd(x1, V1, madd(x0, V0, v128.load(y + jo))))));
    }
    let s0 = f64x2.extract_lane(S0, 0) + f64x2.extract_lane(S0, 1);
    let s1 = f64x2.extract_lane(S1, 0) + f64x2.extract_lane(S1, 1);
    let s2 = f64x2.extract_lane(S2, 0) + f64x2.extract_lane(S2, 1);
    let s3 = f64x2.extract_lane(S3, 0) + f64x2.extract_lane(S3, 1);
    const vi0 = ld(v + io), vi1 = ld(v + io + 8), vi2 = ld(v + io + 16), vi3 = ld(v + io + 24);
    if (j < i) {
      const jo = <usize>j << 3;
      const vj = ld(v + jo), x0 = ld(r0 + jo), x1 = ld(r1 + jo), x2 = ld(r2 + jo), x3 = ld(r3 + jo);
      s0 += x0 * vj; s1 += x1 * vj; s2 += x2 * vj; s3 += x3 * vj;
      st(y + jo, ld(y + jo) + x0 * vi0 + x1 * vi1 + x2 * vi2 + x3 * vi3);
    }
    // the 4 x 4 diagonal block (lower part stored)
    const a00 = ld(r0 + io);
    const a10 = ld(r1 + io), a11 = ld(r1 + io + 8);
    const a20 = ld(r2 + io), a21 = ld(r2 + io + 8), a22 = ld(r2 + io + 16);
    const a30 = ld(r3 + io), a31 = ld(r3 + io + 8), a32 = ld(r3 + io + 16), a33 = ld(r3 + io + 24);
    st(y + io, ld(y + io) + s0 + a00 * vi0 + a10 * vi1 + a20 * vi2 + a30 * vi3);
    st(y + io + 8, ld(y + io + 8) + s1 + a10 * vi0 + a11 * vi1 + a21 * vi2 + a31 * vi3);
    st(y + io + 16, ld(y + io + 16) + s2 + a20 * vi0 + a21 * vi1 + a22 * vi2 + a32 * vi3);
    st(y + io + 24, ld(y + io + 24) + s3 + a30 * vi0 + a31 * vi1 + a32 * vi2 + a33 * vi3);
  }
  for (; i < i1; i++) {
    const r0 = pa + <usize>i * rowBytes;
    const vi0 = ld(v + (<usize>i << 3));
    let s0: f64 = 0;
    for (let j = k1; j < i; j++) {
      const jo = <usize>j << 3;
      const x0 = ld(r0 + jo);
      s0 += x0 * ld(v + jo);
      st(y + jo, ld(y + jo) + x0 * vi0);
    }
    const io = <usize>i << 3;
    st(y + io, ld(y + io) + s0 + ld(r0 + io) * vi0);
  }
}

/**
 * Panel column ic (reflector v, tau t, y = A v from symvRows, y2 a second
 * thread's partial or 0): w = t (y - W (V^T v) - V (W^T v)), w -= (t/2)(w.v) v;
 * v and w are stored as V_ic and W_ic.
 */
export function panelW(n: i32, k1: i32, t: f64, v: usize, y: usize, y2: usize, Vp: usize, Wp: usize, ic: i32): void {
  const q0 = <usize>k1 << 3, q1 = <usize>n << 3;
  const odd = ((n - k1) & 1) != 0;
  const qv = odd ? q1 - 8 : q1; // [q0, qv) in f64x2 pairs, then at most one scalar
  if (y2 != 0) {
    for (let o = q0; o < qv; o += 16) v128.store(y + o, f64x2.add(v128.load(y + o), v128.load(y2 + o)));
    if (odd) st(y + qv, ld(y + qv) + ld(y2 + qv));
  }
  for (let c = 0; c < ic; c++) {
    const V = Vp + (<usize>(c * n) << 3), W = Wp + (<usize>(c * n) << 3);
    let X = f64x2.splat(0), Z = f64x2.splat(0);
    for (let o = q0; o < qv; o += 16) { const vq = v128.load(v + o); X = madd(v128.load(V + o), vq, X); Z = madd(v128.load(W + o), vq, Z); }
    let x = f64x2.extract_lane(X, 0) + f64x2.extract_lane(X, 1), z = f64x2.extract_lane(Z, 0) + f64x2.extract_lane(Z, 1);
    if (odd) { const vq = ld(v + qv); x += ld(V + qv) * vq; z += ld(W + qv) * vq; }
    const Xs = f64x2.splat(-x), Zs = f64x2.splat(-z);
    for (let o = q0; o < qv; o += 16) v128.store(y + o, madd(v128.load(V + o), Zs, madd(v128.load(W + o), Xs, v128.load(y + o))));
    if (odd) st(y + qv, ld(y + qv) - ld(W + qv) * x - ld(V + qv) * z);
  }
  const T = f64x2.splat(t);
  let WV = f64x2.splat(0);
  for (let o = q0; o < qv; o += 16) { const wq = f64x2.mul(T, v128.load(y + o)); v128.store(y + o, wq); WV = madd(wq, v128.load(v + o), WV); }
  let wv = f64x2.extract_lane(WV, 0) + f64x2.extract_lane(WV, 1);
  if (odd) { const wq = t * ld(y + qv); st(y + qv, wq); wv += wq * ld(v + qv); }
  const alpha = -0.5 * t * wv;
  const V = Vp + (<usize>(ic * n) << 3), W = Wp + (<usize>(ic * n) << 3);
  memory.fill(V, 0, q0);
  memory.fill(W, 0, q0);
  memory.copy(V + q0, v + q0, q1 - q0);
  const A = f64x2.splat(alpha);
  for (let o = q0; o < qv; o += 16) v128.store(W + o, madd(A, v128.load(v + o), v128.load(y + o)));
  if (odd) st(W + qv, ld(y + qv) + alpha * ld(v + qv));
}

/** VW (m x 2nb, row r = [V_0..V_{nb-1}, W_0..W_{nb-1}] at row c0 + r) and WVt (2nb x m, rows W_0.., V_0..) for the trailing update. */
export function panelPack(n: i32, c0: i32, nb: i32, Vp: usize, Wp: usize, VW: usize, WVt: usize): void {
  const m = n - c0;
  for (let c = 0; c < nb; c++) {
    const V = Vp + (<usize>(c * n + c0) << 3), W = Wp + (<usize>(c * n + c0) << 3);
    memory.copy(WVt + (<usize>(c * m) << 3), W, <usize>m << 3);
    memory.copy(WVt + (<usize>((nb + c) * m) << 3), V, <usize>m << 3);
    for (let r = 0; r < m; r++) {
      const o = VW + (<usize>(r * 2 * nb) << 3);
      st(o + (<usize>c << 3), ld(V + (<usize>r << 3)));
      st(o + (<usize>(nb + c) << 3), ld(W + (<usize>r << 3)));
    }
  }
}

// ---------------------------------------------------------------------------
// Divide and conquer (tridiagonal-dc.ts): the secular equation of a merge
// and the Gu-Eisenstat eigenvectors, the algorithms of secularRoot and
// secularVectors there, with the O(K) sums over the poles in f64x2.
// d: K poles ascending, w: K weights r zhat_j^2 > 0 (all f64 arrays).

const SEC_EPS: f64 = 2.220446049250313e-16;

/** The root of A x^2 + B x + C inside (lo, hi), or NaN. */
function quadraticRootIn(A: f64, B: f64, C: f64, lo: f64, hi: f64): f64 {
  if (Math.abs(A) <= SEC_EPS * (Math.abs(B) + Math.abs(C))) return B != 0 ? -C / B : NaN;
  const disc = Math.max(0, B * B - 4 * A * C);
  const qq = -0.5 * (B + (B >= 0 ? 1.0 : -1.0) * Math.sqrt(disc));
  const r1 = qq / A, r2 = qq != 0 ? C / qq : NaN;
  if (r1 > lo && r1 < hi) return r1;
  if (r2 > lo && r2 < hi) return r2;
  return NaN;
}

/** sum_{j0 <= j < j1} w_j / (delta_j - t) into out[0], its derivative into out[1] (f64x2, two lanes). */
// @ts-ignore: decorator
@inline function poleSums(delta: usize, w: usize, j0: i32, j1: i32, t: f64, out: usize): void {
  const T = f64x2.splat(t), one = f64x2.splat(1.0);
  let S = f64x2.splat(0), D = f64x2.splat(0);
  let j = j0;
  for (; j + 1 < j1; j += 2) {
    const o = <usize>j << 3;
    const inv = f64x2.div(one, f64x2.sub(v128.load(delta + o), T));
    const x = f64x2.mul(v128.load(w + o), inv);
    S = f64x2.add(S, x);
    D = madd(x, inv, D);
  }
  let s = f64x2.extract_lane(S, 0) + f64x2.extract_lane(S, 1);
  let ds = f64x2.extract_lane(D, 0) + f64x2.extract_lane(D, 1);
  if (j < j1) {
    const o = <usize>j << 3;
    const inv = 1 / (ld(delta + o) - t), x = ld(w + o) * inv;
    s += x; ds += x * inv;
  }
  st(out, s); st(out + 8, ds);
}

/**
 * All K roots of f(t) = 1 + sum_j w_j / (d_j - t): root i as origin[i] (the
 * nearer pole, stored as f64) and tau[i] = lambda_i - d[origin[i]];
 * values[i] = lambda_i. delta (K) and sums (4 doubles) are scratch.
 */
export function secularRoots(d: usize, w: usize, K: i32, delta: usize, origin: usize, tau: usize, values: usize, sums: usize): void {
  for (let i = 0; i < K; i++) {
    const last = i == K - 1;
    let o: i32, lo: f64, hi: f64;
    if (last) {
      o = i; lo = 0; hi = 0;
      for (let j = 0; j < K; j++) hi += ld(w + (<usize>j << 3));
    } else {
      const di = ld(d + (<usize>i << 3));
      const gap = ld(d + (<usize>(i + 1) << 3)) - di, mid = 0.5 * gap;
      let fm: f64 = 1;
      for (let j = 0; j < K; j++) fm += ld(w + (<usize>j << 3)) / (ld(d + (<usize>j << 3)) - di - mid);
      if (fm >= 0) { o = i; lo = 0; hi = mid; } else { o = i + 1; lo = -mid; hi = 0; }
    }
    const base = ld(d + (<usize>o << 3));
    const B = f64x2.splat(base);
    let j = 0;
    for (; j + 1 < K; j += 2) v128.store(delta + (<usize>j << 3), f64x2.sub(v128.load(d + (<usize>j << 3)), B));
    if (j < K) st(delta + (<usize>j << 3), ld(d + (<usize>j << 3)) - base);
    const p = ld(delta + (<usize>i << 3)), q = last ? 0.0 : ld(delta + (<usize>(i + 1) << 3));
    let t = 0.5 * (lo + hi);
    for (let it = 0; it < 200; it++) {
      poleSums(delta, w, 0, i + 1, t, sums);
      poleSums(delta, w, i + 1, K, t, sums + 16);
      const psi = ld(sums), dpsi = ld(sums + 8), phi = ld(sums + 16), dphi = ld(sums + 24);
      const f = 1 + psi + phi;
      if (f == 0) break;
      if (f < 0) lo = t; else hi = t;
      const erretm = 8 * (1 + Math.abs(psi) + Math.abs(phi)) + Math.abs(t) * (dpsi + dphi);
      if (Math.abs(f) <= SEC_EPS * erretm || hi - lo <= 2 * SEC_EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      // two-pole rational model c + s/(p - x) + S/(q - x) matching f, f' at t
      const dl = p - t, s = dl * dl * dpsi;
      let next: f64;
      if (last) {
        const c = f - s / dl;
        next = c > 0 ? p + s / c : NaN;
      } else {
        const dr = q - t, S = dr * dr * dphi;
        const c = f - s / dl - S / dr;
        next = quadraticRootIn(c, -(c * (p + q) + s + S), c * p * q + s * q + S * p, lo, hi);
      }
      t = next > lo && next < hi ? next : 0.5 * (lo + hi);
    }
    st(origin + (<usize>i << 3), <f64>o);
    st(tau + (<usize>i << 3), t);
    st(values + (<usize>i << 3), base + t);
  }
}

/**
 * Gu-Eisenstat vectors from the roots of secularRoots: zhat_j^2 =
 * prod_i (lambda_i - d_j) / (r prod_{i != j} (d_i - d_j)) with the sign
 * zsign_j, u_i[j] = zhat_j / (d_j - lambda_i) normalised, written as row i
 * of U (K x K) at column col[j] (col: K i32). d_j - lambda_i is formed as
 * (d_j - d_origin(i)) - tau_i. zhat and diff (K each) are scratch.
 */
export function secularVectors(d: usize, K: i32, r: f64, zsign: usize, origin: usize, tau: usize, col: usize, U: usize, zhat: usize, diff: usize): void {
  for (let j = 0; j < K; j++) st(zhat + (<usize>j << 3), 1.0);
  for (let i = 0; i < K; i++) {
    const base = ld(d + (<usize>(<i32>ld(origin + (<usize>i << 3))) << 3)), ti = ld(tau + (<usize>i << 3));
    const B = f64x2.splat(base), T = f64x2.splat(ti);
    // factor_j = (lambda_i - d_j) / den_j, den_j = r (i = K-1), d_{i+1} - d_j (j <= i), d_i - d_j (j > i)
    const last = i == K - 1;
    const jsplit = last ? K : i + 1;
    const D1 = f64x2.splat(last ? 0.0 : ld(d + (<usize>(i + 1) << 3))), D0 = f64x2.splat(ld(d + (<usize>i << 3)));
    let j = 0;
    for (; j + 1 < K; j += 2) {
      const o = <usize>j << 3;
      const dj = v128.load(d + o);
      const lam = f64x2.sub(f64x2.sub(dj, B), T); // d_j - lambda_i
      let den: v128;
      if (last) den = f64x2.splat(r);
      else if (j + 1 < jsplit) den = f64x2.sub(D1, dj);
      else if (j >= jsplit) den = f64x2.sub(D0, dj);
      else den = f64x2.sub(f64x2.replace_lane(D1, 1, ld(d + (<usize>i << 3))), dj);
      v128.store(zhat + o, f64x2.mul(v128.load(zhat + o), f64x2.div(f64x2.neg(lam), den)));
    }
    if (j < K) {
      const o = <usize>j << 3;
      const dj = ld(d + o);
      const lam = (dj - base) - ti;
      const den = last ? r : (j < jsplit ? ld(d + (<usize>(i + 1) << 3)) - dj : ld(d + (<usize>i << 3)) - dj);
      st(zhat + o, ld(zhat + o) * (-lam / den));
    }
  }
  for (let j = 0; j < K; j++) {
    const o = <usize>j << 3;
    const s = ld(zsign + o);
    st(zhat + o, s * Math.sqrt(Math.max(0, ld(zhat + o))));
  }
  for (let i = 0; i < K; i++) {
    const base = ld(d + (<usize>(<i32>ld(origin + (<usize>i << 3))) << 3)), ti = ld(tau + (<usize>i << 3));
    const B = f64x2.splat(base), T = f64x2.splat(ti);
    let N = f64x2.splat(0);
    let j = 0;
    for (; j + 1 < K; j += 2) {
      const o = <usize>j << 3;
      const v = f64x2.div(v128.load(zhat + o), f64x2.sub(f64x2.sub(v128.load(d + o), B), T));
      v128.store(diff + o, v);
      N = madd(v, v, N);
    }
    let nrm = f64x2.extract_lane(N, 0) + f64x2.extract_lane(N, 1);
    if (j < K) {
      const o = <usize>j << 3;
      const v = ld(zhat + o) / ((ld(d + o) - base) - ti);
      st(diff + o, v);
      nrm += v * v;
    }
    const inv = 1 / Math.sqrt(nrm);
    const row = U + (<usize>(i * K) << 3);
    for (let q = 0; q < K; q++) st(row + (<usize>load<i32>(col + (<usize>q << 2)) << 3), ld(diff + (<usize>q << 3)) * inv);
  }
}
