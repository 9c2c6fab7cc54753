// AssemblyScript source of the WebAssembly cell search of the neighbour-list
// build (src/neighbor/neighbor-list.ts `findPairs`, the TypeScript reference
// and fallback; ./pair-search.ts loads and drives it). Built by
// `npm run build:wasm` (src/linalg/wasm/build-kernels.ts) into
// pair-search.wasm next to this file (checked in; test/neighbor/pair-search-wasm.test.ts
// rebuilds it and compares bytes). Not type-checked by the project's tsc.
//
// Same traversal as the TypeScript findPairs, in the same order, so the pair
// buffer (and hence the sorted list) is the same: for each real home cell
// (z, y, x order) and each of its atoms (slot order), the rest of the home
// row, then the half-stencil rows. Pointers are BYTE addresses in this
// module's own memory: i32 arrays start (padded cells + 1), atom, type (per
// slot), f64 xyz (3 per slot, Cartesian coordinates of the shifted copies),
// f64 r2 (squared list radius per type pair [ti*tstride + tj]), i32 stencil
// rows oy, oz, wx; output i32 pa, pb (pairs as (min, max) atom index).

// @ts-ignore: decorator
@inline function ldi(p: usize): i32 { return load<i32>(p); }
// @ts-ignore: decorator
@inline function ld(p: usize): f64 { return load<f64>(p); }

/** the two atoms of an overlap (returned -2) */
export let overlapI: i32 = -1;
export let overlapJ: i32 = -1;

/**
 * Every pair within its list radius, once, appended to pa/pb; returns the
 * pair count, -1 when more than `cap` pairs were found (call again with
 * more room), or -2 when two atoms are closer than sqrt(ov2) (overlapI, overlapJ).
 */
export function findPairs(ncx: i32, ncy: i32, ncz: i32, padx: i32, pady: i32, padz: i32, nx: i32, ny: i32, nz: i32,
  pStart: usize, pAtom: usize, pType: usize, pXyz: usize, pR2: usize, tstride: i32,
  rows: i32, pOy: usize, pOz: usize, pWx: usize, homeWx: i32, ov2: f64,
  pRlo: usize, pRhi: usize, pA: usize, pB: usize, cap: i32): i32 {
  let np = 0;
  for (let cz = padz; cz < padz + ncz; cz++) for (let cy = pady; cy < pady + ncy; cy++) for (let cx = padx; cx < padx + ncx; cx++) {
    const home = (cz * ny + cy) * nx + cx;
    const p0 = ldi(pStart + (<usize>home << 2)), p1 = ldi(pStart + (<usize>(home + 1) << 2));
    if (p0 == p1) continue;
    let nrow = 0;
    for (let t = 0; t < rows; t++) {
      const z = cz + ldi(pOz + (<usize>t << 2)), y = cy + ldi(pOy + (<usize>t << 2));
      if (z >= nz || y < 0 || y >= ny) continue;
      const w = ldi(pWx + (<usize>t << 2));
      const rowBase = (z * ny + y) * nx;
      const lo = ldi(pStart + (<usize>(rowBase + max(0, cx - w)) << 2));
      const hi = ldi(pStart + (<usize>(rowBase + min(nx - 1, cx + w) + 1) << 2));
      if (lo == hi) continue;
      store<i32>(pRlo + (<usize>nrow << 2), lo); store<i32>(pRhi + (<usize>nrow << 2), hi); nrow++;
    }
    const x1 = min(nx - 1, cx + homeWx);
    const homeEnd = ldi(pStart + (<usize>((cz * ny + cy) * nx + x1 + 1) << 2));
    for (let p = p0; p < p1; p++) {
      const i = ldi(pAtom + (<usize>p << 2)), row = ldi(pType + (<usize>p << 2)) * tstride;
      const pp = pXyz + <usize>(3 * p) * 8;
      const xi = ld(pp), yi = ld(pp + 8), zi = ld(pp + 16);
      for (let r = -1; r < nrow; r++) {
        const q0 = r < 0 ? p + 1 : ldi(pRlo + (<usize>r << 2));
        const q1 = r < 0 ? homeEnd : ldi(pRhi + (<usize>r << 2));
        for (let q = q0; q < q1; q++) {
          const pq = pXyz + <usize>(3 * q) * 8;
          const dx = ld(pq) - xi, dy = ld(pq + 8) - yi, dz = ld(pq + 16) - zi;
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 >= ld(pR2 + (<usize>(row + ldi(pType + (<usize>q << 2))) << 3))) continue;
          const j = ldi(pAtom + (<usize>q << 2));
          if (r2 < ov2) { overlapI = i; overlapJ = j; return -2; }
          if (np >= cap) return -1;
          store<i32>(pA + (<usize>np << 2), min(i, j));
          store<i32>(pB + (<usize>np << 2), max(i, j));
          np++;
        }
      }
    }
  }
  return np;
}

