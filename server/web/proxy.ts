/**
 * Who is the client, and did the request come over HTTPS — believing `X-Forwarded-For` and
 * `X-Forwarded-Proto` only from configured proxy addresses. The client is the rightmost address in
 * `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it saw, so only
 * the hops added by our own proxies can be believed; anything to their left is what the client
 * claimed).
 *
 * @example
 * const proxies = trustedProxies('10.0.0.0/8, 127.0.0.1');
 * clientAddress(c, proxies); // '203.0.113.7'
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { BlockList, isIP } from 'node:net';

/** The addresses whose forwarding headers are believed. */
export interface TrustedProxies {
  has(address: string): boolean;
  /** No proxy at all: forwarding headers are ignored without looking at the peer. */
  readonly none: boolean;
  /** As configured, for the start-up message. */
  readonly description: string;
}

const LOOPBACK = '127.0.0.0/8, ::1';

function normalise(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, '');
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * Parses a list of addresses and CIDR ranges (`10.0.0.0/8, 192.168.1.5, ::1`); `loopback` stands
 * for 127.0.0.0/8 and ::1. Throws on anything else, so a typo does not silently trust nobody.
 */
export function trustedProxies(spec: string | undefined): TrustedProxies {
  const list = new BlockList();
  const parts = (spec ?? '')
    .replace(/\bloopback\b/g, LOOPBACK)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const part of parts) {
    const [addr, bits] = part.split('/');
    const family = isIP(addr);
    if (!family) throw new Error(`not an IP address or CIDR range: ${part}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else {
      const n = Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > (family === 4 ? 32 : 128))
        throw new Error(`not a CIDR range: ${part}`);
      list.addSubnet(addr, n, type);
    }
  }
  return {
    none: parts.length === 0,
    description: parts.join(', ') || 'none',
    has(address: string) {
      if (!parts.length) return false;
      const a = normalise(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** No proxy is trusted: forwarding headers are ignored. */
export const NO_PROXIES = trustedProxies('');

/** The trusted proxies from the environment: `ECOSCORE_TRUSTED_PROXIES`, else `ECOSCORE_TRUST_PROXY=1` meaning a proxy on this host (loopback). */
export function proxiesFromEnv(env: NodeJS.ProcessEnv): TrustedProxies {
  if (env.ECOSCORE_TRUSTED_PROXIES?.trim()) return trustedProxies(env.ECOSCORE_TRUSTED_PROXIES);
  const flag = (env.ECOSCORE_TRUST_PROXY ?? '').toLowerCase();
  if (flag !== '' && !['0', 'false', 'no', 'off'].includes(flag)) return trustedProxies('loopback');
  return NO_PROXIES;
}

/** The address of the peer that opened the connection ('local' for in-process requests). */
export function peerAddress(c: Context): string {
  try {
    return normalise(getConnInfo(c).remote.address ?? 'unknown');
  } catch {
    return 'local';
  }
}

/** The hops of a comma-separated forwarding header, rightmost last. */
function hops(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The client address: the peer, or through trusted proxies the rightmost untrusted hop. */
export function clientAddress(c: Context, proxies: TrustedProxies): string {
  let address = peerAddress(c);
  if (!proxies.has(address)) return address;
  const chain = hops(c.req.header('x-forwarded-for'));
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = normalise(chain[i]);
    if (!isIP(hop)) return address; // garbage: stop at the last address we could believe
    address = hop;
    if (!proxies.has(hop)) return hop;
  }
  return address;
}

/** Whether the request came over HTTPS: directly, or as a trusted proxy says it did. */
export function isHttps(c: Context, proxies: TrustedProxies): boolean {
  if (c.req.url.startsWith('https:')) return true;
  const socket = (c.env as { incoming?: { socket?: { encrypted?: boolean } } } | undefined)?.incoming?.socket;
  if (socket?.encrypted) return true;
  if (proxies.none || !proxies.has(peerAddress(c))) return false;
  const proto = hops(c.req.header('x-forwarded-proto')).pop();
  return proto?.toLowerCase() === 'https';
}
