import { changesOf, type LintRule } from '../rule.ts';

/**
 * squawk ban-add-enum-value's concern: on an engine with native enums (Postgres) a value once added cannot be
 * removed (there is no DROP VALUE), so `down` must recreate the type and every column using it.
 */
export const addingEnumValue: LintRule = {
  id: 'adding-enum-value',
  severity: 'info',
  layer: 'intent',
  summary: 'A value added to a native enum cannot be removed; rolling back means recreating the type.',
  remediation: 'Make sure the value is final; if it may change, use a lookup table or a text column with a check constraint instead of a native enum.',
  check: (changes, ctx) =>
    ctx.capabilities?.enums
      ? changesOf(changes, 'add-enum-value').map((c) => ({
          change: c,
          target: `enum ${c.enum}`,
          message: `adds '${c.value}' to native enum ${c.enum}: it cannot be dropped again; a rollback recreates the type and rewrites every column that uses it`,
        }))
      : [],
};
