#!/usr/bin/env node
// glasslab kernel launcher (the kernelspec's argv): registers tsx so the
// TypeScript sources load directly (main.ts adds the CommonJS hook that
// cells, compiled by tslab to CommonJS, need to `require('glasslab')`).
import { register as registerEsm } from 'tsx/esm/api';

registerEsm();
const { main } = await import('./main.ts');
const { createRegistry } = await import('../src/app/registry.ts');
await main(process.argv.slice(2), createRegistry());
