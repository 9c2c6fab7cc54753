/**
 * The analysis and engine commands of the CLI and the magics, in the order
 * `--help` lists them. The app (src/app/registry.ts) adds the kernel's own
 * commands and builds the registry.
 */
import type { Registry } from './registry.ts';
import { demoCommand } from './demo.ts';
import { energyCommand } from './energy.ts';
import { voronoiCommand } from './voronoi.ts';
import { descriptorsCommand } from './descriptors.ts';
import { mdCommand } from './md.ts';
import { collectCommand } from './collect.ts';
import { minimizeCommand } from './minimize.ts';
import { quenchCommand } from './quench.ts';
import { artnCommand } from './artn.ts';
import { modesCommand } from './modes.ts';
import { dynamicsCommand } from './dynamics.ts';
import { phopCommand } from './phop.ts';
import { lteCommand } from './lte.ts';
import { shearCommand } from './shear.ts';
import { vdosCommand } from './vdos.ts';
import { softnessCommand } from './softness.ts';
import { correlateCommand } from './correlate.ts';
import { viewCommand } from './view.ts';

/** Adds the analysis and engine commands to `registry` (in `--help` order). */
export function addLibraryCommands(registry: Registry): Registry {
  return registry
    .add(mdCommand)
    .add(collectCommand)
    .add(minimizeCommand)
    .add(quenchCommand)
    .add(artnCommand)
    .add(energyCommand)
    .add(voronoiCommand)
    .add(descriptorsCommand)
    .add(modesCommand)
    .add(lteCommand)
    .add(shearCommand)
    .add(vdosCommand)
    .add(dynamicsCommand)
    .add(phopCommand)
    .add(softnessCommand)
    .add(correlateCommand)
    .add(viewCommand)
    .add(demoCommand);
}
