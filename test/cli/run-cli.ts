/** Test helper: run the glasslab CLI in-process in `cwd` and capture stdout, stderr and the exit code. */
import { main, type MainIO } from '../../src/cli/main.ts';
import { createRegistry } from '../../src/app/registry.ts';

export async function runCli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: MainIO = {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; } },
    env: {}, cwd,
  };
  const code = await main(argv, io, createRegistry());
  return { code, out, err };
}
