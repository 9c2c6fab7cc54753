/**
 * External tools some kernel tests need (jupyter, chromium). Missing locally:
 * the test is skipped with a loud warning. Missing under CI (process.env.CI
 * set): the test fails, because CI must install them (.ci/run).
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

export function haveTool(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

/** True when the tests needing `cmd` should run; throws under CI when it is missing. */
export function requireTool(cmd: string, why: string, args?: string[]): boolean {
  if (haveTool(cmd, args)) return true;
  const msg = `\n!!!!!!!! ${cmd} not found: SKIPPING ${why}. Install it (Debian: see .ci/run) to run these tests. !!!!!!!!\n`;
  if (process.env.CI) throw new Error(`${cmd} is required under CI for ${why}${msg}`);
  console.warn(msg);
  return false;
}

/** Headless chromium on a page file with no network (every request goes to a closed local port); the DOM after scripts ran. */
export function browse(page: string, profile: string): string {
  const r = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>', `--user-data-dir=${profile}`, '--virtual-time-budget=5000',
    '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}
