import { InvalidArgumentError } from 'commander';

/**
 * The parser of every whole-number option (`--sample`, `--jobs`, `--batch-size`…): digits only, within
 * [min, max], so a value nothing downstream can hold (`--sample 99999999999999999999`, `1e3`, `-1`, `2.5`) is a
 * usage error naming the flag before anything connects. Pass it as the option's parser:
 * `.option('--jobs <n>', 'tables copied at once', wholeNumber('--jobs', 1, 64), 4)`.
 */
export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const kind = min >= 1 ? 'a positive integer' : 'an integer';
      throw new InvalidArgumentError(`${flag} must be ${kind} from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** Bounds shared by the commands: parallel jobs, rows per batch, rows sampled per table. */
export const LIMITS = {
  jobs: 64,
  batchSize: 1_000_000,
  sample: 100_000,
} as const;
