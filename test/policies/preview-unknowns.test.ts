import { createRequire } from 'node:module';
import { UnknownValueError, unknownCheckingProxy } from '@pulumi/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedResource, TenantMockRun } from '../../pulumi/components/mock-run.ts';
import { runStackUnderMocks } from '../../pulumi/components/stack-file.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { validateWith } from '../../policies/offline.ts';
import * as R from '../../policies/rules/index.ts';

/**
 * During `pulumi preview` the engine hands a policy its inputs behind @pulumi/policy's unknown-checking proxy: reading
 * a value that depends on a resource not yet created (a new key's ARN) throws UnknownValueError, which would skip
 * the whole rule for that resource. The rules read through that proxy so every other check still runs.
 */
// The wire value the engine sends for an unknown string (Pulumi's RPC sentinel, as @pulumi/policy deserialises it).
const UNKNOWN_STRING: string = createRequire(import.meta.url)('@pulumi/policy/proxy.js').unknownStringValue;

let aws: TenantMockRun;
let gcp: TenantMockRun;
beforeAll(async () => {
  aws = await runStackUnderMocks('stacks/Pulumi.acme-sg.yaml');
  gcp = await runStackUnderMocks('stacks/Pulumi.beta-eu.yaml');
});

/** The component's resource as the engine would show it in preview: `unknown` fields unknown, `tweak` applied. */
function inPreview(run: TenantMockRun, type: string, unknown: string[], tweak: (p: Record<string, any>) => void = () => {}) {
  const resource = run.resources.find((r) => r.type === type) as RecordedResource;
  const inputs = structuredClone(resource.inputs) as Record<string, any>;
  for (const field of unknown) inputs[field] = UNKNOWN_STRING;
  tweak(inputs);
  return { resource: { ...resource, inputs: unknownCheckingProxy(inputs) }, stackTags: new Map(Object.entries(tenantTags(run.spec))) };
}

describe('rules in preview, with unknown inputs', () => {
  it('uses the engine proxy: reading an unknown field throws', () => {
    expect(UNKNOWN_STRING).toMatch(/^[0-9a-f-]{36}$/);
    const { resource } = inPreview(aws, 'aws:rds/instance:Instance', ['kmsKeyId']);
    expect(() => (resource.inputs as Record<string, unknown>).kmsKeyId).toThrow(UnknownValueError);
  });

  it('counts an unknown key ARN as set and still judges the rest of the instance', async () => {
    const compliant = inPreview(aws, 'aws:rds/instance:Instance', ['kmsKeyId', 'performanceInsightsKmsKeyId']);
    expect(await validateWith(R.encryptionAtRest, compliant.resource, compliant.stackTags)).toEqual([]);
    const unencrypted = inPreview(aws, 'aws:rds/instance:Instance', ['kmsKeyId', 'performanceInsightsKmsKeyId'], (p) => (p.storageEncrypted = false));
    expect(await validateWith(R.encryptionAtRest, unencrypted.resource, unencrypted.stackTags)).toEqual([
      'storageEncrypted must be true (RDS storage and snapshots unencrypted)',
    ]);
    const open = inPreview(aws, 'aws:rds/instance:Instance', ['kmsKeyId', 'vpcSecurityGroupIds'], (p) => (p.deletionProtection = false));
    expect(await validateWith(R.deletionProtection, open.resource, open.stackTags)).toEqual(['deletionProtection must be true']);
  });

  it('drops a verdict on an unknown value instead of guessing, and keeps the known ones', async () => {
    const ring = inPreview(gcp, 'gcp:kms/cryptoKey:CryptoKey', ['keyRing']);
    expect(await validateWith(R.residency, ring.resource, ring.stackTags)).toEqual([]);
    const instance = inPreview(gcp, 'gcp:sql/databaseInstance:DatabaseInstance', ['encryptionKeyName'], (p) => {
      p.settings.ipConfiguration.sslMode = UNKNOWN_STRING;
      p.settings.backupConfiguration.location = 'us';
    });
    expect(await validateWith(R.tlsEnforced, instance.resource, instance.stackTags)).toEqual([]);
    expect(await validateWith(R.encryptionAtRest, instance.resource, instance.stackTags)).toEqual([]);
    expect((await validateWith(R.residency, instance.resource, instance.stackTags)).join('\n')).toMatch(/backups are stored in us/);
  });
});
