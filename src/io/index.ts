/**
 * One entry point for configuration files: `readSystem` / `writeSystem`
 * dispatch on the file name, and for reading on the content when the name
 * says nothing.
 *
 *   LAMMPS data  : .data .lmp .lammps (+ .gz)
 *   LAMMPS dump  : .dump .lammpstrj .trj (+ .gz)       -> one frame (default first)
 *   extended XYZ : .xyz .extxyz (+ .gz)                -> one frame (default first)
 */
import type { Dim } from '../system/box.ts';
import type { System } from '../system/system.ts';
import { Trajectory } from './trajectory.ts';
import { readTextChunks } from './files.ts';
import { readLammpsData, writeLammpsData, type DataWriteOptions } from './lammps-data.ts';
import { writeDump, type DumpWriteOptions } from './lammps-dump.ts';
import { readXyz, writeXyz, type XyzReadOptions, type XyzWriteOptions } from './xyz.ts';

export type FileFormat = 'lammps-data' | 'lammps-dump' | 'xyz';

export interface ReadSystemOptions {
  /** override detection */
  format?: FileFormat;
  /** dimension (data files: 2 to drop z; dumps: default from the columns) */
  dim?: Dim;
  /** frame of a multi-frame file; negative counts from the end (dumps); default 0 */
  frame?: number;
  /** reorder atoms by id (dump, data); default true */
  sortById?: boolean;
  /** masses by type (index 0 unused) when the file has none (dump, xyz) */
  typeMasses?: ArrayLike<number>;
  /** species -> type map (xyz) */
  typeMap?: XyzReadOptions['typeMap'];
}

export type WriteSystemOptions = { format?: FileFormat } & DataWriteOptions & DumpWriteOptions & XyzWriteOptions;

/** Format implied by a file name, or null. */
export function formatFromName(path: string): FileFormat | null {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (/\.(data|lmp|lammps)$/.test(name) || /(^|\/)data\.[^/]*$/.test(name)) return 'lammps-data';
  if (/\.(dump|lammpstrj|trj)$/.test(name) || /(^|\/)dump\.[^/]*$/.test(name)) return 'lammps-dump';
  if (/\.(xyz|extxyz)$/.test(name)) return 'xyz';
  return null;
}

/** Format recognised from the first lines of a file, or null. */
export async function sniffFormat(path: string): Promise<FileFormat | null> {
  let head = '';
  for await (const c of readTextChunks(path)) {
    head = c.text.slice(0, 4096);
    break;
  }
  const lines = head.split('\n').map((l) => l.trim());
  if (lines[0]?.startsWith('ITEM:')) return 'lammps-dump';
  if (/^\d+$/.test(lines[0] ?? '') && lines.length > 1) return 'xyz';
  if (lines.slice(1, 40).some((l) => /^\d+\s+atoms\b/.test(l))) return 'lammps-data';
  return null;
}

/** Read one configuration from a LAMMPS data, LAMMPS dump or extended-XYZ file. */
export async function readSystem(path: string, opts: ReadSystemOptions = {}): Promise<System> {
  const format = opts.format ?? formatFromName(path) ?? (await sniffFormat(path));
  if (!format) throw new Error(`${path}: cannot tell the file format from its name or content; pass format: 'lammps-data' | 'lammps-dump' | 'xyz'`);
  const frame = opts.frame ?? 0;
  switch (format) {
    case 'lammps-data':
      if (frame !== 0) throw new Error(`${path}: a LAMMPS data file holds one configuration; frame ${frame} does not exist`);
      return readLammpsData(path, { dim: opts.dim, sortById: opts.sortById });
    case 'lammps-dump':
      return new Trajectory(path, { dim: opts.dim, sortById: opts.sortById, typeMasses: opts.typeMasses }).frame(frame);
    case 'xyz':
      if (frame < 0) throw new Error(`${path}: negative frame indices are supported for dumps only`);
      return readXyz(path, frame, { dim: opts.dim, typeMap: opts.typeMap, typeMasses: opts.typeMasses });
  }
}

/** Write one configuration; the format follows the file name unless given. */
export async function writeSystem(path: string, sys: System, opts: WriteSystemOptions = {}): Promise<void> {
  const format = opts.format ?? formatFromName(path);
  if (!format) throw new Error(`${path}: cannot tell the output format from the file name; use .data, .dump, .lammpstrj, .xyz (optionally .gz) or pass format`);
  switch (format) {
    case 'lammps-data':
      return writeLammpsData(path, sys, opts);
    case 'lammps-dump':
      return writeDump(path, [sys], opts);
    case 'xyz':
      return writeXyz(path, sys, opts);
  }
}

export { Trajectory } from './trajectory.ts';
export { DumpWriter, readDumpFrame, readDumpFrames, scanDump, writeDump } from './lammps-dump.ts';
export type { DumpFrame, DumpReadOptions, DumpWriteOptions, FrameRange } from './lammps-dump.ts';
export { readLammpsData, writeLammpsData, parseLammpsData, formatLammpsData } from './lammps-data.ts';
export { readXyz, readXyzFrames, writeXyz, formatXyzFrame } from './xyz.ts';
export { writeTextAtomic, readTextWhole } from './files.ts';
export { cached, cachedFiles, computedRecordPath, cachePath, canonicalJson, cacheUses, coldSeconds, readCacheLog, summarizeCacheUses, CACHE_LOG_ENV, type CacheComputation, type CacheSummary, type CacheUse } from './cache.ts';
export { codeState, loadAverage, type CodeState } from './code-state.ts';
export { parseCsvTable, readCsvTable, valuesById, type CsvTable } from './csv.ts';
/**
 * Whether a file or folder exists, and a folder made with its parents: the
 * platform's (src/platform), so that a notebook's cells run unchanged in
 * Node and in the browser kernel, where the files are the JupyterLite
 * drive's (the notebooks use these instead of node:fs).
 */
export { exists, makeDir } from '../platform/index.ts';
export { galleryClaimsJson, readScaleClaims, GALLERY_CLAIMS_FILE, type GalleryClaimsEntry, type GalleryClaimsRecord } from './gallery-claims.ts';
