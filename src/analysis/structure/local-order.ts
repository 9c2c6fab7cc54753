/**
 * Local order of groups of particles, the workflow of Fan et al., PRB 105,
 * 104112 (2022), Fig. 5 (and its Supplemental Fig. S6):
 *
 *  1. pick the centres of each group, e.g. the top 5% B particles by S_soft
 *     and by S_peak (`topAtomsByValue`);
 *  2. take their first-shell clusters in the inherent structure
 *     (./cluster-alignment.ts `extractFirstShellClusters`);
 *  3. pairwise alignment scores within each group -> similarity matrix, and
 *     clique analysis at the cutoff score (paper: 0.10) -> Fig. 5a (matrix
 *     reordered by `cliques.order`), sizes and number of cliques;
 *  4. the dominant short-range order (SRO): the representative cluster of the
 *     largest clique over all groups (the paper finds the same motif in the
 *     cliques of soft and hard particles and identifies it with the dominant
 *     SRO of KA from their earlier work);
 *  5. alignment of every cluster against the dominant SRO and the ideal
 *     templates -> score distributions (Fig. 5b) and the fraction of each
 *     group below the cutoff (paper: 16% of soft, 60% of hard particles have
 *     SRO; 4% / 25% MRO).
 *
 * Substitution (say so when quoting): the paper's MRO template (a larger,
 * B-centred medium-range cluster from their Ref. 31) is not built in; pass
 * any ClusterShape in `extraTemplates` to align against it.
 */
import type { System } from '../../system/system.ts';
import {
  alignToTemplates, CLUSTER_TEMPLATE_NAMES, clusterSimilarityMatrix, clusterTemplate, extractFirstShellClusters,
  templateMatchFractions, type ClusterShape, type ClusterTemplateName, type FirstShellCluster, type SimilarityOptions,
  type TemplateScores,
} from './cluster-alignment.ts';
import { cliqueAnalysis, type CliqueAnalysis } from './cliques.ts';
import { firstShellCutoffs, type FirstShellCutoffs } from './first-shell.ts';

/**
 * Indices of the `fraction` of atoms (optionally of one type) with the
 * largest (default) or smallest values, best first; at least one atom.
 */
export function topAtomsByValue(
  values: ArrayLike<number>, types: ArrayLike<number>, opts: { fraction: number; type?: number; smallest?: boolean },
): Int32Array {
  if (values.length !== types.length) throw new Error(`topAtomsByValue: ${values.length} values for ${types.length} atoms`);
  if (!(opts.fraction > 0 && opts.fraction <= 1)) throw new Error(`topAtomsByValue: fraction must be in (0, 1], got ${opts.fraction}`);
  const pool: number[] = [];
  for (let i = 0; i < values.length; i++) if (opts.type === undefined || types[i] === opts.type) pool.push(i);
  if (pool.length === 0) throw new Error(`topAtomsByValue: no atom of type ${opts.type}`);
  const sign = opts.smallest ? 1 : -1;
  pool.sort((a, b) => sign * (values[a] - values[b]) || a - b);
  return Int32Array.from(pool.slice(0, Math.max(1, Math.round(opts.fraction * pool.length))));
}

export interface LocalOrderOptions extends SimilarityOptions {
  /** shell radii (default: first minima of g_ab of `sys`) */
  shellCutoff?: number | FirstShellCutoffs;
  /** cutoff alignment score below which two clusters are alike, default 0.10 (Fan et al.) */
  scoreCutoff?: number;
  /** ideal templates to align against, default all built-in ones */
  templates?: readonly ClusterTemplateName[];
  /** further templates by name (e.g. an MRO cluster) */
  extraTemplates?: Readonly<Record<string, ClusterShape>>;
}

export interface LocalOrderGroup {
  readonly name: string;
  readonly clusters: FirstShellCluster[];
  /** pairwise alignment scores, flat n x n */
  readonly similarity: Float64Array;
  readonly cliques: CliqueAnalysis;
  /** scores against 'dominant' and the templates */
  readonly templateScores: TemplateScores;
  /** fraction of the group below `scoreCutoff` for each template */
  readonly matchFractions: Record<string, number>;
}

export interface LocalOrderResult {
  readonly scoreCutoff: number;
  readonly groups: LocalOrderGroup[];
  /** the dominant SRO cluster (representative of the largest clique over all groups) and its group */
  readonly dominant: FirstShellCluster;
  readonly dominantGroup: string;
}

/** Run the Fig. 5 workflow on the clusters around each group of centres in `sys` (see the module doc). */
export async function localOrderAnalysis(
  sys: System, groups: Readonly<Record<string, ArrayLike<number>>>, opts: LocalOrderOptions = {},
): Promise<LocalOrderResult> {
  const names = Object.keys(groups);
  if (names.length === 0) throw new Error('localOrderAnalysis: no groups of centres given');
  const cut = opts.scoreCutoff ?? 0.1;
  const shell = opts.shellCutoff ?? firstShellCutoffs(sys);
  const partial: { name: string; clusters: FirstShellCluster[]; similarity: Float64Array; cliques: CliqueAnalysis }[] = [];
  for (const name of names) {
    const clusters = extractFirstShellClusters(sys, groups[name], { cutoff: shell });
    if (clusters.length < 2) throw new Error(`localOrderAnalysis: group '${name}' has ${clusters.length} centre; at least 2 are needed for a similarity matrix`);
    const similarity = await clusterSimilarityMatrix(clusters, opts);
    partial.push({ name, clusters, similarity, cliques: cliqueAnalysis(similarity, clusters.length, cut) });
  }
  let best = partial[0];
  for (const g of partial) if (g.cliques.dominant.length > best.cliques.dominant.length) best = g;
  const dominant = best.clusters[best.cliques.representative];
  const templates: Record<string, ClusterShape> = { dominant };
  for (const t of opts.templates ?? CLUSTER_TEMPLATE_NAMES) templates[t] = clusterTemplate(t);
  Object.assign(templates, opts.extraTemplates ?? {});
  const out: LocalOrderGroup[] = [];
  for (const g of partial) {
    const templateScores = await alignToTemplates(g.clusters, templates, opts);
    out.push({ ...g, templateScores, matchFractions: templateMatchFractions(templateScores, cut) });
  }
  return { scoreCutoff: cut, groups: out, dominant, dominantGroup: best.name };
}
