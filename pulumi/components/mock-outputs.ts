/**
 * Offline answers for Pulumi's mock runtime: the outputs a cloud would compute (host names, ARNs, key URIs) and
 * the data-source invokes the provider modules call. Values are obviously fake (account 123456789012, `mock` in
 * every host) so nothing produced offline can be mistaken for a real endpoint.
 */

export const MOCK_ACCOUNT = '123456789012';
export const MOCK_GCP_PROJECT = 'byos-offline';
export const MOCK_AZURE_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const MOCK_AZURE_TENANT = '11111111-1111-1111-1111-111111111111';
export const MOCK_AZURE_OBJECT = '22222222-2222-2222-2222-222222222222';

type Inputs = Record<string, any>;

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/** Outputs a resource of `type` would have after creation, beyond its inputs; plus its id. */
export function mockResourceOutputs(type: string, name: string, inputs: Inputs): { id: string; outputs: Inputs } {
  const region = str(inputs.region ?? inputs.location, 'mock-region');
  const azureId = (kind: string, resourceName: string) =>
    `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/${str(inputs.resourceGroupName, 'rg')}/providers/${kind}/${resourceName}`;

  switch (type) {
    case 'aws:kms/key:Key':
      return { id: `${name}-id`, outputs: { keyId: `${name}-id`, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT}:key/${name}-id` } };
    case 'aws:rds/instance:Instance': {
      const address = `${str(inputs.identifier, name)}.cmock0000000.${region}.rds.amazonaws.com`;
      return { id: str(inputs.identifier, name), outputs: { address, endpoint: `${address}:5432`, arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT}:db:${name}` } };
    }
    case 'aws:rds/cluster:Cluster': {
      const id = str(inputs.clusterIdentifier, name);
      return {
        id,
        outputs: {
          endpoint: `${id}.cluster-cmock0000000.${region}.rds.amazonaws.com`,
          readerEndpoint: `${id}.cluster-ro-cmock0000000.${region}.rds.amazonaws.com`,
          arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT}:cluster:${id}`,
        },
      };
    }
    case 'azure-native:resources:ResourceGroup':
      return { id: `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/${str(inputs.resourceGroupName, name)}`, outputs: { name: str(inputs.resourceGroupName, name) } };
    case 'azure-native:sql:Server':
      return {
        id: azureId('Microsoft.Sql/servers', str(inputs.serverName, name)),
        outputs: { name: str(inputs.serverName, name), fullyQualifiedDomainName: `${str(inputs.serverName, name)}.database.windows.net` },
      };
    case 'azure-native:sql:Database':
      return { id: azureId('Microsoft.Sql/servers/databases', str(inputs.databaseName, name)), outputs: { name: str(inputs.databaseName, name) } };
    case 'azure-native:dbforpostgresql:Server':
      return {
        id: azureId('Microsoft.DBforPostgreSQL/flexibleServers', str(inputs.serverName, name)),
        outputs: { name: str(inputs.serverName, name), fullyQualifiedDomainName: `${str(inputs.serverName, name)}.postgres.database.azure.com` },
      };
    case 'azure-native:keyvault:Vault': {
      const vault = str(inputs.vaultName, name);
      return { id: azureId('Microsoft.KeyVault/vaults', vault), outputs: { name: vault, properties: { ...inputs.properties, vaultUri: `https://${vault}.vault.azure.net/` } } };
    }
    case 'azure-native:keyvault:Key': {
      const keyUri = `https://${str(inputs.vaultName, 'vault')}.vault.azure.net/keys/${str(inputs.keyName, name)}`;
      return { id: azureId('Microsoft.KeyVault/vaults/keys', str(inputs.keyName, name)), outputs: { name: str(inputs.keyName, name), keyUri, keyUriWithVersion: `${keyUri}/0123456789abcdef0123456789abcdef` } };
    }
    case 'azure-native:sql:ServerKey':
      return { id: azureId('Microsoft.Sql/servers/keys', str(inputs.keyName, name)), outputs: { name: str(inputs.keyName, name) } };
    case 'azure-native:managedidentity:UserAssignedIdentity':
      return {
        id: azureId('Microsoft.ManagedIdentity/userAssignedIdentities', str(inputs.resourceName, name)),
        outputs: { principalId: '33333333-3333-3333-3333-333333333333', clientId: '44444444-4444-4444-4444-444444444444', tenantId: MOCK_AZURE_TENANT },
      };
    case 'azure-native:operationalinsights:Workspace':
      return { id: azureId('Microsoft.OperationalInsights/workspaces', str(inputs.workspaceName, name)), outputs: { customerId: '55555555-5555-5555-5555-555555555555' } };
    case 'gcp:kms/keyRing:KeyRing':
      return { id: `projects/${str(inputs.project, MOCK_GCP_PROJECT)}/locations/${region}/keyRings/${str(inputs.name, name)}`, outputs: {} };
    case 'gcp:kms/cryptoKey:CryptoKey':
      return { id: `${str(inputs.keyRing, 'keyring')}/cryptoKeys/${str(inputs.name, name)}`, outputs: {} };
    case 'gcp:projects/serviceIdentity:ServiceIdentity':
      return { id: `${name}-id`, outputs: { email: `service-${MOCK_ACCOUNT}@gcp-sa-cloud-sql.iam.gserviceaccount.com`, member: `serviceAccount:service-${MOCK_ACCOUNT}@gcp-sa-cloud-sql.iam.gserviceaccount.com` } };
    case 'gcp:compute/network:Network':
      return { id: `projects/${MOCK_GCP_PROJECT}/global/networks/${str(inputs.name, name)}`, outputs: { selfLink: `https://www.googleapis.com/compute/v1/projects/${MOCK_GCP_PROJECT}/global/networks/${str(inputs.name, name)}` } };
    case 'gcp:sql/databaseInstance:DatabaseInstance':
      return {
        id: str(inputs.name, name),
        outputs: {
          connectionName: `${MOCK_GCP_PROJECT}:${region}:${str(inputs.name, name)}`,
          privateIpAddress: '10.64.0.3',
          publicIpAddress: '192.0.2.10',
          serverCaCerts: [{ cert: '-----BEGIN CERTIFICATE-----\nMOCKCLOUDSQLCA\n-----END CERTIFICATE-----\n' }],
        },
      };
    case 'random:index/randomPassword:RandomPassword':
      return { id: `${name}-id`, outputs: { result: `Mock-${name}-Pw-0123456789`, bcryptHash: '$2a$10$mock' } };
    case 'pulumi-nodejs:dynamic/supabase:Project':
      return { id: 'mockprojectrefabcdef', outputs: { ref: 'mockprojectrefabcdef', host: 'db.mockprojectrefabcdef.supabase.co', status: 'ACTIVE_HEALTHY' } };
    case 'pulumi-nodejs:dynamic/neon:Project': {
      const regionId = str(inputs.regionId, 'aws-us-east-2');
      const proxy = `${regionId.replace(/^(aws|azure)-/, '')}.${regionId.split('-')[0]}.neon.tech`;
      return {
        id: 'mock-project-00000000',
        outputs: { projectId: 'mock-project-00000000', branchId: 'br-mock-00000000', endpointId: 'ep-mock-00000000', host: `ep-mock-00000000.${proxy}`, password: 'npg_MockNeonPassword0' },
      };
    }
    default:
      return { id: `${name}-id`, outputs: {} };
  }
}

/**
 * Answers for the data-source invokes the provider modules make. An invoke without an answer throws, so a new
 * lookup added to a provider module cannot silently return nothing offline.
 */
export function mockInvoke(token: string, inputs: Inputs): Inputs {
  switch (token) {
    case 'aws:ec2/getVpc:getVpc':
      return { id: str(inputs.id, 'vpc-0mock0000000000'), cidrBlock: '10.0.0.0/16', default: inputs.default === true, region: inputs.region };
    case 'aws:ec2/getSubnets:getSubnets':
      return { id: 'subnets', ids: ['subnet-0mock00000000000a', 'subnet-0mock00000000000b'], region: inputs.region };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return { id: MOCK_ACCOUNT, accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/offline`, userId: 'AIDAOFFLINE' };
    case 'azure-native:authorization:getClientConfig':
      return { clientId: '66666666-6666-6666-6666-666666666666', objectId: MOCK_AZURE_OBJECT, subscriptionId: MOCK_AZURE_SUBSCRIPTION, tenantId: MOCK_AZURE_TENANT };
    default:
      throw new Error(`no offline answer for invoke ${token}; add one to components/mock-outputs.ts`);
  }
}
