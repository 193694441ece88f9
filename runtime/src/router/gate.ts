import { performance } from 'node:perf_hooks';

/** What a gate has seen: how many units of work hold it, wait at it, and how long pauses lasted. */
export interface GateStats {
  paused: boolean;
  /** Connections handed out and not yet released (a transaction holds one until it ends). */
  inFlight: number;
  /** Acquisitions waiting for a resume. */
  waiting: number;
  pauses: number;
  /** Longest pause so far, from `pause` to `resume`, in milliseconds. */
  longestPauseMs: number;
}

/**
 * PgBouncer's PAUSE/RESUME for one tenant, in process: `pause` stops new work at the gate and resolves once the work
 * already inside has left (each unit is a connection: one query, or one whole transaction); `resume` lets the
 * waiting work through. Unlike PgBouncer, a pause that cannot drain within its timeout gives up and resumes, so a
 * forgotten transaction cannot hold every writer forever.
 */
export class Gate {
  #inFlight = 0;
  #paused = false;
  #pausedAt = 0;
  #waiters: (() => void)[] = [];
  #drained: (() => void)[] = [];
  #pauses = 0;
  #longest = 0;

  /** Waits while paused, then counts the caller in. Pair with exactly one `leave`. */
  async enter(): Promise<void> {
    while (this.#paused) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#inFlight++;
  }

  leave(): void {
    if (this.#inFlight === 0) throw new Error('gate left more often than entered');
    this.#inFlight--;
    if (this.#inFlight === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /**
   * Stops new work and waits for the work inside to finish. Throws (and resumes) when it does not finish within
   * `drainTimeoutMs`, naming how many units were still in flight.
   */
  async pause(drainTimeoutMs = 10_000): Promise<void> {
    if (this.#paused) throw new Error('already paused');
    this.#paused = true;
    this.#pausedAt = performance.now();
    this.#pauses++;
    if (this.#inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.#drained.push(() => resolve(true)));
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainTimeoutMs)));
    const ok = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (!ok) {
      const left = this.#inFlight;
      this.resume();
      throw new Error(`pause gave up after ${drainTimeoutMs} ms: ${left} connection(s) still in flight (a long transaction?); writers were released`);
    }
  }

  /** Lets waiting work through. Returns how long the pause lasted (0 when not paused). */
  resume(): number {
    if (!this.#paused) return 0;
    const lasted = performance.now() - this.#pausedAt;
    this.#longest = Math.max(this.#longest, lasted);
    this.#paused = false;
    for (const resolve of this.#waiters.splice(0)) resolve();
    return lasted;
  }

  stats(): GateStats {
    return { paused: this.#paused, inFlight: this.#inFlight, waiting: this.#waiters.length, pauses: this.#pauses, longestPauseMs: this.#longest };
  }
}
