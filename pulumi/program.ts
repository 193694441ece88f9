import { asRunError, runTenantProgram, type TenantProgramOutputs } from './components/program.ts';

/**
 * The Pulumi program: one stack per tenant (stacks/Pulumi.<tenant>.yaml), whose `byos:tenant` config holds the
 * TenantSpec. Named exports become the stack's outputs; `profile` is a secret because it holds the password.
 */
let outputs: TenantProgramOutputs;
try {
  outputs = runTenantProgram();
} catch (error) {
  throw asRunError(error);
}

export const { tenant, provider, region, residency, dialect, profile, host, port, database } = outputs;
