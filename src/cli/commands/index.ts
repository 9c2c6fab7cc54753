/** All commands of the CLI and the magics, in the order `--help` lists them. */
import { Registry } from '../registry.ts';
import { demoCommand } from './demo.ts';
import { energyCommand } from './energy.ts';
import { mdCommand } from './md.ts';
import { minimizeCommand } from './minimize.ts';
import { modesCommand } from './modes.ts';
import { dynamicsCommand } from './dynamics.ts';
import { phopCommand } from './phop.ts';
import { lteCommand } from './lte.ts';
import { shearCommand } from './shear.ts';
import { vdosCommand } from './vdos.ts';
import { softnessCommand } from './softness.ts';
import { kernelCommand, runNotebooksCommand } from '../../../kernel/commands.ts';

export function createRegistry(): Registry {
  return new Registry()
    .add(mdCommand)
    .add(minimizeCommand)
    .add(energyCommand)
    .add(modesCommand)
    .add(lteCommand)
    .add(shearCommand)
    .add(vdosCommand)
    .add(dynamicsCommand)
    .add(phopCommand)
    .add(softnessCommand)
    .add(demoCommand)
    .add(runNotebooksCommand)
    .add(kernelCommand);
}
