import { z } from 'zod';
import { defineProvider, secretSetting, textSetting } from '../descriptor.ts';
import { str } from './offline-values.ts';

/** Neon (Pulumi resources: pulumi/providers/neon.ts, through the Neon API). */
export const neon = defineProvider({
  name: 'neon',
  traits: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.neon.tech'] },
  customerManagedKey: false,
  kitNotes: [
    'Neon: TLS is required and the certificate is issued by a public CA, so the system trust store verifies it.',
    'Use the pooled host (…-pooler…) with pooler.mode = "transaction" for serverless functions.',
  ],
  // Neon "Regions".
  regions: {
    SG: ['aws-ap-southeast-1'],
    EU: ['aws-eu-central-1', 'azure-gwc'],
    UK: ['aws-eu-west-2'],
    US: ['aws-us-east-1', 'aws-us-east-2', 'aws-us-west-2', 'azure-eastus2', 'azure-westus3'],
    AU: ['aws-ap-southeast-2'],
    BR: ['aws-sa-east-1'],
  },
  settings: z.object({
    /** API key (`byos:neonApiKey`, secret). */
    neonApiKey: secretSetting(),
    /** Organisation id (`byos:neonOrgId`); required with an organisation API key. */
    neonOrgId: textSetting(),
    /** API base URL (`byos:neonApiUrl`), default https://console.neon.tech/api/v2. */
    neonApiUrl: textSetting(),
  }),
  offline: {
    resources: {
      'pulumi-nodejs:dynamic/neon:Project': (_name, inputs) => {
        const regionId = str(inputs.regionId, 'aws-us-east-2');
        const proxy = `${regionId.replace(/^(aws|azure)-/, '')}.${regionId.split('-')[0]}.neon.tech`;
        return {
          id: 'mock-project-00000000',
          outputs: {
            projectId: 'mock-project-00000000',
            branchId: 'br-mock-00000000',
            endpointId: 'ep-mock-00000000',
            host: `ep-mock-00000000.${proxy}`,
            password: 'npg_MockNeonPassword0',
          },
        };
      },
    },
    config: { neonApiKey: 'neon_offline_placeholder_key' },
  },
});
