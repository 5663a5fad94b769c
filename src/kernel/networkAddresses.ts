import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/**
 * TRUST_PROXY as the operator writes it: unset (or `false`) believes no proxy, a number trusts that many hops in
 * front of the service, anything else is a comma list of the proxies' addresses or CIDRs (`10.0.0.0/8`, or
 * proxy-addr's names `loopback`, `linklocal`, `uniquelocal`).
 */
export type TTrustProxy = (address: string, hop: number) => boolean;

export function parseTrustProxy(setting: string | undefined): TTrustProxy {
  const value = (setting ?? '').trim();
  if (value === '' || value === 'false') return () => false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  // Throws on an entry that is not an address, a CIDR or one of the names: config validation reports it.
  return proxyaddr.compile(value.split(',').map((entry) => entry.trim()).filter(Boolean));
}

/** A comma list of addresses and CIDRs (RESPONSE_LIMIT_EXEMPT) as a test of one address. */
export function addressListMatcher(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) return () => false;
  const matches = proxyaddr.compile([...entries]);
  return (address) => matches(address, 0);
}

/**
 * What a per-address limit counts: the address itself for IPv4, its /64 for IPv6 — one household or phone gets a
 * whole /64 and could otherwise count as billions of clients.
 */
export function addressSubject(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
