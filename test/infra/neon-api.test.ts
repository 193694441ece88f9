import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { afterEach, describe, expect, it } from 'vitest';
import { neonProjectProvider, type NeonProjectInputs, type NeonProjectOutputs } from '../../pulumi/providers/neon-dynamic.ts';
import { match, rejection, startFakeApi, type FakeApi, type RecordedRequest } from './fake-api.ts';

const KEY = 'neon_api_key_test_0123456789';
const ROLE_PASSWORD = 'npg_SecretRolePassword42';

interface FakeNeonProject {
  id: string;
  name: string;
  region_id: string;
  history_retention_seconds: number;
  settings: { allowed_ips: { ips: string[] }; hipaa?: boolean };
}

/** Plays Neon's API v2: operations finish after one poll; 401 without the right key. */
function neonRoute(projects: Map<string, FakeNeonProject>, options: { failOperation?: boolean } = {}) {
  const polls = new Map<string, number>();
  return (request: RecordedRequest) => {
    if (request.authorization !== `Bearer ${KEY}`) return { status: 401, body: { message: 'authentication required' } };
    let params: Record<string, string> | undefined;
    if (match(request, 'POST', '/projects')) {
      const body = (request.body as { project: Record<string, any> }).project;
      const id = `calm-sea-${projects.size + 1}0000000`;
      projects.set(id, { id, name: body.name, region_id: body.region_id, history_retention_seconds: body.history_retention_seconds, settings: body.settings });
      const host = `ep-calm-${projects.size}.${body.region_id.replace(/^aws-/, '')}.aws.neon.tech`;
      return {
        status: 201,
        body: {
          project: projects.get(id),
          branch: { id: 'br-main-1', name: body.branch.name },
          endpoints: [{ id: 'ep-calm-1', host, type: 'read_write', branch_id: 'br-main-1' }],
          roles: [{ name: body.branch.role_name, password: ROLE_PASSWORD }],
          databases: [{ name: body.branch.database_name, owner_name: body.branch.role_name }],
          operations: [
            { id: 'op-timeline', status: 'finished', action: 'create_timeline' },
            { id: 'op-compute', status: 'scheduling', action: 'start_compute' },
          ],
        },
      };
    }
    if ((params = match(request, 'GET', '/projects/{id}/operations/{op}'))) {
      const seen = (polls.get(params.op!) ?? 0) + 1;
      polls.set(params.op!, seen);
      const status = options.failOperation ? 'failed' : seen >= 2 ? 'finished' : 'running';
      return { status: 200, body: { operation: { id: params.op, status, action: 'start_compute' } } };
    }
    if ((params = match(request, 'GET', '/projects/{id}/endpoints'))) {
      return { status: 200, body: { endpoints: [{ id: 'ep-calm-1', host: 'ep-calm-1.moved.aws.neon.tech', type: 'read_write', branch_id: 'br-main-1' }] } };
    }
    if ((params = match(request, 'GET', '/projects/{id}'))) {
      const project = projects.get(params.id!);
      return project ? { status: 200, body: { project } } : { status: 404, body: { message: 'project not found' } };
    }
    if ((params = match(request, 'PATCH', '/projects/{id}'))) {
      const project = projects.get(params.id!)!;
      const changes = (request.body as { project: Partial<FakeNeonProject> }).project;
      Object.assign(project, changes);
      return { status: 200, body: { project, operations: [{ id: 'op-apply', status: 'running', action: 'apply_config' }] } };
    }
    if ((params = match(request, 'DELETE', '/projects/{id}'))) {
      return projects.delete(params.id!) ? { status: 200, body: { project: { id: params.id } } } : { status: 404, body: { message: 'project not found' } };
    }
    return { status: 404, body: { message: `no route ${request.method} ${request.path}` } };
  };
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function inputs(url: string, overrides: Partial<NeonProjectInputs> = {}): NeonProjectInputs {
  return {
    name: 'byos-acme-sg',
    regionId: 'aws-ap-southeast-1',
    pgVersion: 17,
    branchName: 'main',
    roleName: 'byos_admin',
    databaseName: 'acme_sg',
    historyRetentionSeconds: 7 * 86_400,
    allowedIps: ['203.0.113.0/24'],
    hipaa: true,
    apiKey: KEY,
    apiUrl: url,
    deletionProtection: true,
    tags: { 'byos-tenant': 'acme-sg' },
    pollIntervalMs: 1,
    timeoutMs: 5_000,
    ...overrides,
  };
}

describe('Neon dynamic provider against a fake API v2', () => {
  it('creates the project with its branch, role and database in the region, then waits for its operations', async () => {
    const projects = new Map<string, FakeNeonProject>();
    api = await startFakeApi(neonRoute(projects));
    const result = await neonProjectProvider.create(inputs(api.url, { orgId: 'org-acme' }));
    expect(api.requests[0]).toEqual({
      method: 'POST',
      path: '/projects',
      authorization: `Bearer ${KEY}`,
      body: {
        project: {
          name: 'byos-acme-sg',
          region_id: 'aws-ap-southeast-1',
          pg_version: 17,
          org_id: 'org-acme',
          history_retention_seconds: 604_800,
          settings: { allowed_ips: { ips: ['203.0.113.0/24'], protected_branches_only: false }, hipaa: true },
          branch: { name: 'main', role_name: 'byos_admin', database_name: 'acme_sg' },
        },
      },
    });
    // The finished operation is not polled; the scheduled one is polled until finished.
    expect(api.requests.slice(1).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /projects/${result.id}/operations/op-compute`,
      `GET /projects/${result.id}/operations/op-compute`,
    ]);
    expect(result.outs).toMatchObject({
      projectId: result.id,
      branchId: 'br-main-1',
      endpointId: 'ep-calm-1',
      host: 'ep-calm-1.ap-southeast-1.aws.neon.tech',
      password: ROLE_PASSWORD,
    });
  });

  it('names the project when an operation fails, and never leaks the key or the role password', async () => {
    api = await startFakeApi(neonRoute(new Map(), { failOperation: true }));
    const error = await rejection(neonProjectProvider.create(inputs(api.url)));
    expect(error.message).toMatch(
      /neon project calm-sea-10000000 was created but is not ready: neon operation start_compute on project calm-sea-10000000 failed/,
    );
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(ROLE_PASSWORD);
  });

  it('reports an authentication failure with status and message but without the key', async () => {
    api = await startFakeApi(neonRoute(new Map()));
    const error = await rejection(neonProjectProvider.create(inputs(api.url, { apiKey: `${KEY}-wrong` })));
    expect(error.message).toBe('neon API POST /projects failed with 401: authentication required');
  });

  it('reads the live allow-list and endpoint, and reports a deleted project as gone', async () => {
    const projects = new Map<string, FakeNeonProject>();
    api = await startFakeApi(neonRoute(projects));
    const { id, outs } = await neonProjectProvider.create(inputs(api.url));
    projects.get(id)!.settings.allowed_ips.ips = [];
    const read = await neonProjectProvider.read!(id, outs as NeonProjectOutputs);
    expect(read.props).toMatchObject({ allowedIps: [], host: 'ep-calm-1.moved.aws.neon.tech', hipaa: true });
    projects.delete(id);
    expect(await neonProjectProvider.read!(id, outs as NeonProjectOutputs)).toEqual({});
  });

  it('replaces on create-only changes and patches the allow-list and restore window in place', async () => {
    const projects = new Map<string, FakeNeonProject>();
    api = await startFakeApi(neonRoute(projects));
    const { id, outs } = await neonProjectProvider.create(inputs(api.url));
    const olds = outs as NeonProjectOutputs;
    expect(await neonProjectProvider.diff!(id, olds, inputs(api.url, { regionId: 'aws-eu-central-1' }))).toMatchObject({ replaces: ['regionId'] });
    expect(await neonProjectProvider.diff!(id, olds, inputs(api.url))).toMatchObject({ changes: false, replaces: [] });

    const news = inputs(api.url, { allowedIps: ['198.51.100.0/24'], historyRetentionSeconds: 86_400 });
    expect(await neonProjectProvider.diff!(id, olds, news)).toMatchObject({ changes: true, replaces: [] });
    const before = api.requests.length;
    const updated = await neonProjectProvider.update!(id, olds, news);
    expect(api.requests[before]).toMatchObject({
      method: 'PATCH',
      path: `/projects/${id}`,
      body: { project: { history_retention_seconds: 86_400, settings: { allowed_ips: { ips: ['198.51.100.0/24'] } } } },
    });
    expect(api.requests.at(-1)!.path).toBe(`/projects/${id}/operations/op-apply`);
    expect(updated.outs).toMatchObject({ password: ROLE_PASSWORD, host: olds.host, allowedIps: ['198.51.100.0/24'] });
    expect(projects.get(id)!.settings.allowed_ips.ips).toEqual(['198.51.100.0/24']);
  });

  it('refuses to delete while deletion protection is on, then deletes', async () => {
    const projects = new Map<string, FakeNeonProject>();
    api = await startFakeApi(neonRoute(projects));
    const { id, outs } = await neonProjectProvider.create(inputs(api.url));
    await expect(neonProjectProvider.delete!(id, outs as NeonProjectOutputs)).rejects.toThrow(/deletionProtection on/);
    await neonProjectProvider.delete!(id, { ...(outs as NeonProjectOutputs), deletionProtection: false });
    expect(projects.size).toBe(0);
  });

  it('still works after Pulumi serialises the provider', async () => {
    const projects = new Map<string, FakeNeonProject>();
    api = await startFakeApi(neonRoute(projects));
    const serialized = await pulumi.runtime.serializeFunction(() => neonProjectProvider, { isFactoryFunction: true });
    const dir = await mkdtemp(join(tmpdir(), 'byos-serialized-'));
    try {
      const file = join(dir, 'provider.cjs');
      await writeFile(file, serialized.text);
      const provider = (createRequire(import.meta.url)(file) as Record<string, typeof neonProjectProvider>)[serialized.exportName]!;
      const result = await provider.create(inputs(api.url));
      expect(projects.has(result.id)).toBe(true);
      expect(result.outs?.password).toBe(ROLE_PASSWORD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
