/**
 * A writer in a process of its own, with its own router on a tenant registry (multi-process switch test and bench):
 * `BYOS_ROUTER_WRITER` holds { kind: 'file', dir } or { kind: 'postgres', url, secretsDir }, plus tenant, routerId,
 * firstId and intervalMs. It inserts one `entry` row every intervalMs through the router; a refused attempt (the
 * fence, a drained route) is retried with the same id until it is acknowledged. Prints `READY <version>`, then one
 * JSON line per acknowledged write: { id, ms } (first attempt to acknowledgement) and, on a line on stdin, a last
 * `{ done: true, writes, retries, duplicates }` before exiting 0. The row's note is the clock time of the attempt that wrote it, so a test
 * can tell whether the source accepted a write begun after its fence went up.
 */
import { createInterface } from 'node:readline';
import { createTenantRouter, fileTenantRegistry, postgresTenantRegistry } from '@byos/runtime/router';

const args = JSON.parse(process.env.BYOS_ROUTER_WRITER ?? '{}');
const registry = args.kind === 'file' ? fileTenantRegistry(args.dir) : await postgresTenantRegistry({ url: args.url, secretsDir: args.secretsDir });
const router = createTenantRouter({ profiles: registry, routerId: args.routerId, follow: { heartbeatMs: 200, pollMs: 50 } });
await router.ready;
await router.get(args.tenant);
process.stdout.write(`READY ${router.stats(args.tenant).version}\n`);
let stopping = false;
createInterface({ input: process.stdin }).once('line', () => (stopping = true));

let writes = 0;
let retries = 0;
let duplicates = 0;
for (let id = args.firstId; !stopping; id++) {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const tenant = await router.get(args.tenant);
      await tenant.db
        .insertInto('entry')
        .values({ id, account_id: 1, amount: 1, note: String(Date.now()) })
        .execute();
      break;
    } catch (error) {
      // A duplicate on a retry means the refused-looking attempt had committed: acknowledged once, not twice.
      if (attempt > 0 && /unique|duplicate/i.test((error as Error).message)) {
        duplicates++;
        break;
      }
      retries++;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  writes++;
  process.stdout.write(`${JSON.stringify({ id, ms: Math.round((performance.now() - started) * 10) / 10 })}\n`);
  await new Promise((r) => setTimeout(r, args.intervalMs ?? 10));
}
process.stdout.write(`${JSON.stringify({ done: true, writes, retries, duplicates })}\n`);
await router.close();
await registry.close();
process.exit(0);
