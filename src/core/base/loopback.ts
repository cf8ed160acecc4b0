// What counts as this machine: loopback host names and URLs (gateway URLs, the local gateway, a proxy's bypass).

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** `localhost`, 127.x.x.x or ::1 (with or without brackets). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOST.test(hostname);

/** An http(s) URL to this machine. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
