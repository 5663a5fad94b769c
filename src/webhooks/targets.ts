import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** Every address a host name resolves to; injected in tests, so that no test ever asks a real resolver. */
export type TResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const resolveWithDns: TResolveHost = (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface TWebhookTargetRules {
  /** Hosts a webhook may reach over plain http (a receiver on the operator's own network). */
  allowHttpHosts: readonly string[];
  /** Hosts that may resolve to a loopback, private or otherwise internal address. */
  allowedHosts: readonly string[];
  resolve: TResolveHost;
}

export type TRefusalRule = 'https-only' | 'private-address' | 'unresolvable';

/** The rules as the operator set them (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOWED_HOSTS), on the system's resolver unless told. */
export function webhookTargetsOf(
  settings: { WEBHOOK_ALLOW_HTTP: readonly string[]; WEBHOOK_ALLOWED_HOSTS: readonly string[] },
  resolve: TResolveHost = resolveWithDns,
): WebhookTargets {
  return new WebhookTargets({ allowHttpHosts: settings.WEBHOOK_ALLOW_HTTP, allowedHosts: settings.WEBHOOK_ALLOWED_HOSTS, resolve });
}

/** Where a delivery may go: the URL and the one address that was checked, to connect to without a second lookup. */
export type TTargetCheck =
  | { allowed: true; url: URL; address: string; family: 4 | 6 }
  | { allowed: false; rule: TRefusalRule; reason: string };

export type TAllowedTarget = Extract<TTargetCheck, { allowed: true }>;

/**
 * Keeps webhooks from calling into the network the service runs in (SSRF): https only, and every address the host
 * resolves to must be public unicast — not loopback, private, link-local, unique-local, CGNAT, multicast,
 * unspecified, reserved, nor an IPv4-mapped IPv6 form of those. The check runs at registration and again at every
 * delivery, since a name can resolve elsewhere tomorrow.
 */
export class WebhookTargets {
  private readonly allowHttp: Set<string>;
  private readonly allowInternal: Set<string>;

  constructor(private readonly rules: TWebhookTargetRules) {
    this.allowHttp = new Set(rules.allowHttpHosts.map(normaliseHost));
    this.allowInternal = new Set(rules.allowedHosts.map(normaliseHost));
  }

  async check(target: string): Promise<TTargetCheck> {
    const url = new URL(target);
    const host = normaliseHost(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowHttp.has(host))) {
      return { allowed: false, rule: 'https-only', reason: 'webhooks are sent over https only (plain http only to a host in WEBHOOK_ALLOW_HTTP)' };
    }
    let addresses: { address: string; family: number }[];
    if (ipaddr.isValid(host)) addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }];
    else {
      try {
        addresses = await this.rules.resolve(host);
      } catch {
        addresses = [];
      }
      if (addresses.length === 0) return { allowed: false, rule: 'unresolvable', reason: `the host ${host} does not resolve to an address` };
    }
    if (!this.allowInternal.has(host)) {
      const internal = addresses.find(({ address }) => !isPublicAddress(address));
      if (internal) {
        return {
          allowed: false,
          rule: 'private-address',
          reason: `${host === internal.address ? host : `${host} resolves to ${internal.address}, which`} is not a public address (only hosts in WEBHOOK_ALLOWED_HOSTS may be)`,
        };
      }
    }
    const [first] = addresses;
    return { allowed: true, url, address: first!.address, family: first!.family === 6 ? 6 : 4 };
  }
}

/** True for a global unicast address only; an IPv4-mapped IPv6 address is judged as the IPv4 address it maps. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Host names compare lower-case; an IPv6 literal without its URL brackets. */
function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
}
