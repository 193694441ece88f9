/**
 * Guesses how a delimited text file is written from a sample of its first lines: the delimiter (the candidate
 * giving the same number of fields on every line, more than one), the quote character (`"` unless the sample
 * quotes whole fields with `'` and never with `"`), and whether the first row is a header (every cell of it is a
 * label: not empty, not a number, date or boolean).
 */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  header: boolean;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** Splits one logical line into fields, honouring quotes (enough for sniffing; parsing is csv-parse's job). */
function splitLine(line: string, delimiter: string, quote: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === quote && line[i + 1] === quote) {
        field += c;
        i++;
      } else if (c === quote) quoted = false;
      else field += c;
    } else if (c === quote && field === '') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Logical lines: a newline inside quotes does not end one. */
function logicalLines(sample: string, quote: string, max: number): string[] {
  const lines: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < sample.length && lines.length < max; i++) {
    const c = sample[i];
    if (c === quote) quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (i > start) lines.push(sample.slice(start, i));
      if (c === '\r' && sample[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  // The last line of a sample cut mid-file may be partial; keep it only when the sample is all there is.
  if (lines.length === 0 && start < sample.length) lines.push(sample.slice(start));
  return lines.filter((l) => l.trim() !== '');
}

function scoreDelimiter(lines: string[], delimiter: string, quote: string): number {
  const counts = lines.map((l) => splitLine(l, delimiter, quote).length);
  if (counts.length === 0 || counts[0]! < 2) return 0;
  const same = counts.filter((n) => n === counts[0]).length;
  return (same / counts.length) * 100 + Math.min(counts[0]!, 50) / 100;
}

function looksTyped(value: string): boolean {
  const v = value.trim();
  // A number holds a digit: `1'000` (Swiss grouping) is typed, a lone `'` (a column BYOS exported) is a label.
  return v === '' || /^[+-]?[\d.,\s']*\d[\d.,\s']*$/.test(v) || /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(v) || /^(true|false)$/i.test(v);
}

/**
 * How `quote` is used in `sample` read with `delimiter`: the fields it quotes whole (it opens the field and closes
 * it just before a delimiter, a line break or the end), and the places it opens a field it does not close so. Only
 * these count: an apostrophe inside a word, or the formula guard's `'-`, quotes nothing. A `'` field may not span
 * lines (apostrophes on two lines are not one quoted value); an unclosed quote on the last line of a cut sample is
 * neither, and so is `''`.
 */
export function quoteUse(sample: string, delimiter: string, quote: string): { whole: number; broken: number } {
  let whole = 0;
  let broken = 0;
  let fieldStart = true;
  for (let i = 0; i < sample.length; ) {
    const c = sample[i]!;
    if (fieldStart && c === quote) {
      let close = sample.indexOf(quote, i + 1);
      while (close !== -1 && sample[close + 1] === quote) close = sample.indexOf(quote, close + 2);
      const spansLines = quote !== '"' && /[\r\n]/.test(close === -1 ? sample.slice(i + 1) : sample.slice(i + 1, close));
      if (close === -1) {
        if (spansLines) broken++;
        break;
      }
      const after = sample[close + 1];
      if (!spansLines && (after === undefined || after === delimiter || after === '\r' || after === '\n')) {
        // `''` alone is as likely two apostrophes as an empty quoted field: no evidence either way.
        if (close > i + 1) whole++;
        i = close + 1;
        fieldStart = false;
        continue;
      }
      broken++;
    }
    fieldStart = c === delimiter || c === '\r' || c === '\n';
    i++;
  }
  return { whole, broken };
}

function bestDelimiter(sample: string, quote: string, tabSeparated: boolean): string {
  const lines = logicalLines(sample, quote, 50);
  const candidates = tabSeparated ? ['\t', ...DELIMITERS.filter((d) => d !== '\t')] : DELIMITERS;
  let best = { delimiter: candidates[0]!, score: 0 };
  for (const d of candidates) {
    const score = scoreDelimiter(lines, d, quote);
    if (score > best.score) best = { delimiter: d, score };
  }
  return best.delimiter;
}

export function sniffCsv(sample: string, hint: { delimiter?: string; quote?: string; header?: boolean; tabSeparated?: boolean } = {}): CsvDialect {
  const tabs = Boolean(hint.tabSeparated);
  let quoteGuess = hint.quote;
  if (!quoteGuess) {
    // `'` only on evidence: it quotes whole fields, never opens one it does not close, and `"` quotes none.
    const d = hint.delimiter ?? bestDelimiter(sample, "'", tabs);
    const single = quoteUse(sample, d, "'");
    quoteGuess = single.whole > 0 && single.broken === 0 && quoteUse(sample, d, '"').whole === 0 ? "'" : '"';
  }
  const lines = logicalLines(sample, quoteGuess, 50);
  const delimiter = hint.delimiter ?? bestDelimiter(sample, quoteGuess, tabs);
  let header = hint.header;
  if (header === undefined) {
    // Labels in every cell of the first row (no empty, number, date or boolean cell) make it a header; a data row
    // almost always has one such cell. Repeated labels still make a header: the import then names them.
    const first = lines[0] === undefined ? [] : splitLine(lines[0], delimiter, quoteGuess);
    header = first.length > 0 && first.every((f) => f.trim() !== '' && !looksTyped(f));
  }
  return { delimiter, quote: quoteGuess, header };
}

/** The sample's first line break outside quotes: `\r\n`, `\n` or `\r`. */
export function sniffNewline(sample: string, quote: string): string {
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c === quote) quoted = !quoted;
    else if (!quoted && c === '\n') return '\n';
    else if (!quoted && c === '\r') return sample[i + 1] === '\n' ? '\r\n' : i + 1 < sample.length ? '\r' : '\n';
  }
  return '\n';
}
