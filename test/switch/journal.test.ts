import { appendFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SwitchJournal } from '@byos/runtime/switch';
import { freshSqlitePath } from '../helpers/databases.ts';

describe('switch journal', () => {
  it('appends durable JSON lines, ignores a line torn by a crash, and tracks the current operation', async () => {
    const dir = join(dirname(await freshSqlitePath('journal')), 'state');
    const journal = await SwitchJournal.open(dir, 'acme');
    expect(journal.state()).toBe('none');
    await journal.record('begin', { from: 'a', to: 'b' });
    await journal.record('capture-on', { tables: ['t'] });
    // A crash in the middle of writing the next line leaves it without its newline.
    await appendFile(journal.file, '{"at":"2026-01-01T00:00:00Z","step":"co');
    const reopened = await SwitchJournal.open(dir, 'acme');
    expect(reopened.entries.map((e) => e.step)).toEqual(['begin', 'capture-on']);
    expect(reopened.state()).toBe('in-progress');
    expect(reopened.done('capture-on')?.data).toEqual({ tables: ['t'] });
    expect(reopened.done('copy')).toBeUndefined();
    await reopened.record('switched');
    expect(reopened.state()).toBe('switched');
    await reopened.record('closed');
    await reopened.record('begin', { from: 'b', to: 'c' });
    expect(reopened.state()).toBe('in-progress');
    expect(reopened.current().map((e) => e.step)).toEqual(['begin']);
    const text = await readFile(journal.file, 'utf8');
    expect(text).not.toContain('"step":"co{'); // the torn fragment was cut off before the next record
    expect((await SwitchJournal.open(dir, 'acme')).entries.map((e) => e.step)).toEqual(['begin', 'capture-on', 'switched', 'closed', 'begin']);
    await appendFile(journal.file, 'not json\n');
    await expect(SwitchJournal.open(dir, 'acme')).rejects.toThrow(/line 6 is not valid JSON/);
    await expect(SwitchJournal.open(dir, '../x')).rejects.toThrow(/invalid tenant name/);
  });

  it('reads a journal without touching it: a torn last line stays for the writer, no journal is undefined', async () => {
    const dir = join(dirname(await freshSqlitePath('journal-read')), 'state');
    expect(await SwitchJournal.read(dir, 'acme')).toBeUndefined();
    const journal = await SwitchJournal.open(dir, 'acme');
    await journal.record('begin', { from: 'a', to: 'b' });
    await appendFile(journal.file, '{"at":"2026-01-01T00:00:00Z","step":"co');
    const seen = await SwitchJournal.read(dir, 'acme');
    expect(seen?.entries.map((e) => e.step)).toEqual(['begin']);
    expect(seen?.state()).toBe('in-progress');
    expect(await readFile(journal.file, 'utf8')).toContain('"step":"co');
  });
});
