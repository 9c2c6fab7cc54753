/**
 * The composition root: the one place that knows every command. It adds the
 * library's commands (src/commands) and the kernel's (kernel/commands.ts) to
 * one registry, which the CLI (bin/glasslab.mjs) and the kernel
 * (kernel/launch.mjs) receive. Nothing imports this module but those entry
 * points and tests (ARCHITECTURE.md, "Layers").
 */
import { addLibraryCommands } from '../commands/index.ts';
import { Registry } from '../commands/registry.ts';
import { galleryCommand, kernelCommand, runNotebooksCommand } from '../../kernel/commands.ts';

export function createRegistry(): Registry {
  const registry = addLibraryCommands(new Registry());
  return registry.add(runNotebooksCommand).add(galleryCommand).add(kernelCommand(() => registry));
}
