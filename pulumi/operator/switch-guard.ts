import type { ConnectionProfile } from '@byos/runtime';

export interface SwitchGuardOptions {
  /** The operator confirmed (--writers-stopped) that no application writes to the tenant during the switch. */
  writersStopped?: boolean;
  /**
   * Whether the source's engine can fence writes at the database itself for the cutover pause. Until the fence
   * exists no engine has one, so the flag is the only way through; the fence change supplies this.
   */
  hasWriteFence?: (source: ConnectionProfile) => boolean;
}

/**
 * Why a live switch from `source` must not run from the operator's process, or undefined when it may. The switch
 * holds writers only through this process's router: writers elsewhere are stopped either by a database fence or
 * by the operator (--writers-stopped).
 */
export function switchRefusal(source: ConnectionProfile, options: SwitchGuardOptions): string | undefined {
  if (options.writersStopped || options.hasWriteFence?.(source)) return undefined;
  return (
    `a live switch holds writers through the tenant router of the process running it, and ${source.provider} has no write fence here: ` +
    "stop the tenant's writers and re-run with --writers-stopped, or run switchTenant inside the application (docs/operator.md)"
  );
}
