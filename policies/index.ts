import { PolicyPack } from '@pulumi/policy';
import { RULES } from './rules/index.ts';

/**
 * The CrossGuard pack: `pulumi preview --policy-pack policies`. Constructed only here (the constructor reads
 * package.json and starts the analyzer's gRPC server); tests and the offline gate use RULES directly.
 */
new PolicyPack('byos-compliance', { policies: [...RULES] });
