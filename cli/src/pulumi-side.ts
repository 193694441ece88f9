import { loadOptionalPeer } from '@byos/runtime/core';

/**
 * The Pulumi side (@byos/pulumi, and @byos/policies on top of it) is an optional peer of the CLI: only the
 * provisioning commands (`plan`, `reconcile`, `policy`) load it, on use, so every other command runs without any
 * Pulumi package installed (and does not pay Pulumi's start-up time). When it is missing, the command says which
 * package to add, e.g. "plan needs the Pulumi side: npm install @byos/pulumi".
 */

const PULUMI_SIDE = { describedAs: 'the Pulumi side' };
const POLICY_PACK = { describedAs: 'the policy pack' };

/** The operator (plan, reconcile, state) for the command named. */
export const loadOperator = (command: string) => loadOptionalPeer('@byos/pulumi', command, () => import('@byos/pulumi/operator'), PULUMI_SIDE);

/** Tenant specs and stack files for the command named. */
export const loadPulumiSpecs = (command: string) => loadOptionalPeer('@byos/pulumi', command, () => import('@byos/pulumi'), PULUMI_SIDE);

/** The offline policy check for the command named. */
export const loadPolicyCheck = (command: string) => loadOptionalPeer('@byos/policies', command, () => import('@byos/policies/offline'), POLICY_PACK);

/** The policy pack's rules for the command named. */
export const loadPolicyRules = (command: string) => loadOptionalPeer('@byos/policies', command, () => import('@byos/policies/rules'), POLICY_PACK);

/** The web console (`byos console`), an optional peer like the Pulumi side. */
export const loadConsole = (command: string) => loadOptionalPeer('@byos/console', command, () => import('@byos/console'), { describedAs: 'the web console' });
