/**
 * Runs one switch in its own process, for the kill -9 test: `BYOS_SWITCH_CHILD` holds { tenant, stateDir,
 * profilesDir, to, copyBatchSize, killAt }. Prints `STEP name` for every step and progress event, and SIGKILLs
 * itself the moment it reaches `killAt`: killing from the parent on seeing the line would race with the next steps.
 */
import { createTenantRouter, fileProfileStore } from '@byos/runtime/router';
import { switchTenant } from '@byos/runtime/switch';

const args = JSON.parse(process.env.BYOS_SWITCH_CHILD ?? '{}');
const router = createTenantRouter({ profiles: fileProfileStore(args.profilesDir) });
try {
  await switchTenant({
    tenant: args.tenant,
    router,
    to: args.to,
    stateDir: args.stateDir,
    copyBatchSize: args.copyBatchSize,
    jobs: 1,
    onProgress: (p) => {
      process.stdout.write(`STEP ${p.step}\n`);
      if (p.step === args.killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  process.stdout.write('DONE\n');
} finally {
  await router.close();
}
