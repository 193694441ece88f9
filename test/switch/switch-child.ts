/**
 * Runs one switch in its own process, for the kill -9 test: `BYOS_SWITCH_CHILD` holds { tenant, stateDir,
 * profilesDir, to, copyBatchSize }. Prints `STEP name` for every step and progress event, so the parent can kill
 * it at a chosen point.
 */
import { createTenantRouter, fileProfileStore } from '../../runtime/src/router/index.ts';
import { switchTenant } from '../../runtime/src/switch/index.ts';

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
    onProgress: (p) => process.stdout.write(`STEP ${p.step}\n`),
  });
  process.stdout.write('DONE\n');
} finally {
  await router.close();
}
