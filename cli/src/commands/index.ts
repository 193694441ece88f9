import type { Command } from 'commander';
import { registerAudit } from './audit.ts';
import { registerKeys } from './keys.ts';
import { registerBackup } from './backup.ts';
import { registerConsole } from './console.ts';
import { registerCopy } from './copy.ts';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerImport } from './import.ts';
import { registerInit } from './init.ts';
import { registerIntrospect } from './introspect.ts';
import { registerKit } from './kit.ts';
import { registerMigrate } from './migrate.ts';
import { registerMigrateAuthoring } from './migrate-authoring.ts';
import { registerOperator } from './operator.ts';
import { registerPii } from './pii.ts';
import { registerPolicy } from './policy.ts';
import { registerSwitch } from './switch.ts';
import { registerTypes } from './types.ts';
import { registerVerify } from './verify.ts';

/** A command registers itself (and its options and help) on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerInit,
  registerIntrospect,
  registerKit,
  registerTypes,
  registerDemo,
  registerPolicy,
  registerMigrate,
  registerMigrateAuthoring,
  registerPii,
  registerCopy,
  registerVerify,
  registerBackup,
  registerKeys,
  registerAudit,
  registerImport,
  registerExport,
  registerOperator,
  registerSwitch,
  registerConsole,
];
