/**
 * The public entry points: package.json `exports` names every library
 * folder, and a plain Node script in another folder can import them after
 * `npm install <this repository>` (the compiled JavaScript in dist/, built by
 * `npm run build`, which `npm ci` runs as `prepare`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './import-graph.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
/** Folders with an index.ts that are not public: the host adapter, the command layer, the CLI and the composition root. */
const PRIVATE = new Set(['platform', 'commands', 'cli', 'app']);

describe('package entry points', () => {
  it('exports every public folder of src/ and nothing that does not exist', () => {
    const folders = readdirSync(join(ROOT, 'src')).filter((d) => existsSync(join(ROOT, 'src', d, 'index.ts')) && !PRIVATE.has(d));
    for (const d of folders) expect(pkg.exports, `package.json exports lacks './${d}'`).toHaveProperty([`./${d}`]);
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const t = target as { types: string; default: string };
      const src = t.default.replace('./dist/', 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, src)), `exports['${key}'] has no source ${src}`).toBe(true);
    }
  });

  it('a Node script in another folder imports glasslab, glasslab/analysis ... after npm install <path>', () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-consumer-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
      execFileSync('npm', ['install', ROOT, '--no-audit', '--no-fund', '--offline', '--ignore-scripts'], { cwd: dir, stdio: 'pipe' });
      const script = [
        "const g = await import('glasslab');",
        "const a = await import('glasslab/analysis');",
        "const p = await import('glasslab/protocols');",
        "const { Box, createSystem } = g;",
        'const sys = createSystem({ box: new Box({ dim: 3, lo: [0, 0, 0], lengths: [3, 3, 3] }), positions: new Float64Array([0, 0, 0, 1, 1, 1]), types: new Int32Array([1, 1]) });',
        "const out = { entry: typeof g.readSystem, analysis: typeof a.vdosSoftness, protocols: typeof p.aqsShear, n: sys.n, subpaths: [] };",
        ...Object.keys(pkg.exports).filter((k) => k.startsWith('./') && k !== './package.json').map((k) => `out.subpaths.push(Object.keys(await import('glasslab/${k.slice(2)}')).length);`),
        'console.log(JSON.stringify(out));',
      ].join('\n');
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
      const r = JSON.parse(out) as { entry: string; analysis: string; protocols: string; n: number; subpaths: number[] };
      expect(r).toMatchObject({ entry: 'function', analysis: 'function', protocols: 'function', n: 2 });
      for (const count of r.subpaths) expect(count).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
