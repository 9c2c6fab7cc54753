/**
 * The browser build (issue [14]): esbuild bundles the library's entry
 * points for platform 'browser' with conditions ['browser'] and NO stub of
 * any Node module, so a build that reaches a Node built-in fails here. The
 * "browser" condition of the `#platform` import must pick
 * src/platform/browser.ts and leave src/platform/node.ts out.
 */
import { describe, expect, it } from 'vitest';
import { browserBuild } from './browser-bundle.ts';

/**
 * Entry points that a browser build reaches with no Node module: the whole
 * library, the commands and the browser kernel's worker. Node's built-ins
 * are imported by src/platform/node.ts alone (and by the CLI and the Node
 * kernel, which a browser never loads); the browser has what
 * src/platform/browser.ts gives, and says so where it has nothing (no
 * processes: `--engine lammps` needs Node).
 */
const BROWSER_READY = [
  'src/platform/index.ts', 'src/linalg/index.ts', 'src/plot/index.ts', 'src/potential/index.ts',
  'src/md/index.ts', 'src/minimize/index.ts', 'src/core/force-provider.ts', 'src/system/system.ts',
  'src/io/index.ts', 'src/analysis/index.ts', 'src/protocols/index.ts', 'src/display/index.ts', 'src/engine/index.ts', 'src/index.ts',
  // what the JupyterLite kernel's worker bundles: the commands as magics, the session, the worker itself
  'src/commands/index.ts', 'kernel/magics/table.ts', 'kernel/lite/session.ts', 'web/src/kernel-worker.ts',
];

describe('browser build: no Node built-in reachable', { timeout: 120_000 }, () => {
  for (const entry of BROWSER_READY) {
    it(`${entry} bundles for a browser, with platform/browser.ts and without platform/node.ts`, async () => {
      const b = await browserBuild(entry);
      expect(b.errors).toEqual([]);
      expect(b.inputs.some((f) => f.endsWith('src/platform/node.ts'))).toBe(false);
      if (entry !== 'src/plot/index.ts' && entry !== 'src/system/system.ts') expect(b.inputs.some((f) => f.endsWith('src/platform/browser.ts'))).toBe(true);
      expect(b.code).not.toMatch(/\brequire\(["']node:/);
    });
  }
});
