import { describe, expect, it } from 'vitest';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { ProviderCapabilityError, ResidencyError } from '../../pulumi/providers/errors.ts';
import { gcpBackupLocationAllowed } from '../../pulumi/providers/residency.ts';
import { parseConnectionProfile } from '@byos/runtime';
import { one, ofType } from './helpers.ts';

const euTenant = {
  tenant: 'delta-eu',
  provider: 'gcp',
  region: 'europe-west1',
  residency: 'EU',
  compliance: ['gdpr', 'soc2'],
  encryption: { customerManagedKey: true },
  backup: { retentionDays: 30, pointInTimeRecovery: true },
  network: { publicAccess: false, allowedCidrs: [] },
};

type Settings = {
  backupConfiguration: Record<string, any>;
  ipConfiguration: Record<string, any>;
  databaseFlags: { name: string; value: string }[];
  userLabels: Record<string, string>;
  deletionProtectionEnabled: boolean;
};

describe('gcp provider under mocks', () => {
  it('declares a Cloud SQL instance in the region: encrypted connections only, private IP, CMEK, deletion protection', async () => {
    const run = await runTenantUnderMocks(euTenant);
    const instance = one(run, 'gcp:sql/databaseInstance:DatabaseInstance').inputs as Record<string, any>;
    const keyId = 'projects/byos-offline/locations/europe-west1/keyRings/byos-delta-eu/cryptoKeys/byos-delta-eu-sql';
    expect(instance).toMatchObject({
      name: 'byos-delta-eu',
      region: 'europe-west1',
      databaseVersion: 'POSTGRES_16',
      deletionProtection: true,
      encryptionKeyName: keyId,
    });
    const settings = instance.settings as Settings;
    expect(settings.deletionProtectionEnabled).toBe(true);
    expect(settings.ipConfiguration).toMatchObject({
      sslMode: 'ENCRYPTED_ONLY',
      ipv4Enabled: false,
      authorizedNetworks: [],
      privateNetwork: 'projects/byos-offline/global/networks/byos-delta-eu',
    });
    expect(settings.userLabels).toEqual(tenantTags(run.spec));
    expect(settings.databaseFlags).toEqual(
      expect.arrayContaining([
        { name: 'log_connections', value: 'on' },
        { name: 'cloudsql.enable_pgaudit', value: 'on' },
      ]),
    );
  });

  it('keeps daily backups and PITR logs, stored in the instance region rather than a multi-region', async () => {
    const run = await runTenantUnderMocks(euTenant);
    const backup = (one(run, 'gcp:sql/databaseInstance:DatabaseInstance').inputs.settings as Settings).backupConfiguration;
    expect(backup).toMatchObject({
      enabled: true,
      pointInTimeRecoveryEnabled: true,
      location: 'europe-west1',
      transactionLogRetentionDays: 7,
      backupRetentionSettings: { retainedBackups: 30, retentionUnit: 'COUNT' },
    });
    expect(gcpBackupLocationAllowed(backup.location, 'EU')).toBe(true);
  });

  it('grants the Cloud SQL service agent the key and rotates it every 90 days', async () => {
    const run = await runTenantUnderMocks(euTenant);
    expect(one(run, 'gcp:kms/keyRing:KeyRing').inputs).toMatchObject({ location: 'europe-west1' });
    expect(one(run, 'gcp:kms/cryptoKey:CryptoKey').inputs).toMatchObject({
      rotationPeriod: '7776000s',
      purpose: 'ENCRYPT_DECRYPT',
      labels: tenantTags(run.spec),
    });
    expect(one(run, 'gcp:projects/serviceIdentity:ServiceIdentity').inputs).toMatchObject({ service: 'sqladmin.googleapis.com' });
    expect(one(run, 'gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember').inputs).toMatchObject({
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: 'serviceAccount:service-123456789012@gcp-sa-cloud-sql.iam.gserviceaccount.com',
    });
  });

  it('peers a new VPC for private IP, or uses the configured network', async () => {
    const created = await runTenantUnderMocks(euTenant);
    expect(one(created, 'gcp:servicenetworking/connection:Connection').inputs).toMatchObject({
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: ['byos-delta-eu-sql'],
    });
    const existing = await runTenantUnderMocks(euTenant, { config: { 'byos:gcpNetwork': 'projects/shared/global/networks/apps' } });
    expect(ofType(existing, 'gcp:compute/network:Network')).toHaveLength(0);
    const ip = (one(existing, 'gcp:sql/databaseInstance:DatabaseInstance').inputs.settings as Settings).ipConfiguration;
    expect(ip.privateNetwork).toBe('projects/shared/global/networks/apps');
  });

  it('enables the public IP only for an allow-list, with exactly those networks', async () => {
    const run = await runTenantUnderMocks({ ...euTenant, network: { publicAccess: true, allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32'] } });
    const ip = (one(run, 'gcp:sql/databaseInstance:DatabaseInstance').inputs.settings as Settings).ipConfiguration;
    expect(ip.ipv4Enabled).toBe(true);
    expect(ip.authorizedNetworks).toEqual([
      { name: 'byos-allow-0', value: '203.0.113.0/24' },
      { name: 'byos-allow-1', value: '198.51.100.7/32' },
    ]);
    expect(run.profile.host).toBe('192.0.2.10');
  });

  it('turns backups off only when the spec keeps none, and honours PITR off', async () => {
    const none = await runTenantUnderMocks({ ...euTenant, backup: { retentionDays: 0, pointInTimeRecovery: true } });
    expect((one(none, 'gcp:sql/databaseInstance:DatabaseInstance').inputs.settings as Settings).backupConfiguration).toMatchObject({
      enabled: false,
      pointInTimeRecoveryEnabled: false,
    });
    const noPitr = await runTenantUnderMocks({ ...euTenant, backup: { retentionDays: 3, pointInTimeRecovery: false } });
    expect((one(noPitr, 'gcp:sql/databaseInstance:DatabaseInstance').inputs.settings as Settings).backupConfiguration).toMatchObject({
      enabled: true,
      pointInTimeRecoveryEnabled: false,
      transactionLogRetentionDays: 3,
    });
  });

  it('uses Google-managed encryption without a customer key', async () => {
    const run = await runTenantUnderMocks({ ...euTenant, encryption: { customerManagedKey: false } });
    expect(ofType(run, 'gcp:kms/cryptoKey:CryptoKey')).toHaveLength(0);
    expect(one(run, 'gcp:sql/databaseInstance:DatabaseInstance').inputs.encryptionKeyName).toBeUndefined();
  });

  it('outputs a secret profile verified against the instance CA', async () => {
    const run = await runTenantUnderMocks(euTenant);
    expect(run.secretOutputs).toContain('profile');
    expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
    expect(run.profile).toMatchObject({
      provider: 'gcp',
      host: '10.64.0.3',
      database: 'delta_eu',
      user: 'byos_admin',
      tls: { mode: 'verify-ca', minVersion: 'TLSv1.2' },
    });
    expect(run.profile.tls?.ca).toContain('BEGIN CERTIFICATE');
    const user = one(run, 'gcp:sql/user:User');
    expect(user.secretPaths).toContain('password');
    expect(run.profile.password).toBe(user.inputs.password);
  });

  it('refuses a US region for an EU tenant and retention beyond 365 backups', async () => {
    expect(await runTenantUnderMocks({ ...euTenant, region: 'us-central1' }).catch((e: unknown) => e)).toBeInstanceOf(ResidencyError);
    const error = await runTenantUnderMocks({ ...euTenant, backup: { retentionDays: 400 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCapabilityError);
    expect((error as Error).message).toMatch(/backup\.retentionDays/);
  });
});
