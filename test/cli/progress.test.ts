import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../cli/src/progress.ts';

/** A real stream that collects what is written; `isTTY` decides whether cli-progress draws. */
function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('progress', () => {
  it('writes one plain line per step when the stream is not a terminal', () => {
    const out = capture(false);
    const progress = createProgress({ total: 2, json: false, stream: out.stream });
    progress.step('first');
    progress.step('second');
    progress.done();
    expect(out.text()).toBe('• first\n• second\n');
  });

  it('draws no bar under --json, even on a terminal', () => {
    const out = capture(true);
    const progress = createProgress({ total: 1, json: true, stream: out.stream });
    progress.step('only');
    progress.done();
    expect(out.text()).toBe('• only\n');
  });

  it('draws a bar on a terminal and finishes it at total', () => {
    const out = capture(true);
    const progress = createProgress({ total: 3, json: false, stream: out.stream });
    progress.step('loading');
    expect(out.text()).toContain('0/3 loading');
    progress.step('counting');
    progress.done();
    progress.done();
    const text = out.text();
    expect(text).toContain('\x1B[');
    expect(text).toContain('3/3 done');
    expect(text).not.toContain('•');
  });
});