/**
 * Row lengths into pCounts (n i32) and column offsets into pDeg (n + 1 i32)
 * of the np pairs (a < b) at pA, pB, as `rowAndColumnCounts` of
 * neighbor-list.ts: a pair sits in row a (full lists: also in row b);
 * with `balanced` (half lists, option halfRows 'balanced') first moved to
 * row b when a + b is odd. Returns the longest row.
 */
export function rowCounts(n: i32, full: i32, balanced: i32, pA: usize, pB: usize, np: i32, pCounts: usize, pDeg: usize): i32 {
  memory.fill(pCounts, 0, <usize>n << 2);
  memory.fill(pDeg, 0, <usize>(n + 1) << 2);
  for (let p = 0; p < np; p++) {
    const qa = pA + (<usize>p << 2), qb = pB + (<usize>p << 2);
    let a = ldi(qa), b = ldi(qb);
    if (balanced && ((a + b) & 1)) { store<i32>(qa, b); store<i32>(qb, a); const t = a; a = b; b = t; }
    const ca = pCounts + (<usize>a << 2);
    store<i32>(ca, ldi(ca) + 1);
    if (full) { const cb = pCounts + (<usize>b << 2); store<i32>(cb, ldi(cb) + 1); }
    else { const d = pDeg + (<usize>(b + 1) << 2); store<i32>(d, ldi(d) + 1); }
  }
  let maxCount = 0;
  for (let i = 0; i < n; i++) {
    const c = ldi(pCounts + (<usize>i << 2));
    if (c > maxCount) maxCount = c;
    if (full) store<i32>(pDeg + (<usize>(i + 1) << 2), c);
  }
  for (let c = 0; c < n; c++) {
    const d = pDeg + (<usize>(c + 1) << 2);
    store<i32>(d, ldi(d) + ldi(pDeg + (<usize>c << 2)));
  }
  return maxCount;
}

/**
 * Dense rows sorted by neighbour index into pNbr (n * stride i32), as
 * `sortedRows` of neighbor-list.ts: bucket the pairs by column (counting
 * sort with offsets pDeg, scratch pFill n i32, pPartner deg[n] i32), then
 * append each column to its rows in increasing order (row lengths in pLen,
 * n i32). Returns the first row whose length differs from pCounts, or -1.
 */
export function sortRows(n: i32, full: i32, stride: i32, pA: usize, pB: usize, np: i32, pCounts: usize, pDeg: usize,
  pFill: usize, pPartner: usize, pLen: usize, pNbr: usize): i32 {
  memory.fill(pNbr, 0, <usize>(n * stride) << 2);
  memory.copy(pFill, pDeg, <usize>n << 2);
  for (let p = 0; p < np; p++) {
    const a = ldi(pA + (<usize>p << 2)), b = ldi(pB + (<usize>p << 2));
    const fb = pFill + (<usize>b << 2);
    store<i32>(pPartner + (<usize>ldi(fb) << 2), a); store<i32>(fb, ldi(fb) + 1);
    if (full) {
      const fa = pFill + (<usize>a << 2);
      store<i32>(pPartner + (<usize>ldi(fa) << 2), b); store<i32>(fa, ldi(fa) + 1);
    }
  }
  memory.fill(pLen, 0, <usize>n << 2);
  for (let c = 0; c < n; c++) {
    for (let q = ldi(pDeg + (<usize>c << 2)), qe = ldi(pDeg + (<usize>(c + 1) << 2)); q < qe; q++) {
      const r = ldi(pPartner + (<usize>q << 2));
      const lr = pLen + (<usize>r << 2);
      const l = ldi(lr);
      store<i32>(pNbr + (<usize>(r * stride + l) << 2), c);
      store<i32>(lr, l + 1);
    }
  }
  for (let i = 0; i < n; i++) if (ldi(pLen + (<usize>i << 2)) != ldi(pCounts + (<usize>i << 2))) return i;
  return -1;
}
