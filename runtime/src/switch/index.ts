import type { SwitchOptions, SwitchReport } from './context.ts';
import { switchForward } from './forward.ts';
import { switchRollback } from './rollback.ts';

export { closeRollbackWindow } from './rollback.ts';
export { fingerprint, SwitchVerificationError, type SwitchOptions, type SwitchProgress, type SwitchReport } from './context.ts';
export { SwitchJournal, SWITCH_STEPS, ROLLBACK_STEPS, type JournalEntry, type SwitchStep } from './journal.ts';

/**
 * Moves a live tenant to another database with near-zero downtime (`to`), or back (`rollback: true`): see
 * switchForward and switchRollback. Options may be split over two arguments: `switchTenant(opts, { rollback: true })`.
 */
export function switchTenant(options: SwitchOptions, more: Partial<SwitchOptions> = {}): Promise<SwitchReport> {
  const merged = { ...options, ...more };
  return merged.rollback ? switchRollback(merged) : switchForward(merged);
}
