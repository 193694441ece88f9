import { z } from 'zod';
import { defineProvider, textSetting } from '../descriptor.ts';
import { MOCK_ACCOUNT, MOCK_GCP_PROJECT, regionOf, str } from './offline-values.ts';

/** Google Cloud SQL for PostgreSQL (Pulumi resources: pulumi/providers/gcp.ts). */
export const gcp = defineProvider({
  name: 'gcp',
  // Cloud SQL is reached by IP address: no host name identifies it.
  traits: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: [] },
  customerManagedKey: true,
  kitNotes: [
    'Google Cloud SQL: sslMode ENCRYPTED_ONLY. The server certificate names the instance, not the IP address,',
    'so connect by IP with tls.mode verify-ca and the instance CA (gcloud sql instances describe … serverCaCert).',
  ],
  // Google Cloud "Cloud locations".
  regions: {
    SG: ['asia-southeast1'],
    EU: [
      'europe-west1',
      'europe-west3',
      'europe-west4',
      'europe-west8',
      'europe-west9',
      'europe-west10',
      'europe-west12',
      'europe-north1',
      'europe-north2',
      'europe-central2',
      'europe-southwest1',
    ],
    UK: ['europe-west2'],
    US: ['us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4'],
    AU: ['australia-southeast1', 'australia-southeast2'],
    JP: ['asia-northeast1', 'asia-northeast2'],
    IN: ['asia-south1', 'asia-south2'],
    CA: ['northamerica-northeast1', 'northamerica-northeast2'],
    KR: ['asia-northeast3'],
    BR: ['southamerica-east1'],
    CH: ['europe-west6'],
    HK: ['asia-east2'],
    ID: ['asia-southeast2'],
  },
  settings: z.object({
    /** Project to create resources in (`byos:gcpProject`); absent means the provider's `gcp:project`. */
    gcpProject: textSetting(),
    /**
     * Self link of a VPC that already has private services access (`byos:gcpNetwork`). Absent means the program
     * creates a VPC, a /16 range and the service networking peering Cloud SQL's private IP needs.
     */
    gcpNetwork: textSetting(),
  }),
  offline: {
    resources: {
      'gcp:kms/keyRing:KeyRing': (name, inputs) => ({
        id: `projects/${str(inputs.project, MOCK_GCP_PROJECT)}/locations/${regionOf(inputs)}/keyRings/${str(inputs.name, name)}`,
        outputs: {},
      }),
      'gcp:kms/cryptoKey:CryptoKey': (name, inputs) => ({ id: `${str(inputs.keyRing, 'keyring')}/cryptoKeys/${str(inputs.name, name)}`, outputs: {} }),
      'gcp:projects/serviceIdentity:ServiceIdentity': (name) => ({
        id: `${name}-id`,
        outputs: {
          email: `service-${MOCK_ACCOUNT}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
          member: `serviceAccount:service-${MOCK_ACCOUNT}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        },
      }),
      'gcp:compute/network:Network': (name, inputs) => ({
        id: `projects/${MOCK_GCP_PROJECT}/global/networks/${str(inputs.name, name)}`,
        outputs: { selfLink: `https://www.googleapis.com/compute/v1/projects/${MOCK_GCP_PROJECT}/global/networks/${str(inputs.name, name)}` },
      }),
      'gcp:sql/databaseInstance:DatabaseInstance': (name, inputs) => ({
        id: str(inputs.name, name),
        outputs: {
          connectionName: `${MOCK_GCP_PROJECT}:${regionOf(inputs)}:${str(inputs.name, name)}`,
          privateIpAddress: '10.64.0.3',
          publicIpAddress: '192.0.2.10',
          serverCaCerts: [{ cert: '-----BEGIN CERTIFICATE-----\nMOCKCLOUDSQLCA\n-----END CERTIFICATE-----\n' }],
        },
      }),
    },
  },
});
