import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found from this file whether run from src/ (tests) or dist/src/ (built). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'migrations'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('postship: cannot find the package root (migrations/ and package.json)');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'migrations');
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

/**
 * The built JavaScript file of a worker thread beside `moduleUrl` (its import.meta.url):
 * threads run dist/ code, also when the caller runs as TypeScript under vitest.
 */
export function threadScript(moduleUrl: string, name: string): string {
  const here = fileURLToPath(moduleUrl);
  if (!here.endsWith('.ts')) return join(dirname(here), `${name}.js`);
  const relative = dirname(here).slice(PACKAGE_ROOT.length + 1);
  return join(PACKAGE_ROOT, 'dist', relative, `${name}.js`);
}
