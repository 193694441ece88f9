import type { SentenceSchema } from './schema.ts';
import { isKeyword, type SentenceToken } from './tokens.ts';

/** One way a slot can read the tokens at a position: its value and where it ends. */
export interface SlotReading {
  value: unknown;
  end: number;
}

/**
 * A slot's readings (several when the words allow more than one: `order items` as one name or two), or a reason
 * it could not read (kept for the error message), or null.
 */
export type SlotResult = SlotReading | SlotReading[] | { fail: string } | null;

/** What slots may consult: the schema the folder's migrations imply (to tell a table's name from other words). */
export interface ReadContext {
  schema: SentenceSchema | null;
  /** The sentence as written, for what is taken verbatim (a check's expression). */
  text: string;
  /** Why a slot deep inside another could not read (an unknown type), for the error message. */
  fails: NearMiss[];
  /** Names the sentence quoted ("…", `…`, […]). */
  quoted: ReadonlySet<string>;
}

export type SlotReader = (tokens: SentenceToken[], pos: number, ctx: ReadContext) => SlotResult;

type Element = { t: 'word'; words: string[] } | { t: 'opt'; els: Element[] } | { t: 'slot'; name: string; kind: string };

export type Captures = Record<string, unknown>;

/** The furthest a pattern got before a slot refused, with the slot's reason. */
export interface NearMiss {
  pos: number;
  reason: string;
}

/** Readings of one sentence are capped: a pathological sentence must not make the builder slow. */
const MAX_READINGS = 64;

/**
 * A phrasing: words (`add`, alternatives `drop|remove`), optional groups `[the]`, `[named {name}]`, and slots
 * `{table:name}` read by a slot reader. Compiled once; matched with backtracking over the optional groups and over
 * every reading a slot offers, so a pattern yields every way it covers the whole sentence.
 */
export class Pattern {
  readonly source: string;
  readonly keywords: string[];
  private readonly els: Element[];
  constructor(source: string) {
    this.source = source;
    const parts = source.replace(/\[/g, ' [ ').replace(/\]/g, ' ] ').trim().split(/\s+/);
    let at = 0;
    const parse = (): Element[] => {
      const out: Element[] = [];
      while (at < parts.length) {
        const p = parts[at++]!;
        if (p === ']') return out;
        if (p === '[') out.push({ t: 'opt', els: parse() });
        else if (p.startsWith('{')) {
          const [name, kind] = p.slice(1, -1).split(':');
          out.push({ t: 'slot', name: name!, kind: kind ?? name! });
        } else out.push({ t: 'word', words: p.split('|') });
      }
      return out;
    };
    this.els = parse();
    this.keywords = parts.filter((p) => !p.startsWith('{') && p !== '[' && p !== ']').flatMap((p) => p.split('|'));
  }

  /** Every way the pattern covers all of `tokens`, in the order the pattern prefers them. */
  matchAll(tokens: SentenceToken[], slots: Record<string, SlotReader>, ctx: ReadContext, misses: NearMiss[]): Captures[] {
    const found: Captures[] = [];
    const walk = (els: Element[], pos: number, caps: Captures): void => {
      if (found.length >= MAX_READINGS) return;
      if (els.length === 0) {
        if (pos === tokens.length) found.push(caps);
        return;
      }
      const [el, ...rest] = els as [Element, ...Element[]];
      if (el.t === 'word') {
        if (el.words.some((w) => isKeyword(tokens[pos], w))) walk(rest, pos + 1, caps);
        return;
      }
      if (el.t === 'opt') {
        walk([...el.els, ...rest], pos, caps);
        walk(rest, pos, caps);
        return;
      }
      const reader = slots[el.kind];
      if (!reader) throw new Error(`pattern "${this.source}" uses unknown slot kind ${el.kind}`);
      const result = reader(tokens, pos, ctx);
      if (result === null) return;
      if ('fail' in result) {
        misses.push({ pos, reason: result.fail });
        return;
      }
      for (const r of Array.isArray(result) ? result : [result]) walk(rest, r.end, { ...caps, [el.name]: r.value });
    };
    walk(this.els, 0, {});
    return found;
  }
}

/** Edit distance counting a swap of two neighbours as one edit (`renmae`, `tabel`), for typos. */
export function levenshtein(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
