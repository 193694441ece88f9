import * as pulumi from '@pulumi/pulumi';
import {
  SUPABASE_API_URL,
  applyNetworkRestrictions,
  createProject,
  deleteProject,
  getNetworkRestrictions,
  getProject,
  getSslEnforcement,
  renameProject,
  setSslEnforcement,
  supabaseClient,
  waitForHealthy,
} from './supabase-api.ts';

/**
 * There is no `@pulumi/supabase` in this project's dependencies, so a Supabase project is a Pulumi dynamic
 * resource over the Management API (providers/supabase-api.ts). Its type is `pulumi-nodejs:dynamic/supabase:Project`,
 * which the policy pack matches on.
 */

/** Inputs of a Supabase project, as stored in state (`accessToken` and `dbPass` are secrets). */
export interface SupabaseProjectInputs {
  /** Project name (at most 256 characters, no dots). */
  name: string;
  /** Owning organisation's slug. */
  organizationSlug: string;
  /** Region code (`ap-southeast-1`); changing it replaces the project, data included. */
  region: string;
  /** Password of the `postgres` role; set at creation only (rotate it in Supabase, then here). */
  dbPass: string;
  /** Management API token. */
  accessToken: string;
  /** Management API base URL. */
  apiUrl: string;
  /** Compute size (`micro`, `small`, …); set at creation only. */
  instanceSize?: string;
  /** Refuse plaintext connections (PUT …/ssl-enforcement). */
  sslEnforced: boolean;
  /** IPv4 / IPv6 blocks allowed to reach Postgres and the pooler (POST …/network-restrictions/apply). */
  dbAllowedCidrs: string[];
  dbAllowedCidrsV6: string[];
  /** While true, delete refuses: Supabase has no deletion protection of its own. */
  deletionProtection: boolean;
  /** BYOS tenant tags (components/tenant-tags.ts) for the policy pack; kept in Pulumi state only, Supabase has no tags. */
  tags: Record<string, string>;
  /** Provisioning poll interval and timeout (ms). */
  pollIntervalMs?: number;
  timeoutMs?: number;
}

export interface SupabaseProjectOutputs extends SupabaseProjectInputs {
  ref: string;
  /** Database host (`db.<ref>.supabase.co`). */
  host: string;
  status: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function clientFor(props: Pick<SupabaseProjectInputs, 'accessToken' | 'apiUrl' | 'dbPass'>) {
  return supabaseClient(props.accessToken, props.apiUrl, [props.dbPass]);
}

async function configure(props: SupabaseProjectInputs, ref: string): Promise<void> {
  const client = clientFor(props);
  await setSslEnforcement(client, ref, props.sslEnforced);
  await applyNetworkRestrictions(client, ref, { dbAllowedCidrs: props.dbAllowedCidrs, dbAllowedCidrsV6: props.dbAllowedCidrsV6 });
}

export const supabaseProjectProvider: pulumi.dynamic.ResourceProvider<SupabaseProjectInputs, SupabaseProjectOutputs> = {
  async diff(_id, olds, news) {
    const replaces = (['region', 'organizationSlug'] as const).filter((key) => olds[key] !== news[key]);
    const updatable = [
      'name',
      'tags',
      'sslEnforced',
      'dbAllowedCidrs',
      'dbAllowedCidrsV6',
      'deletionProtection',
      'accessToken',
      'apiUrl',
      'instanceSize',
    ] as const;
    const changes = replaces.length > 0 || updatable.some((key) => !same(olds[key], news[key]));
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const client = clientFor(inputs);
    const created = await createProject(client, {
      name: inputs.name,
      organizationSlug: inputs.organizationSlug,
      region: inputs.region,
      dbPass: inputs.dbPass,
      instanceSize: inputs.instanceSize,
    });
    try {
      const healthy = await waitForHealthy(client, created.ref, { intervalMs: inputs.pollIntervalMs ?? 10_000, timeoutMs: inputs.timeoutMs ?? 900_000 });
      await configure(inputs, created.ref);
      return {
        id: created.ref,
        outs: { ...inputs, ref: created.ref, host: healthy.database?.host ?? `db.${created.ref}.supabase.co`, status: healthy.status },
      };
    } catch (error) {
      // The project exists but Pulumi will not record it: say which one, so it can be imported or removed.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`supabase project ${created.ref} was created but not configured: ${reason}. Import it (pulumi import) or delete it in Supabase.`);
    }
  },

  async read(id, props) {
    if (!props) throw new Error(`supabase project ${id}: reading needs the stored access token`);
    const client = clientFor(props);
    const project = await getProject(client, id);
    if (!project) return {};
    const [sslEnforced, restrictions] = await Promise.all([getSslEnforcement(client, id), getNetworkRestrictions(client, id)]);
    return {
      id,
      props: {
        ...props,
        name: project.name,
        region: project.region,
        status: project.status,
        host: project.database?.host ?? props.host,
        sslEnforced,
        ...restrictions,
      },
    };
  },

  async update(id, olds, news) {
    if (!same(olds.instanceSize, news.instanceSize)) {
      throw new Error(
        `supabase project ${id}: instanceSize cannot change here (${olds.instanceSize ?? 'default'} → ${news.instanceSize ?? 'default'}); resize in Supabase`,
      );
    }
    const client = clientFor(news);
    if (olds.name !== news.name) await renameProject(client, id, news.name);
    if (olds.sslEnforced !== news.sslEnforced || !same(olds.dbAllowedCidrs, news.dbAllowedCidrs) || !same(olds.dbAllowedCidrsV6, news.dbAllowedCidrsV6)) {
      await configure(news, id);
    }
    return { outs: { ...news, dbPass: olds.dbPass, ref: id, host: olds.host, status: olds.status } };
  },

  async delete(id, props) {
    if (props.deletionProtection) {
      throw new Error(`supabase project ${id} has deletionProtection on; set it to false with pulumi up before deleting`);
    }
    await deleteProject(clientFor(props), id);
  },
};

/** Arguments of a SupabaseProject; see SupabaseProjectInputs for each field. */
export type SupabaseProjectArgs = { [K in keyof SupabaseProjectInputs]: pulumi.Input<SupabaseProjectInputs[K]> };

export class SupabaseProject extends pulumi.dynamic.Resource {
  declare readonly ref: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;

  constructor(name: string, args: SupabaseProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      supabaseProjectProvider,
      name,
      { ...args, apiUrl: args.apiUrl ?? SUPABASE_API_URL, ref: undefined, host: undefined, status: undefined },
      { ...opts, additionalSecretOutputs: ['accessToken', 'dbPass'] },
      'supabase',
      'Project',
    );
  }
}
