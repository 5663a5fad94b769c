import type { TLogger } from './log';

export interface TJob {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

export interface TJobRunner {
  /** Stops scheduling and waits for runs in progress, so shutdown never cuts a job's transaction. */
  stop(): Promise<void>;
}

/** Runs each job on its interval, never overlapping itself; a failing run is logged and retried next time. */
export function startJobs(jobs: TJob[], logger: TLogger): TJobRunner {
  let stopped = false;
  const running = new Set<Promise<void>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const run = job
        .run()
        .catch((error: unknown) => logger.warn({ err: error, job: job.name }, 'background job failed; retrying later'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
