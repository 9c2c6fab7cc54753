/**
 * The scales the curated notebooks run at (issue [12]), passed to each as
 * its `scale` parameter (`glasslab run-notebooks --scale`):
 *  - quick: minutes; CI and first contact;
 *  - medium: at most about an hour cold per notebook on 2 cores, sized so
 *    that each paper's headline claim is resolved with its error bar;
 *  - paper: the published sizes; days to weeks;
 *  - workshop: a few minutes in a browser tab on one thread (the JupyterLite
 *    edition, issue [14]); only the notebooks a workshop runs have it
 *    (00-quickstart and 05-workshop-indicators), as a fourth size.
 */
export const SCALES = ['quick', 'medium', 'paper', 'workshop'] as const;
export type Scale = (typeof SCALES)[number];

/** The value of one size parameter at each scale (`workshop` only where the notebook has a workshop size). */
export type BySize = <V>(quick: V, medium: V, paper: V, workshop?: V) => V;

/**
 * The chooser of a notebook's size parameters at `scale`, checked once:
 *
 *   const bySize = sizesAt(scale);
 *   const N = bySize(500, 2000, 4000, 256);       // atoms at quick, medium, paper (and workshop) scale
 *
 * Each call returns the argument of this scale, so a notebook states all
 * its sizes of every parameter on one line, next to the reason for them.
 * Throws, naming the scale and the ones allowed, on any other value; at
 * the workshop scale a call without a fourth size throws, saying that this
 * notebook has no workshop size.
 */
export function sizesAt(scale: string): BySize {
  const k = (SCALES as readonly string[]).indexOf(scale);
  if (k < 0) throw new Error(`scale '${scale}' is not one of ${SCALES.join(', ')}: set the notebook's scale parameter (run-notebooks --scale) to one of them`);
  return <V>(...sizes: [V, V, V, V?]): V => {
    if (k === 3 && sizes.length < 4) {
      throw new Error(`this notebook has no workshop size (bySize(quick, medium, paper) without a fourth value): run it at scale quick, or give its parameters a workshop size`);
    }
    return sizes[k] as V;
  };
}
