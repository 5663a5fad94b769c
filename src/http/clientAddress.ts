import proxyaddr from 'proxy-addr';
import type { Request } from 'restify';
import { addressSubject, type TTrustProxy } from '../kernel/networkAddresses';

const addresses = new WeakMap<Request, string>();

/**
 * Decides once per request where it came from: `X-Forwarded-For` is believed only as far as TRUST_PROXY trusts the
 * hops that added to it; without TRUST_PROXY a forged header changes nothing and the socket's address counts.
 */
export function clientAddressReader(trust: TTrustProxy) {
  return (req: Request, _res: unknown, next: () => void): void => {
    addresses.set(req, proxyaddr(req, trust));
    next();
  };
}

/** The client's address as clientAddressReader decided it (the socket's when it has not run). */
export function clientAddressOf(req: Request): string {
  return addresses.get(req) ?? req.socket.remoteAddress ?? 'unknown';
}

/** The client as a per-address limit counts it (see addressSubject). */
export function limitSubjectOf(req: Request): string {
  return addressSubject(clientAddressOf(req));
}
