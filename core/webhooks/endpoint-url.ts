import { type LookupAddress, type LookupAllOptions, type LookupOneOptions, lookup } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Where a webhook may not go unless the install allows private networks: loopback, private, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and reserved ranges. Otherwise a city
 * administrator could make the server probe its own network (SSRF). See docs/webhooks.md. BlockList checks an
 * IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 ranges too.
 */
const nonPublic = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv6");
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  return !nonPublic.check(address, family === 4 ? "ipv4" : "ipv6");
}

export type EndpointUrlProblem = { ja: string; en: string };

/**
 * Checks an endpoint URL when staff save it: http or https, no user name or password in it, and, unless
 * private networks are allowed, a host that does not name or resolve to a non-public address. The same
 * address check runs again on every delivery (`guardedLookup`), since DNS can change after saving.
 */
export async function checkEndpointUrl(
  value: string,
  { allowPrivateNetworks }: { allowPrivateNetworks: boolean },
): Promise<EndpointUrlProblem | null> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ja: "URLの形式が正しくありません", en: "Not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ja: "http または https のURLを指定してください", en: "Only http and https URLs are allowed" };
  }
  if (url.username || url.password) {
    return {
      ja: "URLに利用者名やパスワードを含めないでください（署名で認証します）",
      en: "The URL may not hold a user name or password (deliveries are signed instead)",
    };
  }
  if (allowPrivateNetworks) {
    return null;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [host]
    : await new Promise<string[]>((resolve) =>
        // A name that does not resolve here may still resolve later; the delivery-time check covers it.
        lookup(host, { all: true }, (error, found) => resolve(error ? [] : found.map((a) => a.address))),
      );
  if (addresses.some((address) => !isPublicAddress(address))) {
    return {
      ja: "内部ネットワークのアドレスには送信できません（LGWAN等の閉域網に送る場合は TENOHIRA_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true を設定してください）",
      en: "Private network addresses are not allowed (for LGWAN or other closed networks set TENOHIRA_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true)",
    };
  }
  return null;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses non-public addresses at connection time, so a name that resolved
 * to a public address when saved cannot be pointed at an internal one later (DNS rebinding).
 */
export function guardedLookup(
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: LookupCallback,
): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, []);
      return;
    }
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) {
      callback(
        Object.assign(new Error(`${hostname} resolves to a non-public address (${blocked.address})`), {
          code: "EPRIVATEADDRESS",
        }),
        [],
      );
      return;
    }
    if (options.all) {
      callback(null, addresses);
      return;
    }
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}
