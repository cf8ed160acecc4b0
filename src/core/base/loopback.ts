// What counts as this machine: loopback host names and URLs (gateway URLs, the local gateway, a proxy's bypass).

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** `localhost`, 127.x.x.x or ::1 (with or without brackets). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOST.test(hostname);

/** Answers for URLs already parsed: the router asks about the same gateway URL on every request. */
const loopbackUrls = new Map<string, boolean>();

/** An http(s) URL to this machine. */
export function isLoopbackUrl(url: string): boolean {
  const known = loopbackUrls.get(url);
  if (known !== undefined) return known;
  let loopback: boolean;
  try {
    loopback = isLoopbackHost(new URL(url).hostname);
  } catch {
    loopback = false;
  }
  if (loopbackUrls.size >= 64) loopbackUrls.clear();
  loopbackUrls.set(url, loopback);
  return loopback;
}
