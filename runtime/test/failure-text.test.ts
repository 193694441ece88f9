import { describe, expect, it } from 'vitest';
import { failureText } from '../src/errors.ts';

describe('failureText', () => {
  it('names a dropped connection whatever words the driver used', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(failureText(reset)).toBe('the connection to the database was lost (read ECONNRESET)');
    expect(failureText(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toMatch(/^the connection to the database was lost/);
  });

  it('keeps any other message as it is', () => {
    expect(failureText(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      'terminating connection due to administrator command',
    );
    expect(failureText('plain')).toBe('plain');
  });
});
