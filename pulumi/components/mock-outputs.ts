import { PROVIDER_REGISTRY, type OfflineValues } from '@byos/runtime';

/**
 * Offline answers for Pulumi's mock runtime: the outputs a cloud would compute (host names, ARNs, key URIs) and
 * the data-source invokes the provider modules call. Each provider's answers are data in its descriptor
 * (`offline`, runtime/src/providers/descriptors/<name>.ts), merged by the registry; only what no single provider
 * owns lives here. Values are obviously fake (account 123456789012, `mock` in every host) so nothing produced
 * offline can be mistaken for a real endpoint.
 */

type Inputs = OfflineValues;

/** Resources several providers' modules declare (the random provider's password). */
const SHARED_RESOURCES: Readonly<Record<string, (name: string, inputs: Inputs) => { id: string; outputs: Inputs }>> = {
  'random:index/randomPassword:RandomPassword': (name) => ({ id: `${name}-id`, outputs: { result: `Mock-${name}-Pw-0123456789`, bcryptHash: '$2a$10$mock' } }),
};

/** Outputs a resource of `type` would have after creation, beyond its inputs; plus its id. */
export function mockResourceOutputs(type: string, name: string, inputs: Inputs): { id: string; outputs: Inputs } {
  const answer = PROVIDER_REGISTRY.offline.resources[type] ?? SHARED_RESOURCES[type];
  return answer ? answer(name, inputs) : { id: `${name}-id`, outputs: {} };
}

/**
 * Answers for the data-source invokes the provider modules make. An invoke without an answer throws, so a new
 * lookup added to a provider module cannot silently return nothing offline.
 */
export function mockInvoke(token: string, inputs: Inputs): Inputs {
  const answer = PROVIDER_REGISTRY.offline.invokes[token];
  if (!answer)
    throw new Error(`no offline answer for invoke ${token}; add one to the provider's descriptor (offline.invokes in runtime/src/providers/descriptors/)`);
  return answer(inputs);
}
