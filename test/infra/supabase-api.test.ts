import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, supabaseClient } from '../../pulumi/providers/supabase-api.ts';
import { supabaseProjectProvider, type SupabaseProjectInputs, type SupabaseProjectOutputs } from '../../pulumi/providers/supabase-dynamic.ts';
import { match, rejection, startFakeApi, type FakeApi, type RecordedRequest } from './fake-api.ts';

const TOKEN = 'sbp_test_token_0123456789abcdef';
const DB_PASS = 'correct-horse-battery-staple-42';

interface FakeProject {
  ref: string;
  name: string;
  region: string;
  organization_slug: string;
  status: string;
  pollsUntilHealthy: number;
  ssl: boolean;
  restrictions: { dbAllowedCidrs: string[]; dbAllowedCidrsV6: string[] };
}

/** Plays the Supabase Management API: projects come up after a few polls; 401 without the right token. */
function supabaseRoute(projects: Map<string, FakeProject>, options: { pollsUntilHealthy?: number; sslApplies?: boolean } = {}) {
  return (request: RecordedRequest) => {
    if (request.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { message: 'Unauthorized' } };
    let params: Record<string, string> | undefined;
    if (match(request, 'POST', '/v1/projects')) {
      const body = request.body as { name: string; organization_slug: string; region_selection: { code: string } };
      const ref = `ref${String(projects.size).padStart(17, 'a')}`;
      const project: FakeProject = {
        ref,
        name: body.name,
        region: body.region_selection.code,
        organization_slug: body.organization_slug,
        status: 'COMING_UP',
        pollsUntilHealthy: options.pollsUntilHealthy ?? 2,
        ssl: false,
        restrictions: { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: ['::/0'] },
      };
      projects.set(ref, project);
      return {
        status: 201,
        body: { id: ref, ref, name: project.name, region: project.region, organization_slug: project.organization_slug, status: project.status },
      };
    }
    if ((params = match(request, 'GET', '/v1/projects/{ref}'))) {
      const project = projects.get(params.ref!);
      if (!project) return { status: 404, body: { message: 'Project not found' } };
      if (project.status === 'COMING_UP' && --project.pollsUntilHealthy <= 0) project.status = 'ACTIVE_HEALTHY';
      return { status: 200, body: { ...project, database: { host: `db.${project.ref}.supabase.co`, version: '17' } } };
    }
    if ((params = match(request, 'PATCH', '/v1/projects/{ref}'))) {
      const project = projects.get(params.ref!)!;
      project.name = (request.body as { name: string }).name;
      return { status: 200, body: { id: 1, ref: project.ref, name: project.name } };
    }
    if ((params = match(request, 'DELETE', '/v1/projects/{ref}'))) {
      if (!projects.delete(params.ref!)) return { status: 404, body: { message: 'Project not found' } };
      return { status: 200, body: { ref: params.ref } };
    }
    if ((params = match(request, 'PUT', '/v1/projects/{ref}/ssl-enforcement'))) {
      const project = projects.get(params.ref!)!;
      if (options.sslApplies !== false) project.ssl = (request.body as { requestedConfig: { database: boolean } }).requestedConfig.database;
      return { status: 200, body: { currentConfig: { database: project.ssl }, appliedSuccessfully: options.sslApplies !== false } };
    }
    if ((params = match(request, 'GET', '/v1/projects/{ref}/ssl-enforcement'))) {
      return { status: 200, body: { currentConfig: { database: projects.get(params.ref!)!.ssl }, appliedSuccessfully: true } };
    }
    if ((params = match(request, 'POST', '/v1/projects/{ref}/network-restrictions/apply'))) {
      projects.get(params.ref!)!.restrictions = request.body as FakeProject['restrictions'];
      return { status: 201, body: { entitlement: 'allowed', config: request.body, status: 'applied' } };
    }
    if ((params = match(request, 'GET', '/v1/projects/{ref}/network-restrictions'))) {
      return { status: 200, body: { entitlement: 'allowed', config: projects.get(params.ref!)!.restrictions, status: 'applied' } };
    }
    return { status: 404, body: { message: `no route ${request.method} ${request.path}` } };
  };
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function inputs(url: string, overrides: Partial<SupabaseProjectInputs> = {}): SupabaseProjectInputs {
  return {
    name: 'byos-acme-sg',
    organizationSlug: 'acme-org',
    region: 'ap-southeast-1',
    dbPass: DB_PASS,
    accessToken: TOKEN,
    apiUrl: url,
    instanceSize: 'small',
    sslEnforced: true,
    dbAllowedCidrs: ['203.0.113.0/24'],
    dbAllowedCidrsV6: ['2001:db8::/48'],
    deletionProtection: true,
    tags: { 'byos-tenant': 'acme-sg' },
    pollIntervalMs: 1,
    timeoutMs: 5_000,
    ...overrides,
  };
}

describe('Supabase Management API client', () => {
  it('creates a project with organization_slug, region_selection and the bearer token', async () => {
    const projects = new Map<string, FakeProject>();
    api = await startFakeApi(supabaseRoute(projects));
    const project = await createProject(supabaseClient(TOKEN, api.url), {
      name: 'n',
      organizationSlug: 'acme-org',
      region: 'eu-central-1',
      dbPass: DB_PASS,
      instanceSize: 'micro',
    });
    expect(project.status).toBe('COMING_UP');
    expect(api.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/projects',
        authorization: `Bearer ${TOKEN}`,
        body: {
          name: 'n',
          organization_slug: 'acme-org',
          region_selection: { type: 'specific', code: 'eu-central-1' },
          db_pass: DB_PASS,
          desired_instance_size: 'micro',
        },
      },
    ]);
  });

  it('names the call and status on failure but never the token or the database password', async () => {
    api = await startFakeApi((request) => ({
      status: 400,
      body: { message: `db_pass ${(request.body as { db_pass: string }).db_pass} rejected for ${request.authorization}` },
    }));
    const error = await rejection(
      createProject(supabaseClient(TOKEN, api.url, [DB_PASS]), { name: 'n', organizationSlug: 'o', region: 'us-east-1', dbPass: DB_PASS }),
    );
    expect(error.message).toMatch(/^supabase API POST \/v1\/projects failed with 400: db_pass \*\*\* rejected/);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(DB_PASS);
  });

  it('retries 503 answers and then succeeds', async () => {
    let calls = 0;
    api = await startFakeApi(() =>
      ++calls < 3 ? { status: 503, body: { message: 'busy' } } : { status: 201, body: { ref: 'r', name: 'n', region: 'r', status: 'COMING_UP' } },
    );
    const client = { ...supabaseClient(TOKEN, api.url), retryDelayMs: 1 };
    await expect(createProject(client, { name: 'n', organizationSlug: 'o', region: 'us-east-1', dbPass: DB_PASS })).resolves.toMatchObject({ ref: 'r' });
    expect(api.requests).toHaveLength(3);
  });

  it('reports an unreachable API without the token', async () => {
    api = await startFakeApi(() => ({ status: 200 }));
    const url = api.url;
    await api.close();
    api = undefined;
    const error = await rejection(createProject(supabaseClient(TOKEN, url), { name: 'n', organizationSlug: 'o', region: 'us-east-1', dbPass: DB_PASS }));
    expect(error.message).toMatch(/^supabase API POST \/v1\/projects could not be reached/);
    expect(error.message).not.toContain(TOKEN);
  });
});

