/**
 * Two-body excess entropy per atom (local structural entropy), in units of
 * k_B per atom.
 *
 * 'species' (default): Wei, Yang, Gao, Lu, Lu, Li & Wang, Phys. Rev. B 99,
 * 014115 (2019), Sec. III C, Eq. 3, read as printed,
 *
 *   S2_i = -1/2 sum_nu rho_nu int_0^rc { g_i^{mu nu}(r) ln g_i^{mu nu}(r) - [g_i^{mu nu}(r) - 1] } d^d r,
 *
 * with mu the species of atom i (fixed: it is not summed), nu over all
 * species present, rho_nu = N_nu / V the partial number density (V the cell
 * volume, the area in 2D) and the local, Gaussian-smoothed partial pair
 * distribution of atom i
 *
 *   g_i^{mu nu}(r) = 1 / (s_d(r) rho_nu) sum_{j in nu, j != i} K_sigma(r - r_ij),
 *   s_d(r) = 4 pi r^2 (3D), 2 pi r (2D),
 *   K_sigma(x) = exp(-x^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)  for |x| <= 3 sigma, 0 beyond.
 *
 * 'total': the total-density form of Piaggi & Parrinello, J. Chem. Phys. 147,
 * 114112 (2017) (LAMMPS `compute entropy/atom sigma cutoff`, without
 * `avg` and `local`): the same with one channel, all neighbours j and the
 * total density rho = N / V,
 *
 *   S2_i = -1/2 rho int_0^rc { g_i ln g_i - g_i + 1 } d^d r  (= -2 pi rho int r^2 ... dr in 3D).
 *
 * Decisions where Eq. 3 leaves room:
 * - The factor 1/2 and the weight rho_nu are kept as printed. With them
 *   (1/N) sum_i S2_i is the bulk two-body entropy of a mixture,
 *   -1/2 rho sum_{mu nu} x_mu x_nu int (g ln g - g + 1) d^d r, with g the
 *   smoothed partials (up to the noise of the note below). For one species
 *   the two forms are equal.
 * - g_i^{mu nu} is normalised by rho_nu (the ideal gas gives 1); a species
 *   absent from the cell has rho_nu = 0 and contributes nothing.
 * - The integral is over the d-dimensional ball (the printed d r-vector).
 * - 0 ln 0 = 0, so an empty grid point contributes rho_nu s_d(r) (g = 0, the
 *   integrand's value 1); LAMMPS substitutes that value below g = 1e-10.
 *
 * Two exact properties (tested): the integrand g ln g - g + 1 is >= 0, so
 * S2_i <= 0; and it is convex in g, so by Jensen's inequality over the
 * species with weights x_nu = rho_nu / rho, at each r,
 * sum_nu rho_nu f(g_nu) >= rho f(sum_nu x_nu g_nu) = rho f(g_total): the
 * species-resolved S2_i is <= the total-density S2_i, atom by atom (the
 * trapezoid weights are positive, so it holds after discretisation too).
 *
 * Grid: r_k = k h, k = 0..K, K = ceil(rc / dr), h = rc / K <= dr, so the grid
 * ends at rc exactly; trapezoid rule. The k = 0 point has s_d(0) = 0 and
 * weighs nothing. Default dr = sigma / 4 (a Gaussian of width sigma is
 * sampled at 4 points per sigma; LAMMPS uses dr = sigma and stops at the
 * last multiple of sigma below rc).
 *
 * Parameters: Wei et al. give rc = 11.2 A (the fourth minimum of g(r) of
 * their Cu-Zr glass; 3.9, 6.4, 8.8 A are the first three) and no sigma
 * (a width well below the first-peak width, ~0.1-0.2 A in metals, is the
 * usual choice). So cutoff and sigma have no defaults here.
 *
 * Note: one atom's g_i(r) counts few atoms per shell, so even where the
 * average g(r) is 1 its shell-count noise adds f(g) ~ (delta g)^2 / 2 > 0,
 * 1 / (4 sqrt(pi) sigma) per unit r per channel for Poisson-distributed
 * neighbours (less in a glass): S2_i does not
 * converge with rc, it drifts down roughly linearly, twice as fast in the
 * two-species form. Measured on a Cu64Zr36 glass (N = 2048, Mendelev EAM,
 * mean over atoms, kB): sigma = 0.2 A, rc = 3.9 / 6.4 / 8.8 / 11.2 A:
 * species -4.5 / -6.7 / -8.2 / -9.6, total -3.3 / -4.4 / -5.1 / -5.6;
 * sigma = 0.1 A, rc = 11.2 A: -17.8 / -10.1. Compare values at the same
 * rc and sigma only.
 *
 * Neighbours: all j with r_ij < rc + 3 sigma (their kernels reach the grid;
 * LAMMPS counts only r_ij < rc), from the shared cell-list neighbour list, so
 * rc + 3 sigma must stay below half the smallest cell width. Cost:
 * O(N (M 6 sigma / h + n_species K)) time with M the neighbours within
 * rc + 3 sigma, O(N M) memory (the list): linear in N at fixed density. The
 * Gaussian is evaluated along the grid by a two-term recurrence (two exp per
 * pair).
 */
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import { cellGeometry, maxListRadius, pairDelta, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import type { Box } from '../../system/box.ts';
import type { System } from '../../system/system.ts';
import { typeCount } from '../../system/system.ts';
import { speciesCounts } from './structure.ts';

export interface PairExcessEntropyOptions {
  /** upper limit of the integral r_cutoff (length); Wei et al.: 11.2 A */
  cutoff: number;
  /** width of the Gaussian smoothing of g_i(r) (length), truncated at 3 sigma */
  sigma: number;
  /** largest grid spacing (length); default sigma / 4; the grid ends exactly at cutoff */
  dr?: number;
  /** 'species' (Wei Eq. 3, default) or 'total' (Piaggi & Parrinello, LAMMPS entropy/atom) */
  form?: 'species' | 'total';
  /** number of species (default the largest type present) */
  ntypes?: number;
}

/** Kernel support in units of sigma (both here and in the tests' literal reference). */
export const EXCESS_ENTROPY_KERNEL_SIGMAS = 3;

/** The grid of pairExcessEntropy: K intervals of width h ending at cutoff. */
export function excessEntropyGrid(cutoff: number, dr: number): { K: number; h: number } {
  const K = Math.max(1, Math.ceil(cutoff / dr - 1e-12));
  return { K, h: cutoff / K };
}

/**
 * Why a cutoff and width do not fit a box (the neighbours within
 * cutoff + 3 sigma need it below half the smallest cell width), or null if
 * they do; for callers that check their options before any work.
 */
export function excessEntropyRangeProblem(box: Box, cutoff: number, sigma: number): string | null {
  const rlist = cutoff + EXCESS_ENTROPY_KERNEL_SIGMAS * sigma;
  const limit = maxListRadius(cellGeometry(box));
  if (rlist < limit) return null;
  return `cutoff + 3 sigma = ${+rlist.toPrecision(12)} must be below half the smallest cell width (${limit.toFixed(4)}); choose a smaller cutoff or a bigger system`;
}

/** S2_i per atom (k_B per atom), in the order of the System's atoms (module doc for the definitions). */
export function pairExcessEntropy(sys: System, opts: PairExcessEntropyOptions): Float64Array {
  const { cutoff, sigma } = opts;
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new Error(`pairExcessEntropy: option cutoff must be a positive length, got ${cutoff}`);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`pairExcessEntropy: option sigma must be a positive length, got ${sigma}`);
  const dr = opts.dr ?? sigma / 4;
  if (!(dr > 0) || !Number.isFinite(dr)) throw new Error(`pairExcessEntropy: option dr must be a positive length, got ${dr}`);
  const form = opts.form ?? 'species';
  if (form !== 'species' && form !== 'total') throw new Error(`pairExcessEntropy: option form must be 'species' or 'total', got '${String(form)}'`);
  const ntypes = opts.ntypes ?? typeCount(sys);
  const counts = speciesCounts(sys, ntypes);
  const V = sys.box.volume, dim = sys.dim;
  const reach = EXCESS_ENTROPY_KERNEL_SIGMAS * sigma;
  const rlist = cutoff + reach;
  const geom = cellGeometry(sys.box);
  const tooLong = excessEntropyRangeProblem(sys.box, cutoff, sigma);
  if (tooLong) throw new Error(`pairExcessEntropy: ${tooLong}`);
  // channels: one per species ('species') or one for all ('total'); channel of a neighbour by its type
  const nch = form === 'species' ? ntypes : 1;
  const rho = new Float64Array(nch);
  if (form === 'species') for (let c = 0; c < nch; c++) rho[c] = counts[c] / V;
  else rho[0] = sys.n / V;

  const { K, h } = excessEntropyGrid(cutoff, dr);
  // shell measure s_d(r_k) and trapezoid weights w_k
  const shell = new Float64Array(K + 1), w = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) {
    const r = k * h;
    shell[k] = dim === 3 ? 4 * Math.PI * r * r : 2 * Math.PI * r;
    w[k] = k === 0 || k === K ? h / 2 : h;
  }
  const norm = 1 / Math.sqrt(2 * Math.PI * sigma * sigma);
  const inv2s2 = 1 / (2 * sigma * sigma);
  const ratioStep = Math.exp(-h * h / (sigma * sigma));

  const nl = buildNeighborList(sys, { cutoff: rlist, skin: 0, kind: 'full' });
  const s = wrappedFractional(sys, undefined, 'pairExcessEntropy');
  const types = sys.types, rlist2 = rlist * rlist;
  const delta = new Float64Array(3);
  // acc[c * (K + 1) + k] = sum_{j in channel c} K_sigma(r_k - r_ij)
  const acc = new Float64Array(nch * (K + 1));
  const out = new Float64Array(sys.n);
  for (let i = 0; i < sys.n; i++) {
    acc.fill(0);
    const row = i * nl.stride;
    for (let q = 0; q < nl.counts[i]; q++) {
      const j = nl.neighbors[row + q];
      pairDelta(geom, s, i, j, delta);
      const r2 = delta[0] * delta[0] + delta[1] * delta[1] + delta[2] * delta[2];
      if (r2 >= rlist2) continue;
      const r = Math.sqrt(r2);
      const k0 = Math.max(1, Math.ceil((r - reach) / h)), k1 = Math.min(K, Math.floor((r + reach) / h));
      if (k0 > k1) continue;
      const base = (form === 'species' ? types[j] - 1 : 0) * (K + 1);
      // e_k = exp(-x_k^2 / 2 sigma^2), x_k = k h - r: e_{k+1} = e_k q_k, q_{k+1} = q_k exp(-h^2 / sigma^2)
      const x0 = k0 * h - r;
      let e = norm * Math.exp(-x0 * x0 * inv2s2);
      let ratio = Math.exp(-(2 * x0 * h + h * h) * inv2s2);
      for (let k = k0; k <= k1; k++) {
        acc[base + k] += e;
        e *= ratio;
        ratio *= ratioStep;
      }
    }
    // rho s f(g) with g = a / (s rho): a ln g - a + rho s (= rho s at a = 0)
    let sum = 0;
    for (let c = 0; c < nch; c++) {
      const rc = rho[c];
      if (rc === 0) continue;
      const base = c * (K + 1);
      for (let k = 1; k <= K; k++) {
        const a = acc[base + k], sr = rc * shell[k];
        sum += w[k] * (a > 0 ? a * Math.log(a / sr) - a + sr : sr);
      }
    }
    out[i] = -0.5 * sum;
  }
  return out;
}
