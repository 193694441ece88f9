import { z } from 'zod';
import { defineProvider } from '../descriptor.ts';
import { LOCAL_REGIONS } from './local.ts';

/** A SQLite file for development (pulumi/providers/local.ts declares no resource for it). */
export const localSqlite = defineProvider({
  name: 'local-sqlite',
  // No port: the database is a file.
  traits: { dialect: 'sqlite', cloud: false, hostSuffixes: [] },
  urlDefaultFor: 'sqlite',
  customerManagedKey: false,
  kitNotes: ['Local SQLite file for development: WAL mode, foreign keys on, busy timeout 5 s.'],
  regions: LOCAL_REGIONS,
  settings: z.object({}),
  offline: {},
});
