import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { OAuth2Client } from 'google-auth-library';
import { createFieldEncryption, openKeyProvider } from '../../../src/guard/crypto/index.ts';
import { azureKeyVaultProvider } from '../../../src/guard/keys/azure-key-vault.ts';
import { gcpKmsProvider } from '../../../src/guard/keys/gcp-kms.ts';
import { freshTenantDb } from '../../../../test/helpers/databases.ts';
import { fakeSealer, startFakeKms } from '../../../../test/guard/crypto/fake-kms.ts';
import { createCustomers, customersRule } from '../../../../test/guard/crypto/helpers.ts';

const canonicalContext = (context: Record<string, string> | undefined) => JSON.stringify(Object.entries(context ?? {}).sort());

describe('AWS KMS key provider (SDK against a local fake of the KMS JSON API)', async () => {
  const sealer = fakeSealer();
  const keyArn = 'arn:aws:kms:ap-southeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const kms = await startFakeKms((request) => {
    const target = request.headers['x-amz-target'];
    const { KeyId, EncryptionContext } = request.body;
    if (KeyId !== keyArn) return { status: 400, body: { __type: 'NotFoundException', message: `Key '${KeyId}' does not exist` } };
    if (target === 'TrentService.Encrypt') {
      const blob = sealer.seal(Buffer.from(request.body.Plaintext, 'base64'), canonicalContext(EncryptionContext));
      return { status: 200, body: { CiphertextBlob: blob.toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } };
    }
    if (target === 'TrentService.Decrypt') {
      const plain = sealer.open(Buffer.from(request.body.CiphertextBlob, 'base64'), canonicalContext(EncryptionContext));
      return { status: 200, body: { Plaintext: plain.toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } };
    }
    return { status: 400, body: { __type: 'UnknownOperationException' } };
  }, 'application/x-amz-json-1.1');
  afterAll(() => kms.close());
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-the-local-kms';

  it('wraps a data key with Encrypt (tenant and key id as encryption context) and unwraps it with Decrypt', async () => {
    const provider = await openKeyProvider({ type: 'aws-kms', keyId: keyArn, region: 'ap-southeast-1', endpoint: kms.url });
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, { tenant: 'acme', keyId: 'dk_1' });
    expect(Buffer.from(wrapped, 'base64').includes(dek)).toBe(false);
    expect(await provider.unwrap(wrapped, { tenant: 'acme', keyId: 'dk_1' })).toEqual(dek);
    const encrypt = kms.requests.find((r) => r.headers['x-amz-target'] === 'TrentService.Encrypt')!;
    expect(encrypt.body.EncryptionContext).toEqual({ 'byos:tenant': 'acme', 'byos:key': 'dk_1' });
    expect(String(encrypt.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\/\d{8}\/ap-southeast-1\/kms\/aws4_request/);
    // The context is part of the wrap: another tenant's context does not unwrap it.
    await expect(provider.unwrap(wrapped, { tenant: 'globex', keyId: 'dk_1' })).rejects.toThrow(/AWS KMS Decrypt of data key dk_1 \(tenant globex/);
  });

  it('serves field encryption end to end', async () => {
    const tenant = await freshTenantDb('sqlite', 'aws');
    await createCustomers(tenant.db);
    const fe = await createFieldEncryption(tenant.db, {
      config: { tenant: 'acme', keyProvider: { type: 'aws-kms', keyId: keyArn, region: 'ap-southeast-1', endpoint: kms.url }, tables: [customersRule()] },
    });
    const id = randomUUID();
    await fe.db.insertInto('customers').values({ id, name: 'Ann', email: 'ann@example.com', ssn: '1', score: 2 }).execute();
    expect(await fe.db.selectFrom('customers').select(['id', 'email']).executeTakeFirst()).toEqual({ id, email: 'ann@example.com' });
    const keys = await tenant.db.selectFrom('byos_keys').select(['provider', 'kek_id']).execute();
    expect(keys).toEqual([
      { provider: 'aws-kms', kek_id: keyArn },
      { provider: 'aws-kms', kek_id: keyArn },
    ]);
  });
});

