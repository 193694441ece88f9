import { isIP } from 'node:net';

/**
 * Whether the tenant's database gets a public endpoint: only when the spec asks for public access AND lists the
 * CIDRs allowed to use it. Public access without an allow-list stays private: no provider module ever opens a
 * database to the whole internet on its own. CIDRs without public access admit private networks where the
 * provider filters private traffic (AWS security groups); the world-open check is the policy pack's.
 */
export function hasPublicEndpoint(network: { publicAccess: boolean; allowedCidrs: readonly string[] }): boolean {
  return network.publicAccess && network.allowedCidrs.length > 0;
}

/** First and last address of a CIDR block, for services whose firewall rules take ranges (Azure). */
export interface AddressRange {
  family: 4 | 6;
  start: string;
  end: string;
}

/** `10.1.2.0/24` → 10.1.2.0 … 10.1.2.255; `2001:db8::/32` → 2001:db8:: … 2001:db8:ffff:…:ffff. Host bits are ignored. */
export function cidrRange(cidr: string): AddressRange {
  const slash = cidr.indexOf('/');
  const address = slash < 0 ? '' : cidr.slice(0, slash);
  const bitsText = slash < 0 ? '' : cidr.slice(slash + 1);
  const family = isIP(address);
  const width = family === 4 ? 32 : 128;
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if ((family !== 4 && family !== 6) || !(bits >= 0 && bits <= width)) {
    throw new Error(`not a CIDR block: "${cidr}" (expected e.g. 203.0.113.0/24 or 2001:db8::/32)`);
  }
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostBits = BigInt(width - bits);
  const hostMask = (1n << hostBits) - 1n;
  const start = value & ~hostMask & ((1n << BigInt(width)) - 1n);
  const end = start | hostMask;
  return family === 4 ? { family, start: bigIntToIpv4(start), end: bigIntToIpv4(end) } : { family, start: bigIntToIpv6(start), end: bigIntToIpv6(end) };
}

/** True for a block that admits every address (`0.0.0.0/0`, `::/0`). */
export function isWorldOpen(cidr: string): boolean {
  const slash = cidr.indexOf('/');
  return slash > 0 && /^0+$/.test(cidr.slice(slash + 1)) && isIP(cidr.slice(0, slash)) !== 0;
}

/** Splits CIDR blocks by address family, keeping their order. */
export function splitByFamily(cidrs: readonly string[]): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const cidr of cidrs) (isIP(cidr.slice(0, cidr.indexOf('/'))) === 6 ? v6 : v4).push(cidr);
  return { v4, v6 };
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = ipv4ToBigInt(v4Tail[1]!);
    text = `${text.slice(0, -v4Tail[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function bigIntToIpv6(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}
