// The synthetic databases, generated on first use into the cache folder and opened read-only.
// A fixed seed (not the run seed): gold answers are computed on these files and must not move.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateEicu } from './gen-eicu.js';
import { generateMimic } from './gen-mimic.js';
import type { DbId } from './schema.js';

/** Bump when the generator's output changes; the cache folder is keyed by it. */
export const GENERATOR_VERSION = 2;
export const GENERATOR_SEED = 20250923;

export const DB_FILES: Record<DbId, string> = { mimic_iv_star: 'mimic_iv_star.sqlite', eicu_star: 'eicu_star.sqlite' };

export function syntheticDir(cacheDir: string): string {
  return join(cacheDir, 'ehr-chatqa', `synthetic-v${GENERATOR_VERSION}`);
}

/** Writes the database for `dbId` unless it is there; returns its path. Safe against concurrent callers (write + rename). */
export function ensureDatabase(cacheDir: string, dbId: DbId): string {
  const dir = syntheticDir(cacheDir);
  const path = join(dir, DB_FILES[dbId]);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const db = new Database(temp);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    if (dbId === 'mimic_iv_star') generateMimic(db, GENERATOR_SEED);
    else generateEicu(db, GENERATOR_SEED + 1);
    db.close();
    renameSync(temp, path);
  } catch (error) {
    if (db.open) db.close();
    rmSync(temp, { force: true });
    throw error;
  }
  return path;
}

export function ensureDatabases(cacheDir: string): Record<DbId, string> {
  return { mimic_iv_star: ensureDatabase(cacheDir, 'mimic_iv_star'), eicu_star: ensureDatabase(cacheDir, 'eicu_star') };
}

/** A read-only connection: writes fail inside SQLite, whatever the SQL says. */
export function openReadOnly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  return db;
}

export function tableCounts(db: Database.Database): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
  }[]) {
    counts[row.name] = (db.prepare(`SELECT COUNT(*) AS n FROM "${row.name}"`).get() as { n: number }).n;
  }
  return counts;
}
