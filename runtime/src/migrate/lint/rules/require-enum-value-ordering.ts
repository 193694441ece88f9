import { changesOf, type LintRule } from '../rule.ts';

/** squawk require-enum-value-ordering: an appended value sorts last, which silently changes `<` comparisons. */
export const requireEnumValueOrdering: LintRule = {
  id: 'require-enum-value-ordering',
  severity: 'warning',
  layer: 'intent',
  summary: 'A value added to an enum without BEFORE or AFTER goes last, changing how ordered comparisons and sorts treat it.',
  remediation: "Say where it belongs: add the value BEFORE or AFTER an existing one (the addEnumValue op's before/after).",
  check: (changes) =>
    changesOf(changes, 'add-enum-value')
      .filter((c) => !c.positioned)
      .map((c) => ({
        change: c,
        target: `enum ${c.enum}`,
        message: `adds '${c.value}' to enum ${c.enum} without BEFORE or AFTER: it sorts after every existing value`,
      })),
};
