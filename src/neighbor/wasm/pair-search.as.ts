// AssemblyScript source of the WebAssembly neighbour-list build
// (src/neighbor/neighbor-list.ts `binAtoms`, `findPairs` and the row sort
// are the TypeScript reference and fallback; ./pair-search.ts loads and
// drives this). Built by `npm run build:wasm` (src/linalg/wasm/build-kernels.ts)
// into pair-search.wasm next to this file (checked in;
// test/neighbor/pair-search-wasm.test.ts rebuilds it and compares bytes).
// Not type-checked by the project's tsc.
//
// Pointers are BYTE addresses in linear memory. Four steps:
//  1. binCells: the real cell of every atom from its wrapped fractional
//     coordinates, and the number of copies (the atom and its periodic
//     images) per padded cell, as start offsets (a prefix sum);
//  2. binFill: the copies in slot order (atoms in index order within a
//     cell): atom index, type, Cartesian coordinates of the shifted copy;
//  3. searchHalf: the half-stencil cell search of `findPairs` (each pair
//     once), branch-free (every candidate is written to a scratch list
//     whose length grows by the hit, so a miss costs no mispredicted
//     branch); then each pair, kept in row r with column c, appends r to
//     the list of column c;
//  4. sweepRows: the columns in increasing order, each appended to its
//     rows, so every row comes out sorted by neighbour index (a transpose,
//     no sort): the list of neighbor-list.ts, a function of the set of
//     pairs only.
// Steps 3 and 4 split over threads (./pair-search.ts `runListJob`): each
// thread searches a range of home cells into column lists of its own, kept
// apart by the owner of each pair's row; each owner then sweeps its rows
// from every thread's lists, in thread order. The rows are the same.
// Row choice (mode): 0 half list, row of the smaller index; 1 half list
// 'balanced', row of the smaller index when the indices' sum is even, else
// of the larger; 2 full list, both rows.

// @ts-ignore: decorator
@inline function ldi(p: usize): i32 { return load<i32>(p); }
// @ts-ignore: decorator
@inline function ld(p: usize): f64 { return load<f64>(p); }
// @ts-ignore: decorator
@inline function sti(p: usize, v: i32): void { store<i32>(p, v); }

/**
 * Real cell b_k = floor((s_k - lo_k) inv_k) clamped to [0, nc_k) of each of
 * the n atoms (fractional s at pS, stride 3) into pCell (3n i32), and the
 * number of copies per padded cell into pStart as start offsets (ncell + 1
 * i32, ncell = ext_x ext_y ext_z, ext = nc + 2 pad): along a direction with
 * pad > 0 an atom has a copy in each padded cell e = b + pad (mod nc) + t nc
 * inside [0, ext). Returns the number of slots.
 */
export function binCells(n: i32, pS: usize, lo0: f64, lo1: f64, lo2: f64, inv0: f64, inv1: f64, inv2: f64,
  nc0: i32, nc1: i32, nc2: i32, pad0: i32, pad1: i32, pad2: i32, pCell: usize, pStart: usize): i32 {
  const nx = nc0 + 2 * pad0, ny = nc1 + 2 * pad1, nz = nc2 + 2 * pad2;
  const ncell = nx * ny * nz;
  memory.fill(pStart, 0, <usize>(ncell + 1) << 2);
  for (let i = 0; i < n; i++) {
    const ps = pS + <usize>(3 * i) * 8, pc = pCell + <usize>(3 * i) * 4;
    let bx = <i32>Math.floor((ld(ps) - lo0) * inv0);
    let by = <i32>Math.floor((ld(ps + 8) - lo1) * inv1);
    let bz = <i32>Math.floor((ld(ps + 16) - lo2) * inv2);
    bx = bx < 0 ? 0 : (bx >= nc0 ? nc0 - 1 : bx);
    by = by < 0 ? 0 : (by >= nc1 ? nc1 - 1 : by);
    bz = bz < 0 ? 0 : (bz >= nc2 ? nc2 - 1 : bz);
    sti(pc, bx); sti(pc + 4, by); sti(pc + 8, bz);
    bx += pad0; by += pad1; bz += pad2;
    for (let ez = pad2 > 0 ? bz % nc2 : bz; ez < nz && (pad2 > 0 || ez == bz); ez += nc2) {
      for (let ey = pad1 > 0 ? by % nc1 : by; ey < ny && (pad1 > 0 || ey == by); ey += nc1) {
        for (let ex = pad0 > 0 ? bx % nc0 : bx; ex < nx && (pad0 > 0 || ex == bx); ex += nc0) {
          const q = pStart + (<usize>((ez * ny + ey) * nx + ex + 1) << 2);
          sti(q, ldi(q) + 1);
        }
      }
    }
  }
  for (let c = 0; c < ncell; c++) {
    const q = pStart + (<usize>(c + 1) << 2);
    sti(q, ldi(q) + ldi(q - 4));
  }
  return ldi(pStart + (<usize>ncell << 2));
}

