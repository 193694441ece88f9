/**
 * A process with its own router on a tenant registry, for the registry tests: `BYOS_REGISTRY_CHILD` holds { kind,
 * dir | url, secretsDir, tenant, routerId, ack, write }. It writes a row into `item` every 20 ms through the router
 * (unless `write` is false: it then only reads through it), prints
 * `READY <version>` once registered and open, and `ON <version> <database>` whenever its route moves to a new version.
 * SIGTERM closes the router (it unregisters) and exits 0.
 */
import { createTenantRouter, fileTenantRegistry, postgresTenantRegistry } from '@byos/runtime/router';

const args = JSON.parse(process.env.BYOS_REGISTRY_CHILD ?? '{}');
const registry = args.kind === 'file' ? fileTenantRegistry(args.dir) : await postgresTenantRegistry({ url: args.url, secretsDir: args.secretsDir });
const router = createTenantRouter({ profiles: registry, routerId: args.routerId, follow: { ack: args.ack !== false, heartbeatMs: 200 } });
await router.ready;
const acme = await router.get(args.tenant);
let version = router.stats(args.tenant).version;
process.stdout.write(`READY ${version}\n`);
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
let n = 0;
while (!stopping) {
  if (args.write === false) await acme.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  else await acme.db.insertInto('item').values({ writer: args.routerId, n: n++ }).execute();
  const now = router.stats(args.tenant).version;
  if (now !== version) {
    version = now;
    process.stdout.write(`ON ${version} ${acme.profile.database}\n`);
  }
  await new Promise((r) => setTimeout(r, 20));
}
await router.close();
await registry.close();
process.exit(0);
