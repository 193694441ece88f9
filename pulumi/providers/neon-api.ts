import { ApiError, apiRequest, poll, type ApiClient } from './http-api.ts';

/**
 * The parts of Neon's API v2 (https://api-docs.neon.tech) a tenant database needs. Creating a project also creates
 * its default branch, the owner role and the database (the request's `branch` object), and starts a read-write
 * compute endpoint; the answer carries the role's password and the endpoint's host.
 */

export const NEON_API_URL = 'https://console.neon.tech/api/v2';

export interface NeonOperation {
  id: string;
  status: string;
  action?: string;
}

export interface NeonProject {
  id: string;
  name: string;
  region_id: string;
  pg_version?: number;
  history_retention_seconds?: number;
  settings?: { allowed_ips?: { ips?: string[]; protected_branches_only?: boolean }; hipaa?: boolean };
}

export interface NeonCreateProjectRequest {
  name: string;
  /** `aws-ap-southeast-1`, `aws-eu-central-1`, `azure-gwc`, … */
  regionId: string;
  pgVersion: number;
  orgId?: string;
  branchName: string;
  roleName: string;
  databaseName: string;
  /** Point-in-time restore window, 0..2 592 000 seconds (30 days). */
  historyRetentionSeconds: number;
  /** IP allow-list (addresses or CIDR blocks); empty admits every address. */
  allowedIps: string[];
  /** Neon's HIPAA mode (audit logging; needs a plan that offers it). */
  hipaa: boolean;
}

export interface NeonCreatedProject {
  project: NeonProject;
  branch: { id: string; name: string };
  endpoints: { id: string; host: string; type: string; branch_id?: string }[];
  roles: { name: string; password?: string }[];
  databases: { name: string; owner_name: string }[];
  operations: NeonOperation[];
}

export function neonClient(token: string, baseUrl = NEON_API_URL, secrets: readonly string[] = []): ApiClient {
  return { service: 'neon', baseUrl: baseUrl.replace(/\/+$/, ''), token, secrets };
}

function settingsBody(request: Pick<NeonCreateProjectRequest, 'allowedIps' | 'hipaa'>) {
  return { allowed_ips: { ips: request.allowedIps, protected_branches_only: false }, ...(request.hipaa ? { hipaa: true } : {}) };
}

/** POST /projects */
export function createProject(client: ApiClient, request: NeonCreateProjectRequest): Promise<NeonCreatedProject> {
  return apiRequest<NeonCreatedProject>(client, 'POST', '/projects', {
    project: {
      name: request.name,
      region_id: request.regionId,
      pg_version: request.pgVersion,
      ...(request.orgId ? { org_id: request.orgId } : {}),
      history_retention_seconds: request.historyRetentionSeconds,
      settings: settingsBody(request),
      branch: { name: request.branchName, role_name: request.roleName, database_name: request.databaseName },
    },
  });
}

/** GET /projects/{id}; undefined when it no longer exists. */
export async function getProject(client: ApiClient, projectId: string): Promise<NeonProject | undefined> {
  try {
    return (await apiRequest<{ project: NeonProject }>(client, 'GET', `/projects/${encodeURIComponent(projectId)}`)).project;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** PATCH /projects/{id}: name, restore window, allow-list, HIPAA. */
export function updateProject(
  client: ApiClient,
  projectId: string,
  changes: Pick<NeonCreateProjectRequest, 'name' | 'historyRetentionSeconds' | 'allowedIps' | 'hipaa'>,
): Promise<{ project: NeonProject; operations?: NeonOperation[] }> {
  return apiRequest(client, 'PATCH', `/projects/${encodeURIComponent(projectId)}`, {
    project: { name: changes.name, history_retention_seconds: changes.historyRetentionSeconds, settings: settingsBody(changes) },
  });
}

/** DELETE /projects/{id}; a project already gone counts as deleted. */
export async function deleteProject(client: ApiClient, projectId: string): Promise<void> {
  try {
    await apiRequest(client, 'DELETE', `/projects/${encodeURIComponent(projectId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return;
    throw error;
  }
}

/** GET /projects/{id}/endpoints */
export async function listEndpoints(client: ApiClient, projectId: string): Promise<NeonCreatedProject['endpoints']> {
  return (await apiRequest<{ endpoints: NeonCreatedProject['endpoints'] }>(client, 'GET', `/projects/${encodeURIComponent(projectId)}/endpoints`)).endpoints;
}

/** Waits for every operation to reach `finished`; Neon answers 423 to changes while operations run. */
export async function waitForOperations(
  client: ApiClient,
  projectId: string,
  operations: readonly NeonOperation[],
  options: { intervalMs: number; timeoutMs: number },
): Promise<void> {
  for (const operation of operations) {
    if (operation.status === 'finished') continue;
    await poll(
      `neon operation ${operation.action ?? operation.id} on project ${projectId}`,
      async () => {
        const { operation: current } = await apiRequest<{ operation: NeonOperation }>(
          client,
          'GET',
          `/projects/${encodeURIComponent(projectId)}/operations/${encodeURIComponent(operation.id)}`,
        );
        if (current.status === 'failed' || current.status === 'error') {
          throw new Error(`neon operation ${current.action ?? current.id} on project ${projectId} ${current.status}`);
        }
        return current.status === 'finished' ? true : undefined;
      },
      options,
    );
  }
}
