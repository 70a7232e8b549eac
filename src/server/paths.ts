// Path rules of the viewer: nothing outside the allowed roots is ever read. A client-given path
// is relative, has no '..', '.', empty, backslash or NUL segment, and its real path (symlinks
// followed) must lie inside the root; anything else is refused before the file system is touched
// beyond realpath/stat.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Something the client named does not exist (a 404). */
export class NotFound extends Error {}

export class PathRefused extends Error {
  constructor(
    readonly given: string,
    readonly reason: string,
  ) {
    super(`path refused: ${reason}`);
  }
}

/** True when `child` (a real path) is `root` or lies under it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** Checks the text of a client-given relative path; throws PathRefused with the reason. */
export function checkRelative(given: string): string[] {
  if (typeof given !== 'string' || given.length === 0) throw new PathRefused(String(given), 'empty path');
  if (given.length > 1000) throw new PathRefused(given.slice(0, 40), 'path too long');
  if (given.includes('\0')) throw new PathRefused(given, 'NUL byte');
  if (given.includes('\\')) throw new PathRefused(given, 'backslash');
  if (given.startsWith('/') || isAbsolute(given) || /^[A-Za-z]:/.test(given))
    throw new PathRefused(given, 'absolute path');
  const segments = given.split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.' || segment === '')
      throw new PathRefused(given, `segment '${segment}' not allowed`);
  }
  return segments;
}

/** Real path of `root`/`given` when it exists and stays inside `root` after following symlinks. */
export function resolveInside(root: string, given: string): string {
  checkRelative(given);
  const realRoot = realpathSync(root);
  const candidate = resolve(realRoot, given);
  if (!isInside(realRoot, candidate)) throw new PathRefused(given, 'outside the root');
  if (!existsSync(candidate)) throw new PathRefused(given, 'no such file');
  const real = realpathSync(candidate);
  if (!isInside(realRoot, real)) throw new PathRefused(given, 'symlink leaves the root');
  return real;
}

/**
 * Real path of `file` (a path the server built, e.g. a run's samples.jsonl) when it is a regular file
 * whose real path lies inside `root`; a symlink leading out of the folder is refused, not followed.
 */
export function resolveFileInside(root: string, file: string): string {
  if (!existsSync(file)) throw new PathRefused(file, 'no such file');
  const real = realpathSync(file);
  if (!isInside(realpathSync(root), real)) throw new PathRefused(file, 'symlink leaves the runs folder');
  if (!statSync(real).isFile()) throw new PathRefused(file, 'not a regular file');
  return real;
}

/** Real path of an absolute or relative path recorded in a log, if it lies inside one of `roots`. */
export function resolveRecorded(recorded: string, bases: readonly string[], roots: readonly string[]): string {
  if (typeof recorded !== 'string' || recorded.length === 0 || recorded.includes('\0'))
    throw new PathRefused(String(recorded), 'empty or NUL');
  const candidates = isAbsolute(recorded) ? [recorded] : bases.map((base) => join(base, recorded));
  const realRoots = roots.filter((root) => existsSync(root)).map((root) => realpathSync(root));
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (!statSync(real).isFile()) continue;
    if (realRoots.some((root) => isInside(root, real))) return real;
    throw new PathRefused(recorded, 'outside the runs folder and the image roots');
  }
  throw new PathRefused(recorded, 'no such file');
}
