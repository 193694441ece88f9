/**
 * Runs one copy in its own process and, when told to, kills itself with SIGKILL (no cleanup, no finally) once
 * `KILL_AT` is reached: `load:N` after the N-th committed batch, or a phase name (`schema`, `indexes`).
 * Arguments: FROM_URL TO_URL BATCH_SIZE [KILL_AT]. Prints the CopyReport as JSON when it completes.
 */
import { connect } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';

const [fromUrl, toUrl, batch, killAt] = process.argv.slice(2);
const from = await connect(fromUrl!);
const to = await connect(toUrl!);
const [phase, count] = (killAt ?? '').split(':');
let loads = 0;
const report = await copyDatabase({
  from,
  to,
  batchSize: Number(batch),
  jobs: 2,
  resume: true,
  onProgress: (p) => {
    if (p.phase === 'load') loads++;
    if (p.phase === phase && (phase !== 'load' || loads === Number(count))) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write(JSON.stringify(report));
await from.close();
await to.close();
