import type { ConnectionProfile } from '@byos/runtime';

export interface SwitchGuardOptions {
  /** The operator confirmed (--writers-stopped) that no application writes to the tenant during the switch. */
  writersStopped?: boolean;
  /**
   * Whether the engines can fence writes at the database itself for the cutover pause (`byos reconcile` answers
   * from the source's and target's dialect: `dialect.fence`). With a fence, no flag is needed.
   */
  hasWriteFence?: (source: ConnectionProfile) => boolean;
}

/**
 * Why a live switch from `source` must not run from the operator's process, or undefined when it may. Writers in
 * other processes are stopped either by the database's write fence or by the operator (--writers-stopped).
 */
export function switchRefusal(source: ConnectionProfile, options: SwitchGuardOptions): string | undefined {
  if (options.writersStopped || options.hasWriteFence?.(source)) return undefined;
  return (
    `a live switch holds writers through the tenant router of the process running it, and ${source.provider} has no write fence here: ` +
    "stop the tenant's writers and re-run with --writers-stopped, or run switchTenant inside the application (docs/operator.md)"
  );
}
