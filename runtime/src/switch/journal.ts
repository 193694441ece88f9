import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertTenantName } from '../router/profile-store.ts';

/** Steps of a forward switch, in order. */
export const SWITCH_STEPS = [
  'begin',
  'capture-on',
  'copy',
  'catch-up',
  'reverse-capture-on',
  'drained',
  'verified',
  'flipped',
  'released',
  'source-capture-off',
  'switched',
] as const;

/** Steps of a rollback after the flip, in order. */
export const ROLLBACK_STEPS = [
  'rollback-begin',
  'rollback-drained',
  'rollback-verified',
  'rollback-flipped',
  'rollback-released',
  'rollback-capture-off',
  'rolled-back',
] as const;

/** Steps that end an operation (a new switch may begin after `rolled-back`, `aborted` and `closed`). */
export const TERMINAL_STEPS = ['switched', 'rolled-back', 'aborted', 'closed'] as const;

/** Fence steps (raised on the side a cutover leaves, lowered by a rollback or a resumed switch) are journaled with the database's fingerprint. */
export type SwitchStep =
  | (typeof SWITCH_STEPS)[number]
  | (typeof ROLLBACK_STEPS)[number]
  | 'aborted'
  | 'closed'
  | 'verify-failed'
  | 'fence-raised'
  | 'fence-lowered';

/** One journal line: a step that completed (or a verification that failed), when, and what it found. */
export interface JournalEntry {
  at: string;
  step: SwitchStep;
  data?: Record<string, unknown>;
}

/**
 * A tenant's switch journal: JSON lines in `<stateDir>/<tenant>.switch.jsonl`, each appended and fsync'd before the
 * step after it starts, so after a `kill -9` the file says exactly which steps completed. A line torn by the crash
 * (the last one, without its newline) is cut off when the journal is opened: its step had not been recorded, so it
 * runs again, and every step is idempotent.
 */
export class SwitchJournal {
  readonly file: string;
  readonly entries: JournalEntry[];

  private constructor(file: string, entries: JournalEntry[]) {
    this.file = file;
    this.entries = entries;
  }

  static async open(stateDir: string, tenant: string): Promise<SwitchJournal> {
    assertTenantName(tenant);
    const dir = resolve(stateDir);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${tenant}.switch.jsonl`);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot read the switch journal ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
    // What follows the last newline is empty, or a line torn by a crash: cut it off, so the next record starts on
    // a line of its own (its step had not been recorded and runs again).
    const complete = text.split('\n').slice(0, -1);
    if (!text.endsWith('\n') && text.length) await truncate(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    const entries: JournalEntry[] = [];
    complete.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        throw new Error(`switch journal ${file} line ${i + 1} is not valid JSON; it was not written by byos or was edited`);
      }
    });
    return new SwitchJournal(file, entries);
  }

  /**
   * The journal as it stands, for someone watching (the console): complete lines only, without cutting a torn one
   * off (a switch may be writing it right now) or creating the folder. Undefined when the tenant has no journal.
   */
  static async read(stateDir: string, tenant: string): Promise<SwitchJournal | undefined> {
    assertTenantName(tenant);
    const file = join(resolve(stateDir), `${tenant}.switch.jsonl`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read the switch journal ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
    const entries: JournalEntry[] = [];
    for (const line of text.split('\n').slice(0, -1)) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        throw new Error(`switch journal ${file} holds a line that is not valid JSON; it was not written by byos or was edited`);
      }
    }
    return new SwitchJournal(file, entries);
  }

  /** Entries of the current operation: from its last `begin` (or `rollback-begin` onwards, which belongs to it). */
  current(): JournalEntry[] {
    let start = -1;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.step === 'begin') {
        start = i;
        break;
      }
    }
    return start < 0 ? [] : this.entries.slice(start);
  }

  /** The current operation's state: nothing yet, in progress, or ended by a terminal step. */
  state(): 'none' | 'in-progress' | (typeof TERMINAL_STEPS)[number] {
    const current = this.current();
    if (!current.length) return 'none';
    const last = [...current].reverse().find((e) => (TERMINAL_STEPS as readonly string[]).includes(e.step));
    return (last?.step as (typeof TERMINAL_STEPS)[number] | undefined) ?? 'in-progress';
  }

  done(step: SwitchStep): JournalEntry | undefined {
    return this.current().find((e) => e.step === step);
  }

  /** Appends one line and fsyncs it; returns when it is durable. */
  async record(step: SwitchStep, data?: Record<string, unknown>): Promise<JournalEntry> {
    const entry: JournalEntry = { at: new Date().toISOString(), step, ...(data ? { data } : {}) };
    const handle = await open(this.file, 'a', 0o600);
    try {
      await handle.write(`${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.entries.push(entry);
    return entry;
  }
}
