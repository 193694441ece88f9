import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maskerFromFlags, MASK_KEY_ENV } from '../../../cli/src/mask-options.ts';
import { UsageError } from '../../../cli/src/output.ts';
import { freshSqlitePath } from '../../helpers/databases.ts';

const KEY = 'a-cli-masking-key-that-is-long-enough-0123';

afterEach(() => {
  delete process.env[MASK_KEY_ENV];
});

describe('--mask, --mask-file, --mask-key-file', () => {
  it('no flags, no masker; --mask with a key file; a YAML rules file with its hash encoding', async () => {
    expect(await maskerFromFlags({})).toBeUndefined();
    const dir = dirname(await freshSqlitePath('mask-flags'));
    await writeFile(join(dir, 'key'), `${KEY}\n`, { mode: 0o600 });
    const masker = (await maskerFromFlags({ mask: 'c.email=hash,c.card=partial', maskKeyFile: join(dir, 'key') }))!;
    expect(masker.rules).toEqual({ 'c.email': 'hash', 'c.card': 'partial' });
    expect(masker.maskValue('hash', 'x')).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(join(dir, 'rules.yaml'), 'hashEncoding: base64url\nrules:\n  c.email: hash\n  c.nric: token\n');
    process.env[MASK_KEY_ENV] = KEY;
    const fromFile = (await maskerFromFlags({ maskFile: join(dir, 'rules.yaml'), mask: 'c.notes=redact' }))!;
    expect(fromFile.rules).toEqual({ 'c.email': 'hash', 'c.nric': 'token', 'c.notes': 'redact' });
    expect(fromFile.maskValue('hash', 'x')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fromFile.detokenize(fromFile.maskValue('token', 'S1234567D')!)).toBe('S1234567D');
  });

  it('usage errors name the problem: no key, a bad kind in the file, a disagreement', async () => {
    const dir = dirname(await freshSqlitePath('mask-flags2'));
    const noKey = maskerFromFlags({ mask: 'c.email=token' });
    await expect(noKey).rejects.toBeInstanceOf(UsageError);
    await expect(maskerFromFlags({ mask: 'c.email=token' })).rejects.toThrow(
      `mask rules c.email=token need a masking key: give --mask-key-file FILE or set ${MASK_KEY_ENV}`,
    );
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ 'c.email': 'shuffle' }));
    await expect(maskerFromFlags({ maskFile: join(dir, 'bad.json') })).rejects.toThrow('c.email: unknown kind "shuffle"');
    await writeFile(join(dir, 'r.json'), JSON.stringify({ 'c.email': 'redact' }));
    await expect(maskerFromFlags({ maskFile: join(dir, 'r.json'), mask: 'c.email=partial' })).rejects.toThrow('--mask and --mask-file disagree on c.email');
    await expect(maskerFromFlags({ maskFile: join(dir, 'missing.json') })).rejects.toThrow('cannot read mask file');
  });
});
