import { randomUUID } from 'node:crypto';

/** One event of a long job, as the browser receives it over server-sent events. */
export interface JobEvent {
  /** `progress` while it runs; `done` or `failed` once, last. */
  type: 'progress' | 'done' | 'failed';
  [key: string]: unknown;
}

export interface Job {
  id: string;
  kind: string;
  /** What it acts on: the tenant, for a move or an import. */
  subject: string;
  startedAt: string;
  events: JobEvent[];
  finished: boolean;
  listeners: Set<(event: JobEvent) => void>;
}

/**
 * Long work (an import's load, a move) runs as a job the page follows over server-sent events. Every event is kept,
 * so a page opened (or reloaded) halfway through replays what happened and then follows the rest.
 */
export class Jobs {
  private readonly all = new Map<string, Job>();

  start(
    kind: string,
    subject: string,
    work: (emit: (event: Omit<JobEvent, 'type'> & { type?: JobEvent['type'] }) => void) => Promise<Record<string, unknown>>,
  ): Job {
    const job: Job = { id: randomUUID(), kind, subject, startedAt: new Date().toISOString(), events: [], finished: false, listeners: new Set() };
    this.all.set(job.id, job);
    const push = (event: JobEvent) => {
      job.events.push(event);
      for (const listener of job.listeners) listener(event);
    };
    void (async () => {
      try {
        const result = await work((event) => push({ ...event, type: event.type ?? 'progress' }));
        job.finished = true;
        push({ type: 'done', ...result });
      } catch (error) {
        job.finished = true;
        push({ type: 'failed', message: (error as Error).message });
      }
    })();
    return job;
  }

  get(id: string): Job | undefined {
    return this.all.get(id);
  }

  /** The newest job of that kind on that subject (finished or not): what a reloaded page reattaches to. */
  latest(kind: string, subject: string): Job | undefined {
    return [...this.all.values()].filter((j) => j.kind === kind && j.subject === subject).at(-1);
  }

  running(kind?: string): Job[] {
    return [...this.all.values()].filter((j) => !j.finished && (!kind || j.kind === kind));
  }
}
