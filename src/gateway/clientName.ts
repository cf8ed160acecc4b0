// Which client sent a gateway request, for the ledger: the route and the User-Agent mapped onto the closed set of
// client names in src/core/base/clients.ts. The header is untrusted and never stored; only the name it maps to is.
import type { ClientId } from '../core/base/clients';

/** Routes where an Anthropic-speaking client is expected; every other route speaks OpenAI's dialects. */
const ANTHROPIC_ROUTES = /^\/v1\/messages(\/|$)/;

/** The client behind a request to `route` (a path without its query) with this User-Agent. */
export function clientOf(route: string, userAgent: string | undefined): ClientId {
  const ua = (userAgent ?? '').slice(0, 200).trim().toLowerCase();
  // Codex sends `codex_exec/0.169.0 (…)` or `codex_cli_rs/…`; Claude Code sends `claude-cli/2.1.x (external, cli)`.
  if (/^codex[_/-]/.test(ua)) return 'codex';
  if (/^claude-(cli|code)\//.test(ua)) return 'claude-code';
  const anthropicRoute = ANTHROPIC_ROUTES.test(route);
  // The official SDKs: `OpenAI/JS 7.x`, `OpenAI/Python 1.x`, `Anthropic/JS 0.x`, `Anthropic/Python 0.x`.
  if (ua.startsWith('openai/') && !anthropicRoute) return 'openai-sdk';
  if (ua.startsWith('anthropic/') && anthropicRoute) return 'anthropic-sdk';
  return 'other';
}
