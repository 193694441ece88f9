import { ApiError, apiRequest, poll, type ApiClient } from './http-api.ts';

/**
 * The parts of Supabase's Management API (https://api.supabase.com/api/v1, OpenAPI `api_v1_openapi.json`) that a
 * tenant database needs: create, read, rename and delete a project; SSL enforcement; network restrictions.
 */

export const SUPABASE_API_URL = 'https://api.supabase.com';

export interface SupabaseProject {
  ref: string;
  name: string;
  region: string;
  organization_slug?: string;
  /** ACTIVE_HEALTHY once usable; COMING_UP while provisioning; INIT_FAILED, REMOVED … */
  status: string;
  database?: { host: string; version?: string };
}

export interface CreateProjectRequest {
  name: string;
  /** Organisation slug (`organization_id` is deprecated in the API). */
  organizationSlug: string;
  /** A specific region code (`ap-southeast-1`); sent as `region_selection: { type: 'specific', code }`. */
  region: string;
  /** Password of the `postgres` role. */
  dbPass: string;
  /** `micro`, `small`, `medium`, `large`, …; absent means the smallest size. */
  instanceSize?: string;
}

export interface NetworkRestrictions {
  dbAllowedCidrs: string[];
  dbAllowedCidrsV6: string[];
}

/** An API client for `token`; `dbPass` values passed in `secrets` are scrubbed from errors too. */
export function supabaseClient(token: string, baseUrl = SUPABASE_API_URL, secrets: readonly string[] = []): ApiClient {
  return { service: 'supabase', baseUrl: baseUrl.replace(/\/+$/, ''), token, secrets };
}

/** POST /v1/projects */
export function createProject(client: ApiClient, request: CreateProjectRequest): Promise<SupabaseProject> {
  return apiRequest<SupabaseProject>(client, 'POST', '/v1/projects', {
    name: request.name,
    organization_slug: request.organizationSlug,
    region_selection: { type: 'specific', code: request.region },
    db_pass: request.dbPass,
    ...(request.instanceSize ? { desired_instance_size: request.instanceSize } : {}),
  });
}

/** GET /v1/projects/{ref}; undefined when the project no longer exists. */
export async function getProject(client: ApiClient, ref: string): Promise<SupabaseProject | undefined> {
  try {
    return await apiRequest<SupabaseProject>(client, 'GET', `/v1/projects/${encodeURIComponent(ref)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

// An array, not a Set: Pulumi's closure serialiser (dynamic providers) turns a captured Set into a plain object.
const FAILED_STATES: readonly string[] = ['INIT_FAILED', 'REMOVED', 'RESTORE_FAILED', 'PAUSE_FAILED', 'INACTIVE'];

/** Waits until the project is ACTIVE_HEALTHY (SSL enforcement and network restrictions need it running). */
export function waitForHealthy(client: ApiClient, ref: string, options: { intervalMs: number; timeoutMs: number }): Promise<SupabaseProject> {
  return poll(
    `supabase project ${ref} to become ACTIVE_HEALTHY`,
    async () => {
      const project = await getProject(client, ref);
      if (!project) throw new Error(`supabase project ${ref} disappeared while provisioning`);
      if (FAILED_STATES.includes(project.status)) throw new Error(`supabase project ${ref} is ${project.status}`);
      return project.status === 'ACTIVE_HEALTHY' ? project : undefined;
    },
    options,
  );
}

/** PATCH /v1/projects/{ref} */
export function renameProject(client: ApiClient, ref: string, name: string): Promise<unknown> {
  return apiRequest(client, 'PATCH', `/v1/projects/${encodeURIComponent(ref)}`, { name });
}

/** DELETE /v1/projects/{ref}; a project already gone counts as deleted. */
export async function deleteProject(client: ApiClient, ref: string): Promise<void> {
  try {
    await apiRequest(client, 'DELETE', `/v1/projects/${encodeURIComponent(ref)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return;
    throw error;
  }
}

/** PUT /v1/projects/{ref}/ssl-enforcement: Supabase accepts plaintext connections until this is on. */
export async function setSslEnforcement(client: ApiClient, ref: string, enforced: boolean): Promise<boolean> {
  const result = await apiRequest<{ currentConfig: { database: boolean }; appliedSuccessfully: boolean }>(
    client,
    'PUT',
    `/v1/projects/${encodeURIComponent(ref)}/ssl-enforcement`,
    { requestedConfig: { database: enforced } },
  );
  if (!result.appliedSuccessfully || result.currentConfig.database !== enforced) {
    throw new Error(`supabase project ${ref}: SSL enforcement was not applied (database enforcement is ${result.currentConfig?.database})`);
  }
  return result.currentConfig.database;
}

/** GET /v1/projects/{ref}/ssl-enforcement */
export async function getSslEnforcement(client: ApiClient, ref: string): Promise<boolean> {
  const result = await apiRequest<{ currentConfig: { database: boolean } }>(client, 'GET', `/v1/projects/${encodeURIComponent(ref)}/ssl-enforcement`);
  return result.currentConfig.database;
}

/** POST /v1/projects/{ref}/network-restrictions/apply: replaces the whole allow-list. */
export function applyNetworkRestrictions(client: ApiClient, ref: string, restrictions: NetworkRestrictions): Promise<unknown> {
  return apiRequest(client, 'POST', `/v1/projects/${encodeURIComponent(ref)}/network-restrictions/apply`, restrictions);
}

/** GET /v1/projects/{ref}/network-restrictions */
export async function getNetworkRestrictions(client: ApiClient, ref: string): Promise<NetworkRestrictions> {
  const result = await apiRequest<{ config?: Partial<NetworkRestrictions> }>(client, 'GET', `/v1/projects/${encodeURIComponent(ref)}/network-restrictions`);
  return { dbAllowedCidrs: result.config?.dbAllowedCidrs ?? [], dbAllowedCidrsV6: result.config?.dbAllowedCidrsV6 ?? [] };
}
