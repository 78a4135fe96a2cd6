/**
 * What every benchmarked server process shares: exact statement counting at the driver (every
 * `pg` client query and every PGlite query, by first keyword; LISTEN-connection round trips
 * apart), CPU and memory figures, and the IPC protocol with the runner (bench/run.ts).
 *
 * Statements are told apart by cause: every HTTP request is dispatched inside an
 * AsyncLocalStorage scope (the server's `request` event), which follows all asynchronous work the
 * request starts (awaits, callbacks, timers it sets, work queued behind other statements), so a
 * statement issued in that scope is the request's (`statements`) — also when it runs after the
 * response (deferred audit writes, for instance). Statements outside any request (timers set at
 * start: last-use flush, notice delivery poll, purge) are `background`. The keyword counts
 * (select, update, …) cover both.
 *
 * The scope is not free: while any AsyncLocalStorage is enabled, Node 20 runs promise hooks on
 * every promise, which costs a server in proportion to the promises it makes per request (more for
 * Tessera's hook chain than for a bare route). So the runner times its rounds with attribution off
 * (`attribution` command) and counts statements per request in a separate pass with it on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export const counts = {
  /** Statements issued while serving a request (or by work the request started). */
  statements: 0,
  /** Statements of the process's own background jobs, outside any request. */
  background: 0,
  select: 0,
  insert: 0,
  update: 0,
  delete: 0,
  other: 0,
  listener: 0,
};

const inRequest = new AsyncLocalStorage<true>();
let attributing = true;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function scopedEmit(
  this: http.Server,
  event: string | symbol,
  ...args: unknown[]
) {
  if (event === 'request' && attributing)
    return inRequest.run(true, () => Reflect.apply(emit, this, [event, ...args]));
  return Reflect.apply(emit, this, [event, ...args]);
} as typeof http.Server.prototype.emit;

function classify(text: unknown) {
  const sql = typeof text === 'string' ? text : ((text as { text?: string } | null)?.text ?? '');
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  if (inRequest.getStore()) counts.statements += 1;
  else counts.background += 1;
  if (word === 'select' || word === 'with') counts.select += 1;
  else if (word === 'insert') counts.insert += 1;
  else if (word === 'update') counts.update += 1;
  else if (word === 'delete') counts.delete += 1;
  else counts.other += 1;
}

const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const application = (this as unknown as { connectionParameters?: { application_name?: string } })
    .connectionParameters?.application_name;
  if (application === 'tessera-listener') counts.listener += 1;
  else classify(args[0]);
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const pgliteQuery = PGlite.prototype.query;
PGlite.prototype.query = function countedQuery(this: PGlite, ...args: unknown[]) {
  classify(args[0]);
  return (pgliteQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof PGlite.prototype.query;

let cpuAt = process.cpuUsage();
/** Time the process spent in garbage-collection pauses since the last reset (ms). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
const snapshot = () => ({ ...counts });
let countsAt = snapshot();

/** Announces the server to the runner and answers its measurement requests. */
export function serve(
  info: Record<string, unknown>,
  extra: () => Record<string, unknown> = () => ({}),
  commands: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {},
) {
  process.on('message', async (message: { id: number; type: string; args?: Record<string, unknown> }) => {
    let reply: unknown;
    if (message.type === 'reset') {
      cpuAt = process.cpuUsage();
      gcMs = 0;
      countsAt = snapshot();
      reply = {};
    } else if (message.type === 'attribution') {
      attributing = message.args?.on === true;
      // Disabling the last enabled storage turns Node's promise hooks off again.
      if (!attributing) inRequest.disable();
      reply = {};
    } else if (message.type === 'stats') {
      const cpu = process.cpuUsage(cpuAt);
      const now = snapshot();
      const delta = Object.fromEntries(
        Object.entries(now).map(([k, v]) => [k, v - countsAt[k as keyof typeof counts]]),
      );
      reply = {
        cpuMicros: cpu.user + cpu.system,
        cpuUserMicros: cpu.user,
        gcMicros: gcMs * 1000,
        counts: delta,
        rss: process.memoryUsage().rss,
        ...extra(),
      };
    } else if (commands[message.type]) {
      reply = await commands[message.type]!(message.args ?? {});
    }
    process.send?.({ id: message.id, reply });
  });
  // Exit cleanly on SIGTERM (so `node --cpu-prof` writes its profile) unless the server handles it itself.
  process.once('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 0) process.exit(0);
  });
  process.send?.({ ready: true, ...info });
}
