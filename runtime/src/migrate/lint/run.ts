import type { Finding } from '../../contracts/finding.ts';
import { hitsToFindings, type RuleContext } from './rule.ts';
import { RULES } from './rules/index.ts';

/** Runs every rule over changes; shared by the op linter and the raw SQL linter. */
export function runRules(ctx: RuleContext): Finding[] {
  return RULES.flatMap((rule) => hitsToFindings(rule, rule.check(rule.layer === 'intent' ? ctx.intent : ctx.mechanics, ctx)));
}
