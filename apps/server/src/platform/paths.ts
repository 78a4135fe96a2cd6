import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The server package's folder (apps/server), whether this module runs from `src/` under tsx or
 * from the compiled `dist/src/`: the nearest folder above it that holds a package.json.
 */
export const SERVER_ROOT = (() => {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = parent;
  }
  return dir;
})();
