import { isKeyword, type SentenceToken } from './tokens.ts';
import type { SlotReader } from './slots.ts';

type Element = { t: 'word'; words: string[] } | { t: 'opt'; els: Element[] } | { t: 'slot'; name: string; kind: string };

export type Captures = Record<string, unknown>;

/** The furthest a pattern got before a slot refused, with the slot's reason. */
export interface NearMiss {
  pos: number;
  reason: string;
}

/**
 * A phrasing: words (`add`, alternatives `drop|remove`), optional groups `[the]`, `[named {name}]`, and slots
 * `{table:name}` read by a slot reader. Compiled once; matched with backtracking over the optional groups.
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

  match(tokens: SentenceToken[], slots: Record<string, SlotReader>, misses: NearMiss[]): Captures | null {
    const walk = (els: Element[], pos: number, caps: Captures): Captures | null => {
      if (els.length === 0) return pos === tokens.length ? caps : null;
      const [el, ...rest] = els as [Element, ...Element[]];
      if (el.t === 'word') return el.words.some((w) => isKeyword(tokens[pos], w)) ? walk(rest, pos + 1, caps) : null;
      if (el.t === 'opt') return walk([...el.els, ...rest], pos, caps) ?? walk(rest, pos, caps);
      const reader = slots[el.kind];
      if (!reader) throw new Error(`pattern "${this.source}" uses unknown slot kind ${el.kind}`);
      const result = reader(tokens, pos);
      if (result === null) return null;
      if ('fail' in result) {
        misses.push({ pos, reason: result.fail });
        return null;
      }
      return walk(rest, result.end, { ...caps, [el.name]: result.value });
    };
    return walk(this.els, 0, {});
  }
}

/** Edit distance, for typos in the first word (`creat`, `renmae`). */
export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
