import { ContractError } from '../../contracts/parse.ts';
import { type MigrationOp, parseMigrationOps } from '../../contracts/migration-op.ts';
import { FORMS } from './forms.ts';
import { type Captures, levenshtein, type NearMiss, Pattern } from './match.ts';
import { readAction, readColumnList, readColumnPhrases, readModifiers, readName, readRef, readTarget, readTyped, type SlotReader } from './slots.ts';
import { isKeyword, SentenceError, tokenizeSentence } from './tokens.ts';
import { readValue } from './types.ts';

const word = (words: string[], value: unknown): SlotReader => (tokens, pos) => (words.some((w) => isKeyword(tokens[pos], w)) ? { value, end: pos + 1 } : null);

const SLOTS: Record<string, SlotReader> = {
  name: readName,
  ref: readRef,
  target: readTarget,
  typed: readTyped,
  mods: readModifiers,
  columns: readColumnPhrases,
  cols: readColumnList,
  value: readValue,
  action: readAction,
  unique: (tokens, pos) => (isKeyword(tokens[pos], 'unique') ? { value: true, end: pos + 1 } : { value: false, end: pos }),
  allow: word(['allow', 'permit'], true),
  require: word(['require'], false),
  nullness: (tokens, pos) => {
    const two = isKeyword(tokens[pos + 1], 'null');
    if ((isKeyword(tokens[pos], 'not') || isKeyword(tokens[pos], 'non')) && two) return { value: false, end: pos + 2 };
    return word(['required', 'mandatory', 'non-null', 'non-nullable'], false)(tokens, pos) ?? word(['optional', 'nullable', 'null'], true)(tokens, pos);
  },
};

const COMPILED = FORMS.map((form) => ({ form, patterns: form.patterns.map((p) => new Pattern(p)) }));

/**
 * Turns one plain-language sentence into portable ops, deterministically (no network, no model): the first form
 * whose phrasing matches the whole sentence wins. Names are taken as written, quoted ("order items") when they
 * contain spaces or are structure words. A sentence nothing matches throws a SentenceError listing the closest forms.
 */
export function opsFromSentence(sentence: string): MigrationOp[] {
  const tokens = tokenizeSentence(sentence);
  if (tokens.length === 0) throw new SentenceError('the sentence is empty', FORMS.slice(0, 4).map((f) => f.example));
  const misses: NearMiss[] = [];
  for (const { form, patterns } of COMPILED) {
    for (const pattern of patterns) {
      const captures: Captures | null = pattern.match(tokens, SLOTS, misses);
      if (!captures) continue;
      const ops = form.build(captures);
      try {
        return parseMigrationOps(ops, `"${sentence}"`);
      } catch (error) {
        if (error instanceof ContractError) throw new SentenceError(error.message);
        throw error;
      }
    }
  }
  const furthest = misses.sort((a, b) => b.pos - a.pos)[0];
  const why = furthest && furthest.pos >= 2 ? `: ${furthest.reason}` : '';
  throw new SentenceError(`could not understand "${sentence.trim()}"${why}`, closestForms(tokens.filter((t) => t.type === 'word').map((t) => t.text.toLowerCase())));
}

/** Forms ranked by the words they share with the sentence, and by how close its first word is to theirs. */
function closestForms(words: string[], count = 3): string[] {
  const said = new Set(words);
  const scored = COMPILED.map(({ form, patterns }) => {
    const best = Math.max(
      ...patterns.map((p) => {
        const keys = new Set(p.keywords.filter((k) => !['a', 'an', 'the', '.', '(', ')'].includes(k)));
        const shared = [...keys].filter((k) => said.has(k)).length;
        const first = p.source.split(/\s+/)[0]!.replace(/[[\]]/g, '').split('|');
        const opener = words[0] !== undefined && first.some((f) => !f.startsWith('{') && levenshtein(f, words[0]!) <= Math.min(2, Math.floor(f.length / 3)));
        return shared / Math.sqrt(keys.size || 1) + (opener ? 1 : 0);
      }),
    );
    return { example: form.example, best };
  });
  const ranked = scored.filter((s) => s.best > 0).sort((a, b) => b.best - a.best);
  return (ranked.length ? ranked : scored).slice(0, count).map((s) => s.example);
}

export { FORMS, type SentenceForm } from './forms.ts';
export { SentenceError } from './tokens.ts';
