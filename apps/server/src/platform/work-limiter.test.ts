import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from './errors.ts';
import { WorkLimiter } from './work-limiter.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkLimiter', () => {
  it('runs at most `concurrency` jobs, queues the next ones in order and sheds the rest with 503', async () => {
    const limiter = new WorkLimiter(2, 2);
    const jobs = Array.from({ length: 4 }, deferred);
    const started: number[] = [];
    const runs = jobs.map((job, i) =>
      limiter.run(async () => {
        started.push(i);
        await job.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([limiter.running, limiter.queued]).toEqual([2, 2]);

    const shed = await limiter.run(async () => 'never').catch((error: unknown) => error);
    expect(isAppError(shed) && shed.code).toBe('service_unavailable');
    expect(isAppError(shed) && shed.headers['retry-after']).toBe('1');

    jobs[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    jobs[0]!.reject(new Error('boom'));
    await expect(runs[0]).rejects.toThrow('boom');
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    jobs[2]!.resolve();
    jobs[3]!.resolve();
    expect(await Promise.all(runs.slice(1))).toEqual([1, 2, 3]);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('never exceeds its concurrency and ends idle, whatever the timings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 3 }), fails: fc.boolean() }), {
          maxLength: 30,
        }),
        async (concurrency, queueLimit, specs) => {
          const limiter = new WorkLimiter(concurrency, queueLimit);
          let inFlight = 0;
          let peak = 0;
          const outcomes = await Promise.allSettled(
            specs.map((spec) =>
              limiter.run(async () => {
                inFlight += 1;
                peak = Math.max(peak, inFlight);
                for (let i = 0; i < spec.delay; i += 1) await tick();
                inFlight -= 1;
                if (spec.fails) throw new Error('job failed');
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(concurrency);
          const shed = outcomes.filter((o) => o.status === 'rejected' && isAppError(o.reason)).length;
          expect(shed).toBe(Math.max(0, specs.length - concurrency - queueLimit));
          expect([limiter.running, limiter.queued]).toEqual([0, 0]);
        },
      ),
    );
  });
});
