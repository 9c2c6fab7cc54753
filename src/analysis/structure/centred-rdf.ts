/**
 * Partial g(r) seen from chosen centres: around the rearranging particles
 * against around all particles of their species (Sharma, Nandi &
 * Bhattacharyya, PRE 105, 044604 (2022), Fig. 7), where partialRdf averages
 * over every atom. By direct minimum-image pair counting from each centre,
 * O(centres x N) per frame:
 *
 *   g_v(r) = <n_v(r)> / (rho_v V_shell(r)),  rho_v = (N_v - delta(v, centre type)) / V,
 *
 * averaged over the centres of all frames; V is the volume of the last
 * frame (the frames of one NVT run share it), N_v the counts of the first.
 */
import type { System } from '../../system/system.ts';
import { extent } from '../../util/extent.ts';

export interface CentredRdf {
  /** shell centres (b + 1/2) dr (length) */
  r: Float64Array;
  /** g around the centres, one array per neighbour type: g[v - 1] */
  g: Float64Array[];
  /** centre-frames counted */
  centres: number;
}

/**
 * g(r) around `centres[f]` (atom indices) in `systems[f]`, 3D, shells of
 * `dr` up to `rMax`; all centres are of type `centreType` (default 1).
 */
export function rdfAroundCentres(systems: readonly System[], centres: readonly (readonly number[])[], opts: { rMax: number; dr: number; centreType?: number }): CentredRdf {
  const { rMax, dr } = opts, ct = (opts.centreType ?? 1) - 1;
  if (systems.length !== centres.length) throw new Error(`rdfAroundCentres: ${systems.length} frames but ${centres.length} lists of centres; give one list per frame`);
  if (systems.length === 0) throw new Error('rdfAroundCentres: no frames');
  if (systems[0].dim !== 3) throw new Error(`rdfAroundCentres: 3D frames only, got ${systems[0].dim}D`);
  if (!(rMax > 0 && dr > 0 && dr < rMax)) throw new Error(`rdfAroundCentres: need 0 < dr < rMax, got dr ${dr}, rMax ${rMax}`);
  const nb = Math.round(rMax / dr);
  const nt = extent(systems[0].types)[1];
  const h = Array.from({ length: nt }, () => new Float64Array(nb));
  const cnt = new Array<number>(nt).fill(0);
  systems[0].types.forEach((t) => cnt[t - 1]++);
  let nC = 0, V = 0;
  const d = new Float64Array(3);
  systems.forEach((sys, f) => {
    const x = sys.positions;
    V = sys.box.volume;
    for (const i of centres[f]) {
      if (sys.types[i] - 1 !== ct) throw new Error(`rdfAroundCentres: centre ${i} of frame ${f} has type ${sys.types[i]}, not ${ct + 1} (option centreType)`);
      nC++;
      for (let j = 0; j < sys.n; j++) {
        if (j === i) continue;
        for (let k = 0; k < 3; k++) d[k] = x[3 * j + k] - x[3 * i + k];
        sys.box.minimumImage(d);
        const r = Math.hypot(d[0], d[1], d[2]);
        if (r < rMax) h[sys.types[j] - 1][Math.floor(r / dr)]++;
      }
    }
  });
  const r = Float64Array.from({ length: nb }, (_, b) => (b + 0.5) * dr);
  const g = h.map((hv, v) => hv.map((c, b) => c / (Math.max(nC, 1) * ((cnt[v] - (v === ct ? 1 : 0)) / V) * (4 / 3) * Math.PI * (((b + 1) * dr) ** 3 - (b * dr) ** 3))));
  return { r, g, centres: nC };
}
