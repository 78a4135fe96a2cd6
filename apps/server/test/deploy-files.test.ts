import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Docker does not run here: keep the Dockerfile, compose.yaml and Caddyfile honest by checking
 * that what they copy, run and probe exists in the repository. CI runs the same build commands
 * (`npm ci`, `npm run build`, `node apps/server/dist/src/server.js`) outside a container.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const rootScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const serverBuild = JSON.parse(read('apps/server/tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as {
  compilerOptions: { outDir: string; rootDir: string };
};

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n');

  it('is multi-stage on node:20-slim and runs as a non-root user', () => {
    expect(lines.filter((l) => /^FROM node:20-slim AS \w+/.test(l))).toHaveLength(2);
    const user = lines.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
  });

  it('copies only files that exist and installs production dependencies in the final stage', () => {
    for (const line of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
      const sources = line
        .split(/\s+/)
        .slice(1, -1)
        .filter((s) => s !== '.');
      for (const source of sources) expect(existsSync(path.join(ROOT, source)), source).toBe(true);
    }
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/npm ci --omit=dev/);
  });

  it('builds with the repository build script and starts the compiled server', () => {
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(rootScripts.build).toContain('--workspace @tessera/server');
    const cmd = /^CMD \["node", "([^"]+)"\]/m.exec(dockerfile)?.[1];
    // dist/src/server.js is where tsconfig.build.json puts src/server.ts.
    expect(cmd).toBe(`apps/server/${serverBuild.compilerOptions.outDir}/src/server.js`);
    expect(serverBuild.compilerOptions.rootDir).toBe('.');
    expect(existsSync(path.join(ROOT, 'apps/server/src/server.ts'))).toBe(true);
    for (const copied of ['apps/server/dist', 'apps/web/dist'])
      expect(dockerfile).toContain(`COPY --from=build /app/${copied} ${copied}`);
  });

  it('probes the liveness route the server registers', () => {
    const healthcheck = lines.slice(lines.findIndex((l) => l.startsWith('HEALTHCHECK'))).join('\n');
    expect(healthcheck).toContain('/api/health/live');
    expect(read('apps/server/src/modules/health/health.routes.ts')).toContain("'/api/health/live'");
  });
});

describe('compose.yaml and the Caddyfile', () => {
  const compose = read('compose.yaml');

  it('runs three Tessera instances, PostgreSQL, Redis and a proxy', () => {
    for (const service of ['tessera-1', 'tessera-2', 'tessera-3', 'postgres', 'redis', 'proxy']) {
      expect(compose).toMatch(new RegExp(`^  ${service}:`, 'm'));
    }
    expect(compose).toMatch(/^\s+build: \.$/m);
    expect(compose).toContain('TRUST_PROXY: "true"');
    expect(compose).toContain('synchronous_commit=on');
  });

  it('mounts a Caddyfile that exists and balances over ready instances only', () => {
    const mount = /- (\.\/[^:]+):\/etc\/caddy\/Caddyfile/.exec(compose)?.[1];
    expect(mount).toBeDefined();
    const caddyfile = read(mount!);
    expect(caddyfile).toContain('health_uri /api/health/ready');
    for (const n of [1, 2, 3]) expect(caddyfile).toContain(`tessera-${n}:3000`);
  });

  it('sets only configuration variables the server reads', () => {
    const config = read('apps/server/src/config.ts');
    const names = [...compose.matchAll(/^ {4}([A-Z_]+): /gm)]
      .map((m) => m[1]!)
      .filter((n) => !n.startsWith('POSTGRES_'));
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) expect(config, name).toContain(name);
  });
});
