import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installKernelSpec, kernelsDir, kernelSpec, LAUNCHER, userDataDir } from '../../kernel/install.ts';
import { requireTool } from './tools.ts';

const tmp = mkdtempSync(join(tmpdir(), 'glasslab-install-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('kernelspec install', () => {
  it('chooses the Jupyter data directory like jupyter_client', () => {
    const env = { HOME: '/home/u' };
    expect(kernelsDir({ prefix: 'p' }, '/w', env)).toBe('/w/p/share/jupyter/kernels');
    expect(kernelsDir({ sysPrefix: true }, '/w', { VIRTUAL_ENV: '/venv' })).toBe('/venv/share/jupyter/kernels');
    expect(kernelsDir({ user: true }, '/w', { JUPYTER_DATA_DIR: '/jd' })).toBe('/jd/kernels');
    expect(kernelsDir({}, '/w', { JUPYTER_DATA_DIR: '/jd' })).toBe('/jd/kernels');
    expect(userDataDir({ XDG_DATA_HOME: '/xdg' })).toMatch(/\/xdg\/jupyter$|Jupyter$|jupyter$/);
    expect(() => kernelsDir({ sysPrefix: true }, '/w', {})).toThrow(/no active conda environment .* use --user or --prefix DIR/);
    expect(() => kernelsDir({ user: true, prefix: 'x' })).toThrow(/only one of --user, --sys-prefix, --prefix/);
  });

  it('writes kernel.json with absolute node and launcher paths', () => {
    const dir = installKernelSpec({ prefix: tmp });
    expect(dir).toBe(join(tmp, 'share', 'jupyter', 'kernels', 'glasslab'));
    const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
    expect(spec).toEqual(kernelSpec());
    expect(spec.argv).toEqual([process.execPath, LAUNCHER, '{connection_file}']);
    expect(spec.display_name).toBe('glasslab (TypeScript)');
    expect(spec.language).toBe('typescript');
  });

  it.runIf(requireTool('jupyter', 'the kernelspec test with `jupyter kernelspec list`', ['kernelspec', '--version']))(
    'is listed by `jupyter kernelspec list`', () => {
      installKernelSpec({ prefix: tmp });
      const r = spawnSync('jupyter', ['kernelspec', 'list', '--json'], {
        encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: join(tmp, 'share', 'jupyter') },
      });
      expect(r.status).toBe(0);
      const specs = JSON.parse(r.stdout).kernelspecs;
      expect(specs.glasslab.resource_dir).toBe(join(tmp, 'share', 'jupyter', 'kernels', 'glasslab'));
      expect(specs.glasslab.spec.display_name).toBe('glasslab (TypeScript)');
    });
});
