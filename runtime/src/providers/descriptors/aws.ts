import { z } from 'zod';
import { defineProvider, jsonSetting, textSetting } from '../descriptor.ts';
import { MOCK_ACCOUNT, regionOf, str } from './offline-values.ts';

const SUBNET_IDS = 'must be a list of subnet ids, e.g. ["subnet-0a1b", "subnet-0c2d"]';

/** Amazon RDS for PostgreSQL and Aurora PostgreSQL (Pulumi resources: pulumi/providers/aws.ts). */
export const aws = defineProvider({
  name: 'aws',
  traits: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.rds.amazonaws.com'] },
  customerManagedKey: true,
  kitNotes: [
    'Amazon RDS / Aurora PostgreSQL: the parameter group sets rds.force_ssl=1, so TLS is mandatory.',
    'CA bundle: https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem (save it and set BYOS_DB_CA_FILE).',
    'IAM authentication is enabled; a password from the stack output works as well.',
  ],
  // AWS "Regions and Availability Zones".
  regions: {
    SG: ['ap-southeast-1'],
    EU: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2'],
    UK: ['eu-west-2'],
    US: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'us-gov-east-1', 'us-gov-west-1'],
    AU: ['ap-southeast-2', 'ap-southeast-4'],
    JP: ['ap-northeast-1', 'ap-northeast-3'],
    IN: ['ap-south-1', 'ap-south-2'],
    CA: ['ca-central-1', 'ca-west-1'],
    KR: ['ap-northeast-2'],
    BR: ['sa-east-1'],
    CH: ['eu-central-2'],
    HK: ['ap-east-1'],
    ID: ['ap-southeast-3'],
  },
  settings: z.object({
    /**
     * VPC to place the instance in (`byos:awsVpcId`). With `awsSubnetIds`; both absent means the account's default
     * VPC and its subnets. The security group admits the VPC's CIDR block when the spec lists no CIDRs.
     */
    awsVpcId: textSetting(),
    /** At least two subnets in different Availability Zones for the DB subnet group (`byos:awsSubnetIds`). */
    awsSubnetIds: jsonSetting(z.array(z.string({ error: SUBNET_IDS }).min(1, { error: SUBNET_IDS }), { error: SUBNET_IDS })),
  }),
  offline: {
    resources: {
      'aws:kms/key:Key': (name, inputs) => ({
        id: `${name}-id`,
        outputs: { keyId: `${name}-id`, arn: `arn:aws:kms:${regionOf(inputs)}:${MOCK_ACCOUNT}:key/${name}-id` },
      }),
      'aws:rds/instance:Instance': (name, inputs) => {
        const region = regionOf(inputs);
        const address = `${str(inputs.identifier, name)}.cmock0000000.${region}.rds.amazonaws.com`;
        return { id: str(inputs.identifier, name), outputs: { address, endpoint: `${address}:5432`, arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT}:db:${name}` } };
      },
      'aws:rds/cluster:Cluster': (name, inputs) => {
        const region = regionOf(inputs);
        const id = str(inputs.clusterIdentifier, name);
        return {
          id,
          outputs: {
            endpoint: `${id}.cluster-cmock0000000.${region}.rds.amazonaws.com`,
            readerEndpoint: `${id}.cluster-ro-cmock0000000.${region}.rds.amazonaws.com`,
            arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT}:cluster:${id}`,
          },
        };
      },
    },
    invokes: {
      'aws:ec2/getVpc:getVpc': (inputs) => ({
        id: str(inputs.id, 'vpc-0mock0000000000'),
        cidrBlock: '10.0.0.0/16',
        default: inputs.default === true,
        region: inputs.region,
      }),
      'aws:ec2/getSubnets:getSubnets': (inputs) => ({ id: 'subnets', ids: ['subnet-0mock00000000000a', 'subnet-0mock00000000000b'], region: inputs.region }),
      'aws:index/getCallerIdentity:getCallerIdentity': () => ({
        id: MOCK_ACCOUNT,
        accountId: MOCK_ACCOUNT,
        arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/offline`,
        userId: 'AIDAOFFLINE',
      }),
    },
  },
});
