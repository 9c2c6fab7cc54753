/**
 * Minimum-cost assignment (Hungarian method, Kuhn 1955 / Munkres 1957, in
 * the O(r^2 c) shortest-augmenting-path form with row and column potentials,
 * Jonker & Volgenant 1987): for an r x c cost matrix with r <= c, find the
 * injective map row -> column minimising the summed cost. Used by the
 * cluster alignment (./cluster-alignment.ts) to pair the atoms of two
 * clusters once they are rotated onto each other.
 */

/** Reusable work arrays for `minCostAssignment` (avoid allocation in loops). */
export class AssignmentWorkspace {
  u = new Float64Array(0); v = new Float64Array(0); minv = new Float64Array(0);
  p = new Int32Array(0); way = new Int32Array(0); used = new Uint8Array(0);
  ensure(r: number, c: number): void {
    if (this.u.length < r + 1) this.u = new Float64Array(r + 1);
    if (this.v.length < c + 1) {
      this.v = new Float64Array(c + 1); this.minv = new Float64Array(c + 1);
      this.p = new Int32Array(c + 1); this.way = new Int32Array(c + 1); this.used = new Uint8Array(c + 1);
    }
  }
}

/**
 * Optimal assignment of each of the `rows` rows to a distinct column of the
 * row-major `cost` (rows x cols, rows <= cols). Writes the column of row i to
 * `out[i]` and returns the total cost.
 */
export function minCostAssignment(
  cost: Float64Array, rows: number, cols: number, out: Int32Array, ws: AssignmentWorkspace = new AssignmentWorkspace(),
): number {
  if (rows > cols) throw new Error(`minCostAssignment: needs rows <= cols, got ${rows} x ${cols}; transpose the cost matrix`);
  if (cost.length < rows * cols) throw new Error(`minCostAssignment: cost has ${cost.length} entries, need ${rows * cols}`);
  ws.ensure(rows, cols);
  const { u, v, minv, p, way, used } = ws;
  u.fill(0, 0, rows + 1); v.fill(0, 0, cols + 1); p.fill(0, 0, cols + 1); way.fill(0, 0, cols + 1);
  // 1-based rows/columns; column 0 is the virtual start of each augmenting path
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity, 0, cols + 1);
    used.fill(0, 0, cols + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity, j1 = 0;
      const base = (i0 - 1) * cols - 1;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = cost[base + j] - u[i0] - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) { u[p[j]] += delta; v[j] -= delta; } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do { const j1 = way[j0]; p[j0] = p[j1]; j0 = j1; } while (j0 !== 0);
  }
  let total = 0;
  for (let j = 1; j <= cols; j++) {
    if (p[j] !== 0) { out[p[j] - 1] = j - 1; total += cost[(p[j] - 1) * cols + j - 1]; }
  }
  return total;
}
