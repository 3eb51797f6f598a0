import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** Loopback, private, link-local, carrier-grade NAT, multicast and unspecified addresses: not the public internet. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is outside the public internet (IPv4-mapped IPv6 addresses are judged by their IPv4 part). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class BlockedAddressError extends Error {
  readonly code = 'blocked_address';
}

const blocked = (host: string, address: string) =>
  new BlockedAddressError(
    `${host} is ${address}, a private address; webhooks go to the public internet only (TONGLI_WEBHOOKS_ALLOW_PRIVATE=true allows them)`,
  );

/** A DNS lookup that fails when the name resolves to a private address (so a public name cannot point inside). */
type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const publicOnly = (resolve: Resolve) =>
  function publicOnlyLookup(
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses;
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(blocked(hostname, bad.address), '');
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };

/** Why a URL may not be a webhook target as written (a private IP or localhost), or undefined. Names are checked when they resolve. */
export function privateTarget(url: string): string | undefined {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 ? isPrivateAddress(host) : host.toLowerCase() === 'localhost') return blocked(host, host).message;
  return undefined;
}

/**
 * POSTs a body and resolves with the response status (the body is discarded). Redirects are not followed. Unless
 * `allowPrivate`, the address connected to must be public: literal IPs are checked here, names when they resolve
 * (the check and the connection use the same lookup, so a name cannot resolve differently in between).
 */
export function postOutbound(
  url: string,
  options: {
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    allowPrivate: boolean;
    /** The name resolver (tests inject one); DNS by default. */
    resolve?: Resolve;
  },
): Promise<number> {
  const target = new URL(url);
  const refused = options.allowPrivate ? undefined : privateTarget(url);
  if (refused) return Promise.reject(new BlockedAddressError(refused));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        timeout: options.timeoutMs,
        ...(options.allowPrivate ? {} : { lookup: publicOnly(options.resolve ?? (dnsLookup as Resolve)) }),
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.on('error', () => undefined);
        res.resume();
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
