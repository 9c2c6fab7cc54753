/**
 * libvoro++ reference cells at full double precision, for the Voronoi tests
 * and bench/voronoi.ts: compiles test/support/voro-exact.cc (once per source
 * version, into the system's temporary folder) with g++ against the Debian
 * package voro++-dev, and runs it on a configuration.
 *
 * Needs g++ and voro++-dev (`.ci/run` installs both). Without them
 * `voroExact()` returns null; under CI (env CI set) it throws instead, so
 * that the comparison cannot be skipped there.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One reference cell: volume (length^3), surface (length^2), faces. */
export interface VoroCell {
  id: number;
  volume: number;
  surface: number;
  /** per face: neighbour id (negative for walls: -1 x lo .. -6 z hi), edge count, area (length^2) */
  faces: { neighbor: number; edges: number; area: number }[];
}

export interface VoroInput {
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
  tilt?: { xy?: number; xz?: number; yz?: number };
  periodic?: ArrayLike<boolean>;
  /** atoms: ids, positions (stride 3) and, for the radical tessellation, radius per atom */
  ids: ArrayLike<number>;
  positions: ArrayLike<number>;
  radius?: ArrayLike<number>;
}

const SOURCE = join(import.meta.dirname, 'voro-exact.cc');
let compiled: string | null | undefined;

/** Path of the compiled reference program, or null (with the reason in `voroExactMissing`). */
export let voroExactMissing = '';
export function voroExact(): string | null {
  if (compiled !== undefined) return compiled;
  const src = readFileSync(SOURCE);
  const exe = join(tmpdir(), `glasslab-voro-exact-${createHash('sha256').update(src).digest('hex').slice(0, 12)}`);
  if (existsSync(exe)) return (compiled = exe);
  const tmp = `${exe}.${process.pid}`;
  const cc = spawnSync('g++', ['-O2', '-o', tmp, SOURCE, '-lvoro++'], { encoding: 'utf8' });
  if (cc.status === 0) {
    renameSync(tmp, exe);
    return (compiled = exe);
  }
  voroExactMissing = cc.error ? `g++ not found (${cc.error.message})` : `g++ could not build against libvoro++: ${cc.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
  const msg = `cannot compare with libvoro++: ${voroExactMissing}. Install the Debian packages 'g++' and 'voro++-dev'.`;
  if (process.env.CI) throw new Error(`${msg} CI is set, so this is a failure.`);
  console.warn(`\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! SKIPPED: ${msg}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`);
  return (compiled = null);
}

/**
 * Run libvoro++ on a configuration; cells in input order, and the seconds
 * libvoro++ spent on the tessellation alone (no parsing, no printing): wall
 * clock and process CPU time.
 */
export function runVoroExact(exe: string, inp: VoroInput): { cells: VoroCell[]; seconds: number; cpuSeconds: number } {
  const per = Array.from({ length: 3 }, (_, k) => (inp.periodic?.[k] ?? true) ? 1 : 0);
  const head = [inp.lo[0], inp.hi[0], inp.lo[1], inp.hi[1], inp.lo[2], inp.hi[2],
    inp.tilt?.xy ?? 0, inp.tilt?.xz ?? 0, inp.tilt?.yz ?? 0, ...per, inp.radius ? 1 : 0].join(' ');
  const lines = [head];
  for (let k = 0; k < inp.ids.length; k++) {
    const q = [0, 1, 2].map((c) => inp.positions[3 * k + c].toPrecision(17));
    lines.push([inp.ids[k], ...q, ...(inp.radius ? [inp.radius[k].toPrecision(17)] : [])].join(' '));
  }
  const out = spawnSync(exe, [], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
  if (out.status !== 0) throw new Error(`voro-exact failed: ${out.stderr}`);
  const seconds = Number(/seconds (\S+)/.exec(out.stderr)?.[1]);
  const cpuSeconds = Number(/cpu (\S+)/.exec(out.stderr)?.[1]);
  const cells = out.stdout.trim().split('\n').map((l) => {
    const w = l.trim().split(/\s+/).map(Number);
    const faces = [];
    for (let f = 0; f < w[3]; f++) faces.push({ neighbor: w[4 + 3 * f], edges: w[5 + 3 * f], area: w[6 + 3 * f] });
    return { id: w[0], volume: w[1], surface: w[2], faces };
  });
  return { cells, seconds, cpuSeconds };
}
