import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectionProfile, type ConnectionProfile } from '@byos/runtime';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { moveSecretToFile, provisionWithPulumi, retireWithPulumi, type PulumiOptions } from './automation.ts';
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
      if (given) return moveSecretToFile(given, stack, options.secretsDir);
      return provisionWithPulumi(tenant, stack, options);
    },
    retire: (_tenant, placement) => retireWithPulumi(placement, options),
    migrate: options.migrate,
    switch: options.switch,
  };
}
