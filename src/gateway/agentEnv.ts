// The environment that points terminal agents (Claude Code, Codex, Aider, opencode, any OpenAI or Anthropic SDK) at
// the local gateway: four variables holding its URL and the local token, never the provider key. Used by
// `switchboard run` and by VS Code's "Connect Terminal Agents".
import { SMART_SELECT } from '../core/config/names';

export interface AgentGateway {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** The local gateway token. */
  token: string;
}

export const AGENT_ENV_NAMES = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_BASE_URL', 'OPENAI_API_KEY'] as const;
export type AgentEnv = Record<(typeof AGENT_ENV_NAMES)[number], string>;

/** Anthropic's clients add `/v1` themselves; OpenAI's expect it in the base URL. */
export function agentEnv(gw: AgentGateway): AgentEnv {
  return {
    ANTHROPIC_BASE_URL: gw.url.replace(/\/v1\/?$/, ''),
    ANTHROPIC_AUTH_TOKEN: gw.token,
    OPENAI_BASE_URL: gw.url,
    OPENAI_API_KEY: gw.token,
  };
}

/**
 * Variables that must not reach an agent: Switchboard's own keys (SWITCHBOARD_API_KEY, SWITCHBOARD_PROVIDER_KEY_*,
 * SWITCHBOARD_LOCAL_TOKEN …) and a provider key the agent would send instead of the local token.
 */
export function isKeyForAgentsToLose(name: string): boolean {
  return name.startsWith('SWITCHBOARD_') || name === 'ANTHROPIC_API_KEY';
}

/**
 * Switches that send Claude Code to a cloud provider instead of ANTHROPIC_BASE_URL (Amazon Bedrock, Google Vertex AI,
 * Microsoft Foundry) and those providers' base URLs: left in place, the agent would bypass the gateway (its spend
 * unrecorded, no budget, the local token sent elsewhere).
 */
const GATEWAY_BYPASSES: ReadonlySet<string> = new Set([
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'ANTHROPIC_VERTEX_BASE_URL',
]);

/**
 * `base` without any key or gateway bypass, plus the agent variables and OPENAI_API_BASE (the older name Aider and
 * LiteLLM read before OPENAI_BASE_URL), which would otherwise keep pointing wherever it did.
 */
export function childEnv(base: NodeJS.ProcessEnv, gw: AgentGateway): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) if (!isKeyForAgentsToLose(name) && !GATEWAY_BYPASSES.has(name)) env[name] = value;
  return { ...env, ...agentEnv(gw), OPENAI_API_BASE: gw.url };
}

/**
 * What "Connect Terminal Agents" sets in VS Code's terminals: the agent variables and OPENAI_API_BASE, as `childEnv`
 * gives a child. A terminal's collection can set variables but not remove them, so the provider key and the bypass
 * switches are set empty (Claude Code reads an empty switch as off).
 */
export function terminalEnv(gw: AgentGateway): Record<string, string> {
  const off = Object.fromEntries(['ANTHROPIC_API_KEY', ...GATEWAY_BYPASSES].map((name) => [name, '']));
  return { ...off, ...agentEnv(gw), OPENAI_API_BASE: gw.url };
}

/** The lines for `~/.codex/config.toml`: a provider that reads the local token from OPENAI_API_KEY. */
export function codexConfigLines(gw: AgentGateway): string {
  return [
    `model = "${SMART_SELECT}"`,
    'model_provider = "switchboard"',
    '',
    '[model_providers.switchboard]',
    'name = "Switchboard"',
    `base_url = ${JSON.stringify(gw.url)}`,
    'env_key = "OPENAI_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}
