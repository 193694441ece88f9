import { describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '@byos/runtime';
import { switchRefusal } from '@byos/pulumi/operator';

const source = { provider: 'local-sqlite', dialect: 'sqlite', database: '/tmp/x.sqlite' } as ConnectionProfile;

describe('switchRefusal', () => {
  it('lets a switch through when the engines fence writes, or the operator stopped the writers; refuses otherwise', () => {
    expect(switchRefusal(source, { hasWriteFence: () => true })).toBeUndefined();
    expect(switchRefusal(source, { writersStopped: true, hasWriteFence: () => false })).toBeUndefined();
    expect(switchRefusal(source, { hasWriteFence: () => false })).toMatch(/local-sqlite has no write fence here: .*re-run with --writers-stopped/);
    expect(switchRefusal(source, {})).toMatch(/re-run with --writers-stopped/);
  });
});