/**
 * Fill the slots binCells counted (atoms in index order, so a cell's slots
 * hold increasing atom indices, copies of one atom adjacent): atom index
 * (pAtom), type (pType, from the atom types at pTypes), Cartesian
 * coordinates of the copy shifted by whole cells (pXyz, 3 f64:
 * x = lx sx + xy sy + xz sz, y = ly sy + yz sz, z = lz sz, z = 0 when
 * dim3 is 0). pFill: ncell i32 of scratch.
 */
export function binFill(n: i32, pS: usize, pTypes: usize, lx: f64, ly: f64, lz: f64, xy: f64, xz: f64, yz: f64, dim3: i32,
  nc0: i32, nc1: i32, nc2: i32, pad0: i32, pad1: i32, pad2: i32, pCell: usize, pStart: usize, pFill: usize,
  pAtom: usize, pType: usize, pXyz: usize): void {
  const nx = nc0 + 2 * pad0, ny = nc1 + 2 * pad1, nz = nc2 + 2 * pad2;
  memory.copy(pFill, pStart, <usize>(nx * ny * nz) << 2);
  for (let i = 0; i < n; i++) {
    const ps = pS + <usize>(3 * i) * 8, pc = pCell + <usize>(3 * i) * 4;
    const bx = ldi(pc) + pad0, by = ldi(pc + 4) + pad1, bz = ldi(pc + 8) + pad2;
    const t = ldi(pTypes + (<usize>i << 2));
    for (let ez = pad2 > 0 ? bz % nc2 : bz; ez < nz && (pad2 > 0 || ez == bz); ez += nc2) {
      const sz = ld(ps + 16) + <f64>((ez - pad2 - (ez - pad2 < 0 ? nc2 - 1 : 0)) / nc2);
      for (let ey = pad1 > 0 ? by % nc1 : by; ey < ny && (pad1 > 0 || ey == by); ey += nc1) {
        const sy = ld(ps + 8) + <f64>((ey - pad1 - (ey - pad1 < 0 ? nc1 - 1 : 0)) / nc1);
        for (let ex = pad0 > 0 ? bx % nc0 : bx; ex < nx && (pad0 > 0 || ex == bx); ex += nc0) {
          const sx = ld(ps) + <f64>((ex - pad0 - (ex - pad0 < 0 ? nc0 - 1 : 0)) / nc0);
          const f = pFill + (<usize>((ez * ny + ey) * nx + ex) << 2);
          const q = ldi(f);
          sti(f, q + 1);
          sti(pAtom + (<usize>q << 2), i);
          sti(pType + (<usize>q << 2), t);
          const px = pXyz + <usize>(3 * q) * 8;
          store<f64>(px, lx * sx + xy * sy + xz * sz);
          store<f64>(px + 8, ly * sy + yz * sz);
          store<f64>(px + 16, dim3 != 0 ? lz * sz : 0);
        }
      }
    }
  }
}

/** the two atoms of an overlap (searchHalf returned -2) */
export let overlapI: i32 = -1;
export let overlapJ: i32 = -1;

/**
 * The half-stencil search of neighbor-list.ts `findPairs` (same traversal:
 * for each real home cell and each of its slots, the rest of the home row,
 * then the `rows` x-rows (oy, oz, wx) of the half stencil), every pair
 * within its list radius (pR2 [ti tstride + tj]) appended to its column's
 * list. Only the real home cells k0 <= k < k1 are searched (k = (z ncy + y)
 * ncx + x over the real cells, the traversal order): a thread takes a range.
 * The column lists are split by the owner of the row the pair goes to:
 * `owners` sets, set o for the rows bounds[o] <= r < bounds[o + 1] (pBounds:
 * owners + 1 i32; one set when owners is 1), so that each owner can sweep
 * its rows alone. Set o: column lengths at pClen + 4 (o n + c) (owners n
 * i32, zeroed here; lengths past cs are counted, not stored), column c at
 * pCol + 4 (o n + c) cs; the word before pCol takes the writes that do not
 * count. pRlo, pRhi: `rows` i32 of scratch; pHit: one i32 per slot of
 * scratch.
 * Returns the longest column (more than cs: search again with a wider
 * one), or -2 when two atoms are closer than sqrt(ov2) (overlapI, overlapJ).
 */
