import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries docs/architecture.md states, checked on the import graph (issue #17):
 * - `platform/` imports nothing from `modules/`;
 * - neither `platform/` nor `modules/` imports app.ts, not even a type (a module declares the
 *   narrow input it needs; app.ts passes what it has);
 * - a module never imports another module's repository (one owner per table);
 * - a web feature never imports another feature (shared code lives in `lib/`);
 * - no runtime import cycle, on the server or in the web app.
 * KNOWN lists what breaks a rule today, each to go with the refactoring that fixes it: a new
 * breach fails, and so does an entry that no longer breaks anything (remove it then).
 */
const KNOWN: string[] = [];

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gms;

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Relative imports of every source file under `root`, as paths relative to `root`. */
function importGraph(root: string): Edge[] {
  const base = path.join(repoRoot, root);
  return sourceFiles(base).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)]
      .filter((match) => match[2]!.startsWith('.'))
      .map((match) => ({
        from: path.relative(base, file),
        to: path.relative(base, path.resolve(path.dirname(file), match[2]!)),
        typeOnly: Boolean(match[1]),
      })),
  );
}

function serverBreaches(edges: Edge[]): string[] {
  const breaches: string[] = [];
  for (const { from, to } of edges) {
    if (from.startsWith('platform/') && to.startsWith('modules/')) {
      breaches.push(`platform → modules: ${from} -> ${to}`);
    }
    if ((from.startsWith('platform/') || from.startsWith('modules/')) && to === 'app.ts') {
      breaches.push(`imports app.ts: ${from} -> ${to}`);
    }
    const fromModule = from.match(/^modules\/([^/]+)\//)?.[1];
    const toRepository = to.match(/^modules\/([^/]+)\/[^/]+\.repository\.ts$/)?.[1];
    if (fromModule && toRepository && fromModule !== toRepository) {
      breaches.push(`module repository: ${from} -> ${to}`);
    }
  }
  return [...new Set(breaches)].sort();
}

function webBreaches(edges: Edge[]): string[] {
  const breaches = edges.flatMap(({ from, to }) => {
    const a = from.match(/^features\/([^/]+)\//)?.[1];
    const b = to.match(/^features\/([^/]+)\//)?.[1];
    return a && b && a !== b ? [`feature → feature: ${from} -> ${to}`] : [];
  });
  return [...new Set(breaches)].sort();
}

/** Groups of files that import each other at run time (strongly connected, more than one file). */
function runtimeCycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to, typeOnly } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!typeOnly) next.get(from)!.push(to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!next.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('architecture', () => {
  const server = importGraph('apps/server/src');
  const web = importGraph('apps/web/src');

  it('reads the import graph (the rules below have something to judge)', () => {
    expect(server.length).toBeGreaterThan(300);
    expect(web.length).toBeGreaterThan(100);
    expect(server).toContainEqual({
      from: 'modules/credentials/credentials.service.ts',
      to: 'modules/credentials/credentials.repository.ts',
      typeOnly: expect.any(Boolean),
    });
  });

  it('server: platform/ imports no module, nothing below app.ts imports it, and no module imports another module’s repository', () => {
    const breaches = serverBreaches(server);
    expect(
      breaches.filter((breach) => !KNOWN.includes(breach)),
      'new breaches',
    ).toEqual([]);
    expect(
      KNOWN.filter((known) => !breaches.includes(known)),
      'fixed: remove from KNOWN',
    ).toEqual([]);
  });

  it('web: no feature imports another feature', () => {
    expect(webBreaches(web)).toEqual([]);
  });

  it('no runtime import cycle on the server or in the web app', () => {
    expect(runtimeCycles(server)).toEqual([]);
    expect(runtimeCycles(web)).toEqual([]);
  });

  it('finds a breach and a cycle when there is one', () => {
    const planted: Edge[] = [
      { from: 'platform/http/x.ts', to: 'modules/tokens/tokens.service.ts', typeOnly: false },
      { from: 'modules/a/a.service.ts', to: 'modules/b/b.repository.ts', typeOnly: true },
      { from: 'modules/b/b.service.ts', to: 'modules/b/b.repository.ts', typeOnly: false },
      { from: 'modules/b/index.ts', to: 'app.ts', typeOnly: true },
      { from: 'server.ts', to: 'app.ts', typeOnly: false },
      { from: 'p.ts', to: 'q.ts', typeOnly: false },
      { from: 'q.ts', to: 'p.ts', typeOnly: false },
      { from: 'r.ts', to: 's.ts', typeOnly: true },
      { from: 's.ts', to: 'r.ts', typeOnly: false },
    ];
    expect(serverBreaches(planted)).toEqual([
      'imports app.ts: modules/b/index.ts -> app.ts',
      'module repository: modules/a/a.service.ts -> modules/b/b.repository.ts',
      'platform → modules: platform/http/x.ts -> modules/tokens/tokens.service.ts',
    ]);
    expect(runtimeCycles(planted)).toEqual([['p.ts', 'q.ts']]);
    expect(
      webBreaches([{ from: 'features/tokens/a.tsx', to: 'features/repos/b.ts', typeOnly: false }]),
    ).toHaveLength(1);
  });
});
