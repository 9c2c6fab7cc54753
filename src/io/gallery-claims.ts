/**
 * The claims of the gallery's runs (issue [12]): `glasslab gallery`
 * (kernel/gallery.ts) writes, next to its index, `claims.json` with each
 * notebook's ours-against-the-paper claims (src/plot/claims.ts) and the
 * scale, commit, date and wall time of the run they come from. A notebook
 * run at another scale reads its own entry back (`readScaleClaims`) and
 * passes it to `claimsTable({ atScale })`, which adds the column "at medium
 * scale": a reader of the quick run sees what the longer run gave.
 */
import { platform } from '../platform/index.ts';
import type { Claim, ClaimsAtScale } from '../plot/claims.ts';

/** The file name of the record in a gallery folder. */
export const GALLERY_CLAIMS_FILE = 'claims.json';

/** One notebook's entry: its claims and the run they come from. */
export interface GalleryClaimsEntry {
  scale: string;
  /** commit of the run (`git rev-parse HEAD`), 'unknown' outside a checkout */
  commit: string;
  /** start of the run, ISO 8601 UTC */
  date: string;
  /** wall time of the run [s] */
  wallSeconds: number;
  claims: Claim[];
}

/** The record: notebook name (file name without .ipynb) -> its entry. */
export interface GalleryClaimsRecord {
  notebooks: Record<string, GalleryClaimsEntry>;
}

/** The record as JSON text (one line per notebook entry is not needed: it is read by code; two-space indent for diffs). */
export function galleryClaimsJson(record: GalleryClaimsRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/**
 * The claims of `notebook` in the gallery record `file` as `claimsTable`'s
 * `atScale`, or null when the file or the notebook's entry is not there
 * (the gallery has not run it yet). Throws a one-line error naming the file
 * when it is not such a record.
 */
export function readScaleClaims(file: string, notebook: string): ClaimsAtScale | null {
  if (!platform.exists(file)) return null;
  let rec: unknown;
  try {
    rec = JSON.parse(platform.readText(file));
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message.split('\n')[0]}); rebuild it with glasslab gallery`);
  }
  const nbs = (rec as Partial<GalleryClaimsRecord> | null)?.notebooks;
  if (typeof nbs !== 'object' || nbs === null) throw new Error(`${file}: no "notebooks" object; not a gallery claims record (rebuild it with glasslab gallery)`);
  const e = (nbs as Record<string, Partial<GalleryClaimsEntry>>)[notebook];
  if (e === undefined) return null;
  if (typeof e.scale !== 'string' || !Array.isArray(e.claims)) throw new Error(`${file}: the entry of ${notebook} lacks its scale or claims; rebuild it with glasslab gallery`);
  return { scale: e.scale, claims: e.claims };
}
