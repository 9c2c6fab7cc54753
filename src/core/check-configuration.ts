import type { System } from '../system/system.ts';
import type { Potential } from '../potential/types.ts';

/**
 * Check that `sys` can be evaluated with `pot`: every atom type within
 * 1..ntypes, and the dimension matching a dimension-specific potential.
 * Throws an Error that names the offending atom/type and what the model defines.
 */
export function checkConfiguration(sys: System, pot: Potential): void {
  const dimOf = pot.kind === 'pair' ? pot.dim : undefined;
  if (dimOf !== undefined && dimOf !== sys.dim) {
    throw new Error(`potential '${pot.name}' is defined for ${dimOf}D systems, but the system is ${sys.dim}D; choose the ${sys.dim}D variant of the model`);
  }
  for (let i = 0; i < sys.n; i++) {
    const t = sys.types[i];
    if (!(t >= 1 && t <= pot.ntypes)) {
      const names = pot.kind === 'eam' ? ` (${pot.elements.slice(1).map((e, k) => `${k + 1}=${e}`).join(', ')})` : '';
      throw new Error(`atom id ${sys.ids[i]} has type ${t}, unknown to potential '${pot.name}', which defines types 1..${pot.ntypes}${names}; remap the types or choose another potential`);
    }
  }
}
