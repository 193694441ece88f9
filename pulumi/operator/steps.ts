import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectionProfile, type ConnectionProfile } from '@byos/runtime';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { isLocalProvider, keepPasswordInStore, provisionWithPulumi, resolvePulumiPassword, retireWithPulumi, type PulumiOptions } from './automation.ts';
import type { DesiredTenant } from './desired.ts';
import type { ReconcileSteps } from './reconcile.ts';

export interface StepOptions extends PulumiOptions {
  /**
   * A folder of ready profiles (`<tenant>.<provider>.json|yaml`, or `<tenant>.json|yaml`): a placement with one is
   * taken as provisioned, so the data steps run without the Pulumi CLI (databases made by hand, or by another pipeline).
   */
  profilesDir?: string;
  /** The data steps, from the runtime: migrations and the live switch. */
  migrate: ReconcileSteps['migrate'];
  switch: ReconcileSteps['switch'];
}

/** Looks for a ready profile of the tenant's placement on `provider`. */
export async function givenProfile(profilesDir: string, tenant: string, provider: string): Promise<ConnectionProfile | undefined> {
  for (const name of [`${tenant}.${provider}`, tenant]) {
    for (const ext of ['json', 'yaml', 'yml']) {
      const file = join(profilesDir, `${name}.${ext}`);
      if (!existsSync(file)) continue;
      const text = await readFile(file, 'utf8');
      const data = ext === 'json' ? JSON.parse(text) : parseYaml(text);
      const profile = parseConnectionProfile(data, file);
      if (profile.provider !== provider) continue;
      return profile;
    }
  }
  return undefined;
}

/** The real steps: a given profile where there is one, Pulumi's Automation API otherwise. */
export function realSteps(options: StepOptions): ReconcileSteps {
  return {
    provision: async (tenant: DesiredTenant, stack: string) => {
      const given = options.profilesDir ? await givenProfile(options.profilesDir, tenant.tenant, tenant.spec.provider) : undefined;
      if (given) return keepGivenPassword(given, stack, options);
      return provisionWithPulumi(tenant, stack, options);
    },
    retire: (_tenant, placement, spec) => retireWithPulumi(placement, spec, options),
    // Recorded cloud profiles refer to their stack's secret output: resolved here, in memory, for the data steps.
    migrate: async (tenant, profile) => options.migrate(tenant, await resolvePulumiPassword(profile, options)),
    switch: async (tenant, from, to) => options.switch(tenant, await resolvePulumiPassword(from, options), await resolvePulumiPassword(to, options)),
  };
}

/**
 * A given profile's inline password: a local tenant's goes to the file store; a cloud tenant's has no store on this
 * runner (its disk is not one), so such a profile must refer to its password instead.
 */
function keepGivenPassword(given: ConnectionProfile, stack: string, options: StepOptions): Promise<ConnectionProfile> {
  if (given.password !== undefined && !isLocalProvider(given.provider)) {
    throw new Error(
      `the given ${given.provider} profile holds its password inline: give it as passwordRef env:NAME (a CI secret), so no cloud password is written to this machine's disk`,
    );
  }
  return keepPasswordInStore(given, stack, options);
}
