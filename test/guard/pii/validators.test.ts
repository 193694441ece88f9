import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  categoriesFromName,
  classifyColumn,
  ibanCheckDigits,
  isCreditCard,
  isEmail,
  isIban,
  isPlausibleBirthDate,
  isSgNric,
  luhnCheckDigit,
  luhnValid,
  nricCheckLetter,
  phoneStrength,
  redactSample,
  ssnStrength,
} from '@byos/runtime/guard/pii';

describe('Singapore NRIC/FIN', () => {
  it('accepts the published examples and rejects a wrong M check letter', () => {
    expect(isSgNric('S1234567D')).toBe(true);
    expect(isSgNric('G5872776N')).toBe(true);
    expect(isSgNric('M1234567K')).toBe(true);
    expect(isSgNric('M1234567L')).toBe(false);
    expect(isSgNric('s1234567d')).toBe(true);
    expect(isSgNric('A1234567D')).toBe(false);
    expect(isSgNric('S123456D')).toBe(false);
  });

  it('the T and G offsets and the three letter tables differ: same digits, different letters', () => {
    expect(nricCheckLetter('S', '1234567')).toBe('D');
    expect(nricCheckLetter('T', '1234567')).toBe('J');
    expect(nricCheckLetter('F', '1234567')).toBe('N');
    expect(nricCheckLetter('G', '1234567')).toBe('X');
    expect(nricCheckLetter('M', '1234567')).toBe('K');
  });

  it('exactly one check letter is valid for every prefix and digits (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('S', 'T', 'F', 'G', 'M'), fc.stringMatching(/^\d{7}$/), (prefix, digits) => {
        const valid = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((l) => isSgNric(`${prefix}${digits}${l}`));
        expect(valid).toEqual([nricCheckLetter(prefix, digits)]);
      }),
    );
  });
});

describe('payment cards', () => {
  it('a completed number passes; changing any one digit fails Luhn (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, delta) => {
        const number = `${body}${luhnCheckDigit(body)}`;
        expect(luhnValid(number)).toBe(true);
        const i = at % number.length;
        const changed = `${number.slice(0, i)}${(Number(number[i]) + delta) % 10}${number.slice(i + 1)}`;
        expect(luhnValid(changed)).toBe(false);
      }),
    );
  });

  it('needs a known IIN range and length, not just Luhn', () => {
    expect(isCreditCard('4111 1111 1111 1111')).toBe(true);
    expect(isCreditCard('4111-1111-1111-1111')).toBe(true);
    expect(isCreditCard('378282246310005')).toBe(true); // Amex, 15 digits
    expect(isCreditCard('4111 1111-1111 1111')).toBe(false); // mixed separators
    expect(isCreditCard('4111111111111112')).toBe(false); // Luhn fails
    const unknownIin = `9${'0'.repeat(14)}`;
    expect(isCreditCard(`${unknownIin}${luhnCheckDigit(unknownIin)}`)).toBe(false);
    const amexLength16 = `34${'1'.repeat(13)}`;
    expect(isCreditCard(`${amexLength16}${luhnCheckDigit(amexLength16)}`)).toBe(false);
  });
});

describe('IBAN', () => {
  it('known good IBANs pass; the country length table and mod 97 both bite', () => {
    expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(isIban('GB83 WEST 1234 5698 7654 32')).toBe(false);
    // Right checksum for the string, wrong length for Germany.
    const long = '3704004405320130001';
    expect(isIban(`DE${ibanCheckDigits('DE', long)}${long}`)).toBe(false);
    expect(isIban('XX82WEST12345698765432')).toBe(false);
  });

  it('any single-character substitution in the BBAN is caught (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (bban, at, delta) => {
        const iban = `DE${ibanCheckDigits('DE', bban)}${bban}`;
        expect(isIban(iban)).toBe(true);
        const i = 4 + (at % 18);
        const changed = `${iban.slice(0, i)}${(Number(iban[i]) + delta) % 10}${iban.slice(i + 1)}`;
        expect(isIban(changed)).toBe(false);
      }),
    );
  });
});

