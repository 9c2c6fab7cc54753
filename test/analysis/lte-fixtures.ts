/**
 * Fixtures of the LTE tests: small inherent structures of the smooth IPL
 * models (Zylberg et al.'s 2DIPL/3DIPL), quenched from a jittered lattice
 * with fire+cg to max |F_i| < 1e-11 (cached per size and seed).
 */
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { PairPotential } from '../../src/potential/types.ts';
import type { System } from '../../src/system/system.ts';

const cache = new Map<string, System>();

/** An ipl2d / ipl3d inherent structure of n atoms at the model's density. */
export function iplGlass(model: 'ipl2d' | 'ipl3d', n: number, seed: number): System {
  const key = `${model}:${n}:${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dim = model === 'ipl2d' ? 2 : 3;
  const start = randomConfiguration({ n, density: dim === 2 ? 0.86 : 0.82, dim, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed, jitter: dim === 2 ? 0.3 : 0.25 });
  const r = minimize(start, createForceProvider(getPotential(model)), { method: 'fire+cg', ftol: 1e-11, throwIfNotConverged: true });
  cache.set(key, r.system);
  return r.system;
}

export const ipl = (model: 'ipl2d' | 'ipl3d') => getPotential(model) as PairPotential;