export function searchHalf(n: i32, mode: i32, ncx: i32, ncy: i32, ncz: i32, padx: i32, pady: i32, padz: i32, nx: i32, ny: i32, nz: i32,
  pStart: usize, pAtom: usize, pType: usize, pXyz: usize, pR2: usize, tstride: i32,
  rows: i32, pOy: usize, pOz: usize, pWx: usize, homeWx: i32, ov2: f64,
  pRlo: usize, pRhi: usize, pHit: usize, cs: i32, pClen: usize, pCol: usize, k0: i32, k1: i32, owners: i32, pBounds: usize): i32 {
  memory.fill(pClen, 0, <usize>(owners * n) << 2);
  const dummy = pCol - 4;
  for (let k = k0; k < k1; k++) {
    const cx = padx + k % ncx, cy = pady + (k / ncx) % ncy, cz = padz + k / (ncx * ncy);
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
      sti(pRlo + (<usize>nrow << 2), lo); sti(pRhi + (<usize>nrow << 2), hi); nrow++;
    }
    const x1 = min(nx - 1, cx + homeWx);
    const homeEnd = ldi(pStart + (<usize>((cz * ny + cy) * nx + x1 + 1) << 2));
    for (let p = p0; p < p1; p++) {
      const i = ldi(pAtom + (<usize>p << 2));
      const radii = pR2 + (<usize>(ldi(pType + (<usize>p << 2)) * tstride) << 3);
      const pp = pXyz + <usize>(3 * p) * 8;
      const xi = ld(pp), yi = ld(pp + 8), zi = ld(pp + 16);
      // the hits of atom i, branch-free, into the scratch at pHit; then appended to their columns
      let k = 0;
      for (let r = -1; r < nrow; r++) {
        const q0 = r < 0 ? p + 1 : ldi(pRlo + (<usize>r << 2));
        const q1 = r < 0 ? homeEnd : ldi(pRhi + (<usize>r << 2));
        for (let q = q0; q < q1; q++) {
          const pq = pXyz + <usize>(3 * q) * 8;
          const dx = ld(pq) - xi, dy = ld(pq + 8) - yi, dz = ld(pq + 16) - zi;
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 < ov2) { const j = ldi(pAtom + (<usize>q << 2)); overlapI = min(i, j); overlapJ = max(i, j); return -2; }
          sti(pHit + (<usize>k << 2), ldi(pAtom + (<usize>q << 2)));
          k += <i32>(r2 < ld(radii + (<usize>ldi(pType + (<usize>q << 2)) << 3)));
        }
      }
      for (let h = 0; h < k; h++) {
        const j = ldi(pHit + (<usize>h << 2));
        const a = min(i, j), b = max(i, j);
        const swap = mode == 1 ? (a + b) & 1 : 0;
        const row = swap ? b : a, col = swap ? a : b;
        const sc = ownerOf(row, owners, pBounds) * n + col;
        const pl = pClen + (<usize>sc << 2);
        const l = ldi(pl);
        sti(select<usize>(pCol + (<usize>(sc * cs + l) << 2), dummy, l < cs), row);
        sti(pl, l + 1);
        if (mode == 2) {
          const sr = ownerOf(col, owners, pBounds) * n + row;
          const pl2 = pClen + (<usize>sr << 2);
          const l2 = ldi(pl2);
          sti(select<usize>(pCol + (<usize>(sr * cs + l2) << 2), dummy, l2 < cs), col);
          sti(pl2, l2 + 1);
        }
      }
    }
  }
  let longest = 0;
  for (let c = 0; c < owners * n; c++) longest = max(longest, ldi(pClen + (<usize>c << 2)));
  return longest;
}

/** The owner o of row r: bounds[o] <= r < bounds[o + 1] (bounds at pBounds, bounds[0] = 0), branch-free. */
// @ts-ignore: decorator
@inline function ownerOf(r: i32, owners: i32, pBounds: usize): i32 {
  let o = 0;
  for (let t = 1; t < owners; t++) o += <i32>(r >= ldi(pBounds + (<usize>t << 2)));
  return o;
}

/**
 * The rows r0 <= r < r1 of the list from column lists of searchHalf (cs;
 * `sets` sets of lengths and columns, set s at pClen + s step and
 * pCol + s step (bytes), each holding only pairs whose row lies in
 * [r0, r1): the owner's set of each searching thread, in thread order;
 * every column within cs): rows at pNbr (stride i32 per row, zeroed past
 * each row's length), their lengths at pLen (n i32 for the whole list;
 * lengths past `stride` are counted, not stored: the word before pNbr takes
 * those writes). Columns are visited in increasing order (and each
 * column's sets in order), so each row is sorted, and the rows are the
 * same whichever thread found a pair. Returns the longest of these rows.
 */
export function sweepRows(n: i32, cs: i32, pClen: usize, pCol: usize, sets: i32, step: usize,
  stride: i32, pLen: usize, pNbr: usize, r0: i32, r1: i32): i32 {
  memory.fill(pLen + (<usize>r0 << 2), 0, <usize>(r1 - r0) << 2);
  memory.fill(pNbr + (<usize>(r0 * stride) << 2), 0, <usize>((r1 - r0) * stride) << 2);
  const dummy = pNbr - 4;
  for (let c = 0; c < n; c++) {
    for (let t = 0; t < sets; t++) {
      const pc = pCol + <usize>t * step + (<usize>(c * cs) << 2);
      const len = ldi(pClen + <usize>t * step + (<usize>c << 2));
      for (let k = 0; k < len; k++) {
        const r = ldi(pc + (<usize>k << 2));
        const pl = pLen + (<usize>r << 2);
        const l = ldi(pl);
        sti(select<usize>(pNbr + (<usize>(r * stride + l) << 2), dummy, l < stride), c);
        sti(pl, l + 1);
      }
    }
  }
  let longest = 0;
  for (let r = r0; r < r1; r++) longest = max(longest, ldi(pLen + (<usize>r << 2)));
  return longest;
}
