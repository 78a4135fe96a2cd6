import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/** A benchmarked server: a child process speaking bench/lib/child.ts's IPC protocol. */
export interface BenchServer {
  name: string;
  info: Record<string, unknown> & { url: string };
  call<T = Record<string, unknown>>(type: string, args?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

const BENCH_DIR = path.resolve(import.meta.dirname, '..');
const running = new Set<ChildProcess>();

/** Starts `script` (relative to bench/, or absolute) and waits until it announces itself ready. */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
): Promise<BenchServer> {
  const child = fork(path.resolve(BENCH_DIR, script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  running.add(child);
  let next = 0;
  const pending = new Map<number, (reply: unknown) => void>();
  const info = await new Promise<BenchServer['info']>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; id?: number; reply?: unknown }) => {
      if (message.ready) resolve(message as BenchServer['info']);
      else if (message.id !== undefined) pending.get(message.id)?.(message.reply);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return {
    name,
    info,
    call: (type, args) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, (reply) => {
          pending.delete(id);
          resolve(reply as never);
        });
        child.send({ id, type, args });
      }),
    async stop() {
      running.delete(child);
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      child.kill('SIGKILL');
    },
  };
}

/** Kills every server still running (a run that failed half-way). */
export function killServers(): void {
  for (const child of running) child.kill('SIGKILL');
}
