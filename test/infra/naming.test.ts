import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedName, sqlIdentifier, tenantNames } from '../../pulumi/providers/naming.ts';
import { cidrRange, hasPublicEndpoint, isWorldOpen, splitByFamily } from '../../pulumi/providers/network.ts';
import { TenantId, isCidr } from '@byos/runtime';

/** Tenant ids as the TenantSpec admits them. */
const tenantIds = fc.stringMatching(/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/).filter((id) => TenantId.safeParse(id).success);

describe('names derived from the tenant id', () => {
  it('fit each service rule for every valid tenant id (property)', () => {
    fc.assert(
      fc.property(tenantIds, (tenant) => {
        const names = tenantNames(tenant);
        expect(names.rdsIdentifier).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
        expect(names.rdsIdentifier.length).toBeLessThanOrEqual(63);
        expect(names.azureKeyVault).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
        expect(names.azureKeyVault.length).toBeLessThanOrEqual(24);
        expect(names.azureServer.length).toBeLessThanOrEqual(63);
        expect(names.database).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(names.database.length).toBeLessThanOrEqual(63);
        expect(names.kmsAlias).toBe(`alias/byos/${tenant}`);
      }),
    );
  });

  it('are stable and stay distinct when long names are shortened (property)', () => {
    fc.assert(
      fc.property(tenantIds, tenantIds, (a, b) => {
        expect(tenantNames(a)).toEqual(tenantNames(a));
        if (a.replace(/-+/g, '-') !== b.replace(/-+/g, '-')) expect(tenantNames(a).azureKeyVault).not.toBe(tenantNames(b).azureKeyVault);
      }),
    );
  });

  it('shortens with a hash suffix only when needed', () => {
    expect(boundedName(['kv', 'acme-sg'], { maxLength: 24 })).toBe('kv-acme-sg');
    const long = boundedName(['kv', 'a-very-long-tenant-identifier-for-testing'], { maxLength: 24 });
    expect(long).toHaveLength(24);
    expect(long).toMatch(/^kv-a-very-long-te-[0-9a-f]{6}$/);
    expect(boundedName(['byos', 'a--b'], { maxLength: 63, noDoubleSeparator: true })).toBe('byos-a-b');
    expect(sqlIdentifier('acme-sg')).toBe('acme_sg');
    expect(() => boundedName(['x'], { maxLength: 4 })).toThrow(/maxLength/);
  });
});

describe('CIDR helpers', () => {
  it('computes IPv4 and IPv6 ranges', () => {
    expect(cidrRange('203.0.113.0/24')).toEqual({ family: 4, start: '203.0.113.0', end: '203.0.113.255' });
    expect(cidrRange('10.1.2.3/8')).toEqual({ family: 4, start: '10.0.0.0', end: '10.255.255.255' });
    expect(cidrRange('198.51.100.7/32')).toEqual({ family: 4, start: '198.51.100.7', end: '198.51.100.7' });
    expect(cidrRange('0.0.0.0/0')).toEqual({ family: 4, start: '0.0.0.0', end: '255.255.255.255' });
    expect(cidrRange('2001:db8::/32')).toEqual({ family: 6, start: '2001:db8:0:0:0:0:0:0', end: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' });
    expect(cidrRange('::ffff:192.0.2.0/120').end).toBe('0:0:0:0:0:ffff:c000:2ff');
    expect(() => cidrRange('10.0.0.0/33')).toThrow(/not a CIDR block: "10.0.0.0\/33"/);
  });

  it('puts every address of an IPv4 block between start and end (property)', () => {
    const toInt = (ip: string) => ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, bits) => {
        const cidr = `${ip}/${bits}`;
        expect(isCidr(cidr)).toBe(true);
        const { start, end } = cidrRange(cidr);
        expect(toInt(start)).toBeLessThanOrEqual(toInt(ip));
        expect(toInt(end)).toBeGreaterThanOrEqual(toInt(ip));
        expect(toInt(end) - toInt(start) + 1).toBe(2 ** (32 - bits));
      }),
    );
  });

  it('recognises world-open blocks and splits by family', () => {
    expect(isWorldOpen('0.0.0.0/0')).toBe(true);
    expect(isWorldOpen('::/0')).toBe(true);
    expect(isWorldOpen('10.0.0.0/8')).toBe(false);
    expect(splitByFamily(['10.0.0.0/8', '2001:db8::/32', '203.0.113.0/24'])).toEqual({ v4: ['10.0.0.0/8', '203.0.113.0/24'], v6: ['2001:db8::/32'] });
  });

  it('opens a public endpoint only for public access with an allow-list', () => {
    expect(hasPublicEndpoint({ publicAccess: true, allowedCidrs: ['203.0.113.0/24'] })).toBe(true);
    expect(hasPublicEndpoint({ publicAccess: true, allowedCidrs: [] })).toBe(false);
    expect(hasPublicEndpoint({ publicAccess: false, allowedCidrs: ['203.0.113.0/24'] })).toBe(false);
  });
});
