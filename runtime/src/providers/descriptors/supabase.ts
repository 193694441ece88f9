import { z } from 'zod';
import { defineProvider, secretSetting, textSetting } from '../descriptor.ts';

/** Supabase (Pulumi resources: pulumi/providers/supabase.ts, through the Management API). */
export const supabase = defineProvider({
  name: 'supabase',
  traits: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.supabase.co', '.supabase.com'] },
  customerManagedKey: false,
  kitNotes: [
    'Supabase: direct connections use port 5432; the transaction pooler (Supavisor) uses port 6543.',
    'Through the transaction pooler set pooler.mode = "transaction": no prepared statements, no session state.',
    'CA: download the project certificate from the dashboard (Database settings → SSL) into BYOS_DB_CA_FILE.',
  ],
  // Supabase Management API `region_selection` codes.
  regions: {
    SG: ['ap-southeast-1'],
    EU: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1'],
    UK: ['eu-west-2'],
    US: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
    AU: ['ap-southeast-2'],
    JP: ['ap-northeast-1'],
    IN: ['ap-south-1'],
    CA: ['ca-central-1'],
    KR: ['ap-northeast-2'],
    BR: ['sa-east-1'],
    CH: ['eu-central-2'],
    HK: ['ap-east-1'],
  },
  settings: z.object({
    /** Management API personal access token (`byos:supabaseAccessToken`, secret). */
    supabaseAccessToken: secretSetting(),
    /** Organisation slug that owns the project (`byos:supabaseOrganization`). */
    supabaseOrganization: textSetting(),
    /** API base URL (`byos:supabaseApiUrl`), default https://api.supabase.com. */
    supabaseApiUrl: textSetting(),
  }),
  offline: {
    resources: {
      'pulumi-nodejs:dynamic/supabase:Project': () => ({
        id: 'mockprojectrefabcdef',
        outputs: { ref: 'mockprojectrefabcdef', host: 'db.mockprojectrefabcdef.supabase.co', status: 'ACTIVE_HEALTHY' },
      }),
    },
    config: { supabaseAccessToken: 'sbp_offline_placeholder_token', supabaseOrganization: 'offline-org' },
  },
});
