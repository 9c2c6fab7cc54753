/**
 * esbuild builds of library modules for a browser: platform 'browser',
 * conditions ['browser'] (so `#platform` is src/platform/browser.ts), ESM,
 * and no stub of any Node module: a build that reaches a Node built-in
 * fails with esbuild's "Could not resolve" errors, returned here.
 */
import { build, type Message, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from '../architecture/import-graph.ts';

export interface BrowserBuild {
  /** one line per error: 'file:line: text' */
  errors: string[];
  /** the bundle's inputs (paths relative to the repository), empty when it failed */
  inputs: string[];
  /** the bundle (minified when asked), empty when it failed */
  code: string;
}

export async function browserBuild(entry: string, opts: { minify?: boolean } = {}): Promise<BrowserBuild> {
  const line = (m: Message) => `${m.location?.file ?? '?'}:${m.location?.line ?? '?'}: ${m.text}`;
  try {
    const r = await build({
      entryPoints: [join(ROOT, entry)], absWorkingDir: ROOT, bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
      conditions: ['browser'], write: false, metafile: true, minify: opts.minify ?? false, logLevel: 'silent', outfile: 'bundle.js',
    });
    return { errors: [], inputs: Object.keys((r.metafile as Metafile).inputs), code: r.outputFiles[0].text };
  } catch (e) {
    const errs = (e as { errors?: Message[] }).errors;
    if (!errs) throw e;
    return { errors: [...new Set(errs.map(line))], inputs: [], code: '' };
  }
}