describe('US SSN, phones, emails, dates', () => {
  it('SSN structural rules; dashed is strong, bare is weak', () => {
    expect(ssnStrength('123-45-6780')).toBe('strong');
    expect(ssnStrength('123456780')).toBe('weak');
    for (const bad of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000', '078-05-1120', '12-345-6789']) {
      expect(ssnStrength(bad), bad).toBeUndefined();
    }
  });

  it('phones: E.164, Singapore national with and without +65, NANP; not IPs, dates or 9 bare digits', () => {
    expect(phoneStrength('+6591234567')).toBe('strong');
    expect(phoneStrength('+65 6123 4567')).toBe('strong');
    expect(phoneStrength('9123 4567')).toBe('strong');
    expect(phoneStrength('91234567')).toBe('weak');
    expect(phoneStrength('+65 5123 4567')).toBeUndefined(); // SG numbers start 6, 8 or 9
    expect(phoneStrength('(415) 555-2671')).toBe('strong');
    expect(phoneStrength('+14155552671')).toBe('strong');
    expect(phoneStrength('+1 015 555 2671')).toBeUndefined(); // NANP area codes never start 0 or 1
    expect(phoneStrength('+44 20 7946 0958')).toBe('strong');
    expect(phoneStrength('192.168.10.1')).toBeUndefined();
    expect(phoneStrength('2024-01-15')).toBeUndefined();
    expect(phoneStrength('123456789')).toBeUndefined();
  });

  it('emails need a real domain', () => {
    expect(isEmail('ana.tan+news@mail.example.sg')).toBe(true);
    expect(isEmail('stanisław.wójcik@wp.pl')).toBe(true);
    expect(isEmail('用户@例子.广告')).toBe(true);
    for (const bad of ['ana@localhost', 'ana@@x.com', '.ana@x.com', 'ana@x..com', 'ana@x.c0m', 'ana x@x.com']) expect(isEmail(bad), bad).toBe(false);
  });

  it('birth dates are in the past and at most 120 years back; impossible dates are not dates', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    expect(isPlausibleBirthDate('1980-02-29', now)).toBe(true);
    expect(isPlausibleBirthDate('1981-02-29', now)).toBe(false);
    expect(isPlausibleBirthDate('2030-01-01', now)).toBe(false);
    expect(isPlausibleBirthDate('1890-01-01', now)).toBe(false);
  });
});

describe('names and confidence', () => {
  it('column names point to categories; longer hints claim their tokens', () => {
    expect(categoriesFromName('t', 'email_address')).toEqual(['email']);
    expect(categoriesFromName('t', 'ClientIpAddress')).toEqual(['ip-address']);
    expect(categoriesFromName('t', 'BirthDate')).toEqual(['date-of-birth']);
    expect(categoriesFromName('customers', 'name')).toEqual(['person-name']);
    expect(categoriesFromName('products', 'name')).toEqual([]);
    expect(categoriesFromName('customers', 'company_name')).toEqual([]);
    expect(categoriesFromName('t', 'patient_name')).toEqual(['person-name']);
    expect(categoriesFromName('t', 'ethnic_group')).toEqual(['ethnicity']);
  });

  it('a named column of garbage is not reported; a date column needs a birth name', () => {
    expect(classifyColumn('t', 'email', ['n/a', 'unknown', 'none'])).toEqual([]);
    const dates = ['1980-01-02', '1975-06-30', '2001-12-31'];
    expect(classifyColumn('t', 'created_on', dates)).toEqual([]);
    const dob = classifyColumn('t', 'dob', dates);
    expect(dob.map((h) => [h.category, h.confidence])).toEqual([['date-of-birth', 1]]);
    const half = classifyColumn('t', 'c', ['S1234567D', 'x', 'G5872776N', 'y']);
    expect(half.map((h) => [h.category, h.confidence, h.matched])).toEqual([['sg-nric', 0.5, 2]]);
  });

  it('redacted samples keep the shape only', () => {
    expect(redactSample('S1234567D')).toBe('X#######X');
    expect(redactSample('ana.tan@example.com')).toBe('xxx.xxx@xxxxxxx.xxx');
    expect(redactSample('+65 9123 4567')).toBe('+## #### ####');
  });
});
