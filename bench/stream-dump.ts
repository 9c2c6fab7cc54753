/**
 * Streaming a large LAMMPS dump with bounded memory.
 *
 *   npx tsx bench/stream-dump.ts [size=2GB] [--atoms 4000] [--keep]
 *
 * 1. Generates (streaming, through DumpWriter) a dump of about `size` bytes
 *    into data/cache/ (git-ignored): N atoms per frame, columns
 *    `id type xu yu zu vx vy vz` in full double precision (random walk).
 * 2. Counts its frames with a headers-only pass (Trajectory.count).
 * 3. Parses every frame fully (for await ... of traj.frames()).
 * Reports MB/s of each pass, ms per frame, and the peak RSS sampled every
 * 10 ms and after every frame, and the in-memory parse time of one frame
 * with the default columns. Deletes the file unless --keep.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DumpParser, DumpWriter } from '../src/io/lammps-dump.ts';
import { Box } from '../src/system/box.ts';
import { createSystem } from '../src/system/system.ts';
import { Trajectory } from '../src/io/trajectory.ts';

function parseSize(s: string): number {
  const m = /^([\d.]+)\s*(k|m|g)?b?$/i.exec(s);
  if (!m) throw new Error(`size '${s}': expected e.g. 500MB or 2GB`);
  const mult = { k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Number(m[1]) * mult;
}

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const atomsAt = args.indexOf('--atoms');
const N = atomsAt >= 0 ? Number(args[atomsAt + 1]) : 4000;
const sizeArg = args.find((a, i) => !a.startsWith('--') && (atomsAt < 0 || i !== atomsAt + 1)) ?? '2GB';
const target = parseSize(sizeArg);
const dir = join(import.meta.dirname, '..', 'data', 'cache');
mkdirSync(dir, { recursive: true });
const file = join(dir, `stream-bench-${N}.dump`);

let peakRss = 0;
const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };
const timer = setInterval(sample, 10);
const MB = 1e6;

async function generate(): Promise<number> {
  // a KA-like box at number density 1.2
  const L = Math.cbrt(N / 1.2);
  const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [L, L, L] });
  let seed = 12345;
  const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
  const positions = Float64Array.from({ length: 3 * N }, () => rand() * L);
  const velocities = Float64Array.from({ length: 3 * N }, () => rand() - 0.5);
  const types = Int32Array.from({ length: N }, (_, i) => (i < 0.8 * N ? 1 : 2));
  const w = new DumpWriter(file, { velocities: true });
  let frames = 0;
  const t0 = performance.now();
  for (;;) {
    for (let j = 0; j < 3 * N; j++) positions[j] += 0.05 * (rand() - 0.5);
    const sys = createSystem({ box, positions, velocities, types, timestep: frames * 100 });
    await w.write(sys);
    frames++;
    if (frames % 50 === 0) {
      sample();
      // the file under its temporary name tells the size written so far
      if (statSync(w.path + `.tmp-${process.pid}`).size >= target) break;
    }
  }
  await w.close();
  const s = (performance.now() - t0) / 1000;
  const bytes = statSync(file).size;
  console.log(`generate: ${frames} frames x ${N} atoms, ${(bytes / MB).toFixed(0)} MB in ${s.toFixed(1)} s = ${(bytes / MB / s).toFixed(0)} MB/s (peak RSS so far ${(peakRss / MB).toFixed(0)} MB)`);
  return bytes;
}

async function main(): Promise<void> {
  const bytes = await generate();
  const baseRss = process.memoryUsage().rss;
  peakRss = 0;

  let t0 = performance.now();
  const traj = new Trajectory(file);
  const count = await traj.count();
  let s = (performance.now() - t0) / 1000;
  console.log(`count (headers only): ${count} frames in ${s.toFixed(2)} s = ${(bytes / MB / s).toFixed(0)} MB/s, peak RSS ${(peakRss / MB).toFixed(0)} MB`);

  peakRss = 0;
  t0 = performance.now();
  let frames = 0;
  let checksum = 0;
  for await (const f of new Trajectory(file).frames()) {
    checksum += f.positions[0];
    frames++;
    sample();
  }
  s = (performance.now() - t0) / 1000;
  console.log(`full parse: ${frames} frames in ${s.toFixed(2)} s = ${(bytes / MB / s).toFixed(0)} MB/s, ${((s * 1000) / frames).toFixed(2)} ms per ${N}-atom frame, peak RSS ${(peakRss / MB).toFixed(0)} MB (RSS before passes ${(baseRss / MB).toFixed(0)} MB; checksum ${checksum.toFixed(3)})`);

  t0 = performance.now();
  const last = await traj.frame(-1);
  console.log(`random access frame(-1) (index built): ${(performance.now() - t0).toFixed(1)} ms, timestep ${last.timestep}`);
  if (frames !== count) throw new Error(`frame count mismatch: ${frames} parsed vs ${count} counted`);
  await parseOneFrame();
}

/** In-memory parse time of one N-atom frame with the default columns `id type xu yu zu` (median of 21). */
async function parseOneFrame(): Promise<void> {
  const one = join(dir, `one-frame-${N}.dump`);
  const L = Math.cbrt(N / 1.2);
  const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [L, L, L] });
  const sys = createSystem({ box, positions: Float64Array.from({ length: 3 * N }, () => Math.random() * L) });
  const w = new DumpWriter(one);
  await w.write(sys);
  await w.close();
  const text = readFileSync(one, 'latin1');
  rmSync(one);
  const times: number[] = [];
  for (let rep = 0; rep < 21; rep++) {
    let got = 0;
    const parser = new DumpParser('mem', {}, { want: () => true, onFrame: () => { got++; } });
    const t0 = performance.now();
    parser.feed({ text, offset: 0 });
    parser.finish();
    times.push(performance.now() - t0);
    if (parser.error || got !== 1) throw parser.error ?? new Error('frame not parsed');
  }
  times.sort((a, b) => a - b);
  console.log(`one ${N}-atom frame, columns id type xu yu zu (17 significant digits), parsed in memory: median ${times[10].toFixed(2)} ms, best ${times[0].toFixed(2)} ms`);
}

main()
  .finally(() => {
    clearInterval(timer);
    if (!keep) rmSync(file, { force: true });
  })
  .catch((e) => { console.error(e); process.exitCode = 1; });