describe('Azure Key Vault key provider (SDK against a local fake of the Key Vault REST API)', async () => {
  const sealer = fakeSealer();
  const kms = await startFakeKms((request) => {
    // Key Vault's challenge: the first request goes unauthenticated and learns where to get a token.
    if (!request.headers.authorization) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/tenant-id", resource="https://vault.azure.net"' },
      };
    }
    if (request.headers.authorization !== 'Bearer fake-entra-token') return { status: 401, body: { error: { code: 'Unauthorized', message: 'bad token' } } };
    // No "get" permission: the SDK falls back from local to remote wrapping, as with a wrap/unwrap-only role.
    if (request.method === 'GET') return { status: 403, body: { error: { code: 'Forbidden', message: 'The user does not have keys get permission' } } };
    const op = /\/keys\/byos-acme\/v1\/(wrapkey|unwrapkey)\?/.exec(request.path)?.[1];
    const value = Buffer.from(request.body.value, 'base64url');
    if (op === 'wrapkey')
      return { status: 200, body: { kid: `${kms.url}/keys/byos-acme/v1`, value: sealer.seal(value, request.body.alg).toString('base64url') } };
    if (op === 'unwrapkey')
      return { status: 200, body: { kid: `${kms.url}/keys/byos-acme/v1`, value: sealer.open(value, request.body.alg).toString('base64url') } };
    return { status: 404, body: { error: { code: 'NotFound', message: request.path } } };
  });
  afterAll(() => kms.close());
  const credential = { getToken: async () => ({ token: 'fake-entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

  it('wraps with wrapKey and unwraps with unwrapKey (RSA-OAEP-256) after the challenge handshake', async () => {
    const provider = await azureKeyVaultProvider({
      keyUrl: `${kms.url}/keys/byos-acme/v1`,
      credential,
      // The fake is plain HTTP on 127.0.0.1, not *.vault.azure.net.
      clientOptions: { disableChallengeResourceVerification: true, allowInsecureConnection: true },
    });
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, { tenant: 'acme', keyId: 'dk_1' });
    expect(await provider.unwrap(wrapped, { tenant: 'acme', keyId: 'dk_1' })).toEqual(dek);
    const wrap = kms.requests.find((r) => r.path.includes('/wrapkey'))!;
    expect(wrap.body.alg).toBe('RSA-OAEP-256');
    expect(wrap.path).toMatch(/api%2Dversion=|api-version=/);
    await expect(provider.unwrap(Buffer.from('garbage').toString('base64'), { tenant: 'acme', keyId: 'dk_2' })).rejects.toThrow(
      /Azure Key Vault unwrapKey of data key dk_2/,
    );

    const tenant = await freshTenantDb('sqlite', 'azure');
    await createCustomers(tenant.db);
    const fe = await createFieldEncryption(tenant.db, { config: { tenant: 'acme', tables: [customersRule()] }, provider });
    const id = randomUUID();
    await fe.db.insertInto('customers').values({ id, name: 'Ann', email: 'ann@example.com', ssn: '1', score: 2 }).execute();
    const again = await createFieldEncryption(tenant.db, { config: { tenant: 'acme', tables: [customersRule()] }, provider });
    expect(await again.db.selectFrom('customers').select(['id', 'ssn']).executeTakeFirst()).toEqual({ id, ssn: '1' });
  });
});

describe('Google Cloud KMS key provider (SDK over HTTP/JSON against a local fake of the Cloud KMS REST API)', async () => {
  const sealer = fakeSealer();
  const keyName = 'projects/acme-prod/locations/asia-southeast1/keyRings/byos/cryptoKeys/acme';
  const kms = await startFakeKms((request) => {
    if (request.headers.authorization !== 'Bearer fake-google-token')
      return { status: 401, body: { error: { code: 401, message: 'unauthenticated', status: 'UNAUTHENTICATED' } } };
    const match = /^\/v1\/(.+):(encrypt|decrypt)(\?|$)/.exec(request.path);
    if (!match || match[1] !== keyName) return { status: 404, body: { error: { code: 404, message: `not found: ${request.path}`, status: 'NOT_FOUND' } } };
    const aad = Buffer.from(request.body.additionalAuthenticatedData ?? '', 'base64').toString('utf8');
    if (match[2] === 'encrypt')
      return { status: 200, body: { name: keyName, ciphertext: sealer.seal(Buffer.from(request.body.plaintext, 'base64'), aad).toString('base64') } };
    return { status: 200, body: { plaintext: sealer.open(Buffer.from(request.body.ciphertext, 'base64'), aad).toString('base64') } };
  });
  afterAll(() => kms.close());
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'fake-google-token', expiry_date: Date.now() + 3_600_000 });

  it('wraps with encrypt and unwraps with decrypt, tenant and key id as additional authenticated data', async () => {
    const provider = await gcpKmsProvider({
      keyName,
      apiEndpoint: '127.0.0.1',
      clientOptions: { port: kms.port, protocol: 'http', fallback: true, authClient },
    });
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, { tenant: 'acme', keyId: 'dk_1' });
    expect(await provider.unwrap(wrapped, { tenant: 'acme', keyId: 'dk_1' })).toEqual(dek);
    const encrypt = kms.requests.find((r) => r.path.includes(':encrypt'))!;
    expect(JSON.parse(Buffer.from(encrypt.body.additionalAuthenticatedData, 'base64').toString('utf8'))).toEqual(['byos-dek:v1', 'acme', 'dk_1']);
    await expect(provider.unwrap(wrapped, { tenant: 'globex', keyId: 'dk_1' })).rejects.toThrow(/Cloud KMS decrypt of data key dk_1 \(tenant globex/);
  });
});
