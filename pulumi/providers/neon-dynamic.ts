import * as pulumi from '@pulumi/pulumi';
import { NEON_API_URL, createProject, deleteProject, getProject, listEndpoints, neonClient, updateProject, waitForOperations } from './neon-api.ts';

/**
 * A Neon project (with its branch, role and database) as a Pulumi dynamic resource over Neon's API v2
 * (providers/neon-api.ts). Dynamic rather than the bridged `@sst-provider/neon` package: that package's install
 * script is missing from its npm tarball, so it cannot be installed reproducibly. Type
 * `pulumi-nodejs:dynamic/neon:Project`, which the policy pack matches on.
 */

export interface NeonProjectInputs {
  name: string;
  /** Neon region id (`aws-ap-southeast-1`); changing it replaces the project, data included. */
  regionId: string;
  /** PostgreSQL major version; create-only. */
  pgVersion: number;
  /** Organisation id; required with an organisation API key. Create-only. */
  orgId?: string;
  /** Default branch, owner role and database created with the project; create-only. */
  branchName: string;
  roleName: string;
  databaseName: string;
  /** Restore window in seconds (Neon keeps history instead of discrete backups). */
  historyRetentionSeconds: number;
  /** IP allow-list; empty admits every address. */
  allowedIps: string[];
  hipaa: boolean;
  /** API key (secret). */
  apiKey: string;
  apiUrl: string;
  /** While true, delete refuses. */
  deletionProtection: boolean;
  /** BYOS tenant tags for the policy pack; kept in Pulumi state only. */
  tags: Record<string, string>;
  pollIntervalMs?: number;
  timeoutMs?: number;
}

export interface NeonProjectOutputs extends NeonProjectInputs {
  projectId: string;
  branchId: string;
  endpointId: string;
  /** Read-write compute endpoint host. */
  host: string;
  /** The owner role's password (secret). */
  password: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const CREATE_ONLY = ['regionId', 'pgVersion', 'orgId', 'branchName', 'roleName', 'databaseName'] as const;
const UPDATABLE = ['name', 'historyRetentionSeconds', 'allowedIps', 'hipaa', 'deletionProtection', 'apiKey', 'apiUrl', 'tags'] as const;

function waitOptions(props: NeonProjectInputs) {
  return { intervalMs: props.pollIntervalMs ?? 2_000, timeoutMs: props.timeoutMs ?? 600_000 };
}

export const neonProjectProvider: pulumi.dynamic.ResourceProvider<NeonProjectInputs, NeonProjectOutputs> = {
  async diff(_id, olds, news) {
    const replaces = CREATE_ONLY.filter((key) => !same(olds[key], news[key]));
    const changes = replaces.length > 0 || UPDATABLE.some((key) => !same(olds[key], news[key]));
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const client = neonClient(inputs.apiKey, inputs.apiUrl);
    const created = await createProject(client, inputs);
    const projectId = created.project.id;
    const password = created.roles.find((role) => role.name === inputs.roleName)?.password;
    const clientWithPassword = neonClient(inputs.apiKey, inputs.apiUrl, password ? [password] : []);
    try {
      const endpoint = created.endpoints.find((e) => e.type === 'read_write');
      if (!endpoint) throw new Error('no read-write endpoint in the answer');
      if (!password) throw new Error(`no password for role ${inputs.roleName} in the answer`);
      await waitForOperations(clientWithPassword, projectId, created.operations, waitOptions(inputs));
      return {
        id: projectId,
        outs: { ...inputs, projectId, branchId: created.branch.id, endpointId: endpoint.id, host: endpoint.host, password },
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`neon project ${projectId} was created but is not ready: ${reason}. Import it (pulumi import) or delete it in Neon.`);
    }
  },

  async read(id, props) {
    if (!props) throw new Error(`neon project ${id}: reading needs the stored API key`);
    const client = neonClient(props.apiKey, props.apiUrl, [props.password]);
    const project = await getProject(client, id);
    if (!project) return {};
    const endpoints = await listEndpoints(client, id);
    const endpoint = endpoints.find((e) => e.type === 'read_write' && (!e.branch_id || e.branch_id === props.branchId));
    return {
      id,
      props: {
        ...props,
        name: project.name,
        regionId: project.region_id,
        historyRetentionSeconds: project.history_retention_seconds ?? props.historyRetentionSeconds,
        allowedIps: project.settings?.allowed_ips?.ips ?? [],
        hipaa: project.settings?.hipaa ?? false,
        host: endpoint?.host ?? props.host,
      },
    };
  },

  async update(id, olds, news) {
    const client = neonClient(news.apiKey, news.apiUrl, [olds.password]);
    const changed = ['name', 'historyRetentionSeconds', 'allowedIps', 'hipaa'] as const;
    if (changed.some((key) => !same(olds[key], news[key]))) {
      const result = await updateProject(client, id, news);
      await waitForOperations(client, id, result.operations ?? [], waitOptions(news));
    }
    const { projectId, branchId, endpointId, host, password } = olds;
    return { outs: { ...news, projectId, branchId, endpointId, host, password } };
  },

  async delete(id, props) {
    if (props.deletionProtection) {
      throw new Error(`neon project ${id} has deletionProtection on; set it to false with pulumi up before deleting`);
    }
    await deleteProject(neonClient(props.apiKey, props.apiUrl, [props.password]), id);
  },
};

export type NeonProjectArgs = { [K in keyof NeonProjectInputs]: pulumi.Input<NeonProjectInputs[K]> };

export class NeonProject extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  declare readonly regionId: pulumi.Output<string>;

  constructor(name: string, args: NeonProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      neonProjectProvider,
      name,
      { ...args, apiUrl: args.apiUrl ?? NEON_API_URL, projectId: undefined, branchId: undefined, endpointId: undefined, host: undefined, password: undefined },
      { ...opts, additionalSecretOutputs: ['apiKey', 'password'] },
      'neon',
      'Project',
    );
  }
}
