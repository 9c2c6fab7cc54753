/**
 * The scales the curated notebooks run at (issue [12]), passed to each as
 * its `scale` parameter (`glasslab run-notebooks --scale`):
 *  - quick: minutes; CI and first contact;
 *  - medium: at most about an hour cold per notebook on 2 cores, sized so
 *    that each paper's headline claim is resolved with its error bar;
 *  - paper: the published sizes; days to weeks.
 */
export const SCALES = ['quick', 'medium', 'paper'] as const;
export type Scale = (typeof SCALES)[number];

/** The value of one size parameter at each scale. */
export type BySize = <V>(quick: V, medium: V, paper: V) => V;

/**
 * The chooser of a notebook's size parameters at `scale`, checked once:
 *
 *   const bySize = sizesAt(scale);
 *   const N = bySize(500, 2000, 4000);            // atoms at quick, medium, paper scale
 *
 * Each call returns the argument of this scale, so a notebook states all
 * three sizes of every parameter on one line, next to the reason for them.
 * Throws, naming the scale and the ones allowed, on any other value.
 */
export function sizesAt(scale: string): BySize {
  const k = (SCALES as readonly string[]).indexOf(scale);
  if (k < 0) throw new Error(`scale '${scale}' is not one of ${SCALES.join(', ')}: set the notebook's scale parameter (run-notebooks --scale) to one of them`);
  return <V>(...sizes: [V, V, V]): V => sizes[k];
}
