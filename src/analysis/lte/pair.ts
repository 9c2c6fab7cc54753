/**
 * Pair kernels of the local thermal energy (Zylberg, Lerner, Bar-Sinai &
 * Bouchbinder, PNAS 114, 7289 (2017), Eqs. 2-3) for a pair term
 * eps_alpha = phi(|d|), d = x_i - x_j (minimum image), r = |d|, e = d / r.
 *
 * Derivatives in the relative coordinate d (phi', phi'', phi''' radial):
 *   first:   g_a   = phi' e_a                                   (f_alpha on i; -g on j)
 *   second:  K_ab  = phi'' e_a e_b + (phi'/r) (delta_ab - e_a e_b)
 *   third:   T_abc = (phi''' - 3B) e_a e_b e_c + B (delta_ab e_c + delta_ac e_b + delta_bc e_a),
 *            B = phi''/r - phi'/r^2.
 * (Differentiate g_a = A e_a e_b + (phi'/r) delta_ab, A = phi'' - phi'/r, once
 * more with d e_a / d d_c = (delta_ac - e_a e_c) / r.) Because x_i enters d
 * with +1 and x_j with -1, the bond's blocks in the full coordinates are
 * s_i s_j K and s_i s_l s_m T with s = +1 on i, -1 on j; contracted with
 * M^-1 only the relative compliance C = G_ii + G_jj - G_ij - G_ji survives:
 *   (d f_alpha / dx) : M^-1 = K : C                (harmonic term of Eq. 3)
 *   (U'''_alpha : M^-1)_i = T : C = -(U'''_alpha : M^-1)_j.
 * Units: K energy/length^2, T energy/length^3, C length^2/energy.
 */

/** K : C for the pair stiffness K (module doc) and a symmetric dim x dim C (row-major). */
export function lteStiffnessContraction(dim: number, d: Float64Array, dOff: number, r: number, dphi: number, d2phi: number, C: Float64Array): number {
  const a = dphi / r, b = d2phi - a; // K = a I + b e e^T
  let tr = 0, ece = 0;
  for (let x = 0; x < dim; x++) {
    tr += C[x * dim + x];
    const ex = d[dOff + x] / r;
    for (let y = 0; y < dim; y++) ece += ex * C[x * dim + y] * (d[dOff + y] / r);
  }
  return a * tr + b * ece;
}

/**
 * out[a] = sum_bc T_abc C_bc for the pair third-derivative tensor T (module
 * doc) and a symmetric C: (phi''' - 3B) e_a (e.C.e) + B (e_a tr C + 2 (C e)_a).
 */
export function lteThirdContraction(dim: number, d: Float64Array, dOff: number, r: number, dphi: number, d2phi: number, d3phi: number, C: Float64Array, out: Float64Array): void {
  const B = d2phi / r - dphi / (r * r);
  let tr = 0, ece = 0;
  for (let x = 0; x < dim; x++) {
    tr += C[x * dim + x];
    let ce = 0;
    for (let y = 0; y < dim; y++) ce += C[x * dim + y] * (d[dOff + y] / r);
    out[x] = ce; // (C e)_x for now
    ece += (d[dOff + x] / r) * ce;
  }
  const c3 = (d3phi - 3 * B) * ece + B * tr;
  for (let x = 0; x < dim; x++) out[x] = c3 * (d[dOff + x] / r) + 2 * B * out[x];
}
