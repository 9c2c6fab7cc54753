import type { System } from '../system/system.ts';
import type { ForceOptions, ForceResult } from './types.ts';

/**
 * The atoms of a System in another order, for a force provider that keeps
 * its arrays in a spatial order (src/neighbor/spatial-order.ts): `gather`
 * lists the caller's positions, types and ids in that order (the view the
 * neighbour list and the force loops run on), `scatter` puts a result
 * computed on the view back into the caller's order. The caller's System
 * is never reordered: analyses and trajectories keep their atom indices.
 *
 * What the order changes: the order in which each atom's pair terms are
 * summed (forces equal to the System's own order up to round-off), and
 * nothing else; a run is bit-for-bit reproducible when the same order is
 * in place at the same steps (src/md/run.ts sorts at fixed steps and
 * checkpoints store the order).
 */
export class AtomOrder {
  /** order[k]: the index in the caller's System of the atom at place k */
  readonly order: Int32Array;
  /** the System listed in `order`: its own positions, types and ids arrays, box shared with the caller's (made by the first gather) */
  private view: System | null = null;
  /** the last result on the view and the one made from it for the caller (ForceOptions.reuse maps one to the other) */
  private lastInner: ForceResult | null = null;
  private lastOuter: ForceResult | null = null;

  /** `order` must be a permutation of 0..n-1 (checked: `where` names the caller in the error). */
  constructor(order: Int32Array, where: string) {
    const why = notAPermutation(order);
    if (why) throw new Error(`${where}: the atom order is not a permutation of 0..${order.length - 1} (${why})`);
    this.order = order;
  }

  /** Whether this order fits `sys` (same atom count). */
  fits(sys: System): boolean {
    return sys.n === this.order.length;
  }

  /** The view of `sys` in this order (positions, types and ids copied now). */
  gather(sys: System): System {
    const o = this.order, n = o.length, d = sys.dim;
    let v = this.view;
    if (!v || v.dim !== d) {
      v = this.view = {
        dim: d, n, box: sys.box, positions: new Float64Array(d * n), types: new Int32Array(n), ids: new Int32Array(n),
        masses: new Float64Array(n), props: new Map(),
      };
    }
    v.box = sys.box;
    const x = sys.positions, y = v.positions, t = sys.types, vt = v.types, id = sys.ids, vid = v.ids;
    if (d === 3) {
      for (let k = 0; k < n; k++) {
        const i = o[k], a = 3 * i, b = 3 * k;
        y[b] = x[a]; y[b + 1] = x[a + 1]; y[b + 2] = x[a + 2];
        vt[k] = t[i]; vid[k] = id[i];
      }
    } else {
      for (let k = 0; k < n; k++) {
        const i = o[k];
        y[2 * k] = x[2 * i]; y[2 * k + 1] = x[2 * i + 1];
        vt[k] = t[i]; vid[k] = id[i];
      }
    }
    return v;
  }

  /** The options for the call on the view: a given-up result of the caller's gives up its view result too. */
  viewOptions(opts: ForceOptions): ForceOptions {
    const reuse = opts.reuse !== undefined && opts.reuse === this.lastOuter ? this.lastInner ?? undefined : undefined;
    return { ...(opts.peratom !== undefined ? { peratom: opts.peratom } : {}), ...(reuse ? { reuse } : {}) };
  }

  /**
   * The caller's result from `inner` (computed on the view): forces and
   * per-atom terms in the caller's order, written into `reuse`'s forces
   * array when the caller gives it up; the energy as is; the virial read
   * from `inner` (lazily, where inner computes it on first read).
   */
  scatter(sys: System, inner: ForceResult, reuse: ForceResult | undefined): ForceResult {
    const o = this.order, n = o.length, d = sys.dim;
    const len = d * n;
    const forces = reuse && reuse.forces.length === len ? reuse.forces : new Float64Array(len);
    permuteInto(forces, inner.forces, o, d);
    const res: ForceResult = { energy: inner.energy, forces, virial: undefined as unknown as Float64Array };
    let virial: Float64Array | null = null;
    Object.defineProperty(res, 'virial', {
      enumerable: true,
      configurable: true,
      get: (): Float64Array => (virial ??= inner.virial),
      set(v: Float64Array) { virial = v; },
    });
    if (inner.peratomEnergy) res.peratomEnergy = permuteInto(new Float64Array(n), inner.peratomEnergy, o, 1);
    if (inner.peratomVirial) {
      const w = inner.peratomVirial.length / n;
      res.peratomVirial = permuteInto(new Float64Array(w * n), inner.peratomVirial, o, w);
    }
    this.lastInner = inner;
    this.lastOuter = res;
    return res;
  }
}

/** Why `order` is not a permutation of 0..n-1 (n = its length): the first place that breaks it, or null when it is one. */
export function notAPermutation(order: Int32Array): string | null {
  const n = order.length, seen = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (!(i >= 0 && i < n) || seen[i]) return `place ${k} holds ${i}${i >= 0 && i < n ? ', listed twice' : ''}`;
    seen[i] = 1;
  }
  return null;
}

/** out[w*order[k] + c] = a[w*k + c]: an array of the view, in the caller's order. */
function permuteInto(out: Float64Array, a: Float64Array, order: Int32Array, w: number): Float64Array {
  const n = order.length;
  if (w === 3) {
    for (let k = 0; k < n; k++) {
      const i = 3 * order[k], b = 3 * k;
      out[i] = a[b]; out[i + 1] = a[b + 1]; out[i + 2] = a[b + 2];
    }
  } else {
    for (let k = 0; k < n; k++) for (let c = 0; c < w; c++) out[w * order[k] + c] = a[w * k + c];
  }
  return out;
}