describe('Supabase dynamic provider against the fake API', () => {
  it('creates, waits until healthy, enforces SSL and applies the network restrictions', async () => {
    const projects = new Map<string, FakeProject>();
    api = await startFakeApi(supabaseRoute(projects));
    const result = await supabaseProjectProvider.create(inputs(api.url));
    const ref = result.id;
    expect(result.outs).toMatchObject({ ref, host: `db.${ref}.supabase.co`, status: 'ACTIVE_HEALTHY', region: 'ap-southeast-1' });
    const calls = api.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls[0]).toBe('POST /v1/projects');
    expect(calls.filter((c) => c === `GET /v1/projects/${ref}`).length).toBeGreaterThanOrEqual(2);
    expect(calls.slice(-2)).toEqual([`PUT /v1/projects/${ref}/ssl-enforcement`, `POST /v1/projects/${ref}/network-restrictions/apply`]);
    expect(api.requests.at(-2)!.body).toEqual({ requestedConfig: { database: true } });
    expect(api.requests.at(-1)!.body).toEqual({ dbAllowedCidrs: ['203.0.113.0/24'], dbAllowedCidrsV6: ['2001:db8::/48'] });
    expect(projects.get(ref)).toMatchObject({ ssl: true, restrictions: { dbAllowedCidrs: ['203.0.113.0/24'] } });
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('names the created project when configuring it fails, without secrets', async () => {
    api = await startFakeApi(supabaseRoute(new Map(), { sslApplies: false }));
    const error = await rejection(supabaseProjectProvider.create(inputs(api.url)));
    expect(error.message).toMatch(/supabase project ref\w+ was created but not configured: .*SSL enforcement was not applied/);
    expect(error.message).not.toContain(TOKEN);
  });

  it('reads drift back and reports a deleted project as gone', async () => {
    const projects = new Map<string, FakeProject>();
    api = await startFakeApi(supabaseRoute(projects));
    const { id, outs } = await supabaseProjectProvider.create(inputs(api.url));
    const live = projects.get(id)!;
    live.ssl = false;
    live.restrictions = { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: [] };
    const read = await supabaseProjectProvider.read!(id, outs as SupabaseProjectOutputs);
    expect(read.props).toMatchObject({ sslEnforced: false, dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: [] });
    projects.delete(id);
    expect(await supabaseProjectProvider.read!(id, outs as SupabaseProjectOutputs)).toEqual({});
  });

  it('diffs region changes as replacements and network changes as updates', async () => {
    const olds = { ...inputs('http://x'), ref: 'r', host: 'h', status: 'ACTIVE_HEALTHY' };
    expect(await supabaseProjectProvider.diff!('r', olds, inputs('http://x', { region: 'eu-west-1' }))).toMatchObject({ changes: true, replaces: ['region'] });
    expect(await supabaseProjectProvider.diff!('r', olds, inputs('http://x', { dbAllowedCidrs: ['10.0.0.0/8'] }))).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await supabaseProjectProvider.diff!('r', olds, inputs('http://x'))).toMatchObject({ changes: false });
  });

  it('updates name and restrictions in place and refuses a resize', async () => {
    const projects = new Map<string, FakeProject>();
    api = await startFakeApi(supabaseRoute(projects));
    const { id, outs } = await supabaseProjectProvider.create(inputs(api.url));
    const before = api.requests.length;
    const news = inputs(api.url, { name: 'renamed', dbAllowedCidrs: ['198.51.100.0/24'] });
    await supabaseProjectProvider.update!(id, outs as SupabaseProjectOutputs, news);
    expect(api.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /v1/projects/${id}`,
      `PUT /v1/projects/${id}/ssl-enforcement`,
      `POST /v1/projects/${id}/network-restrictions/apply`,
    ]);
    expect(projects.get(id)).toMatchObject({ name: 'renamed', restrictions: { dbAllowedCidrs: ['198.51.100.0/24'] } });
    await expect(supabaseProjectProvider.update!(id, outs as SupabaseProjectOutputs, inputs(api.url, { instanceSize: 'large' }))).rejects.toThrow(
      /instanceSize cannot change/,
    );
  });

  it('refuses to delete while deletion protection is on, then deletes', async () => {
    const projects = new Map<string, FakeProject>();
    api = await startFakeApi(supabaseRoute(projects));
    const { id, outs } = await supabaseProjectProvider.create(inputs(api.url));
    await expect(supabaseProjectProvider.delete!(id, outs as SupabaseProjectOutputs)).rejects.toThrow(/deletionProtection on/);
    expect(projects.has(id)).toBe(true);
    await supabaseProjectProvider.delete!(id, { ...(outs as SupabaseProjectOutputs), deletionProtection: false });
    expect(projects.has(id)).toBe(false);
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/projects/${id}` });
  });

  it('still works after Pulumi serialises the provider, as the engine runs it', async () => {
    const projects = new Map<string, FakeProject>();
    api = await startFakeApi(supabaseRoute(projects));
    const serialized = await pulumi.runtime.serializeFunction(() => supabaseProjectProvider, { isFactoryFunction: true });
    expect(serialized.text).not.toContain(TOKEN);
    const dir = await mkdtemp(join(tmpdir(), 'byos-serialized-'));
    try {
      const file = join(dir, 'provider.cjs');
      await writeFile(file, serialized.text);
      // A factory function serialises to a module whose export is the factory's result: the provider itself.
      const module = createRequire(import.meta.url)(file) as Record<string, typeof supabaseProjectProvider>;
      const provider = module[serialized.exportName]!;
      const result = await provider.create(inputs(api.url));
      expect(projects.get(result.id)).toMatchObject({ ssl: true, status: 'ACTIVE_HEALTHY' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
