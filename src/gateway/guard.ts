// Who may talk to the local gateway: a non-browser client on this machine holding the per-start token.
// Host and Origin checks defend against DNS rebinding and drive-by requests from web pages; the token against
// every other local process.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { openAIError, type HttpError } from './openaiErrors';

/** A fresh local token: 32 random bytes, URL-safe. Never the provider key. */
export function newLocalToken(): string {
  return 'sb-local-' + randomBytes(32).toString('base64url');
}

export interface RequestGuard {
  /** Undefined when the request may proceed. `token: false` checks only Host and Origin (the `/` probe). */
  check(headers: IncomingHttpHeaders, opts?: { token?: boolean }): HttpError | undefined;
}

/** Names a client on this machine may use for the gateway; none of them can be rebound to another address by DNS. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Where a VS Code user finds the token: what a 401 says unless the host names another place (`tokenHint`). */
export const VSCODE_TOKEN_HINT =
  'Copy the current one with "Switchboard: Copy Gateway Snippet" (it changes on every start), or, in a terminal, open a new ' +
  'terminal after "Switchboard: Connect Terminal Agents" (a terminal keeps the token it was opened with).';

export interface GuardOptions {
  port: number;
  token: string;
  /** Where the client finds the current token, for the 401 (the host knows: VS Code's command, serve's file or output). */
  tokenHint?: string;
}

export function createGuard(opts: GuardOptions): RequestGuard {
  const hint = opts.tokenHint ?? VSCODE_TOKEN_HINT;
  // On port 80 clients leave the port out of the Host header.
  const hosts = new Set(LOOPBACK_NAMES.flatMap((name) => (opts.port === 80 ? [name, `${name}:80`] : [`${name}:${opts.port}`])));
  const expected = Buffer.from(`Bearer ${opts.token}`);
  const expectedKey = Buffer.from(opts.token);
  const matches = (header: string | string[] | undefined, want: Buffer): boolean => {
    if (typeof header !== 'string' || !header) return false;
    const given = Buffer.from(header);
    // Length is not secret (every token has the same length); the bytes are compared in constant time.
    return given.length === want.length && timingSafeEqual(given, want);
  };
  // `Authorization: Bearer` (OpenAI clients, Claude Code's ANTHROPIC_AUTH_TOKEN) or `x-api-key` (Anthropic SDKs).
  const tokenMatches = (headers: IncomingHttpHeaders): boolean => matches(headers.authorization, expected) || matches(headers['x-api-key'], expectedKey);
  return {
    check(headers, checkOpts) {
      if (headers.origin !== undefined)
        return openAIError(
          403,
          `Requests from web pages are refused (Origin: ${headers.origin.slice(0, 100)}). Call the local gateway from a program, not a browser.`,
          'permission_error',
          'origin_not_allowed',
        );
      const host = headers.host?.toLowerCase();
      if (!host || !hosts.has(host))
        return openAIError(
          403,
          `Host "${(headers.host ?? '').slice(0, 100)}" is not allowed; use http://127.0.0.1:${opts.port}/v1.`,
          'permission_error',
          'host_not_allowed',
        );
      if (checkOpts?.token === false) return undefined;
      if (!tokenMatches(headers))
        return openAIError(
          401,
          headers.authorization || headers['x-api-key']
            ? `The local gateway token is wrong. ${hint}`
            : `Missing "Authorization: Bearer <local token>" (or "x-api-key: <local token>"). ${hint}`,
          'authentication_error',
          'invalid_api_key',
        );
      return undefined;
    },
  };
}
