// "Connect Terminal Agents": the agent variables (src/gateway/agentEnv.ts `terminalEnv`) in VS Code's integrated terminals,
// through the extension's environment variable collection, so `claude`, `codex`, `aider` or `opencode` typed in a
// new terminal run through the local gateway. Not persisted: the variables live as long as the gateway (its token
// changes on every start), and the collection's description tells the user where they came from.
import * as vscode from 'vscode';
import { terminalEnv, type AgentGateway } from '../../gateway/agentEnv';

export class TerminalAgents {
  private connectedTo: string | undefined;

  constructor(private readonly env: vscode.GlobalEnvironmentVariableCollection) {
    env.persistent = false;
    // A window reloaded while connected starts with a gateway that is not running: nothing to point at.
    env.clear();
  }

  get connected(): boolean {
    return this.connectedTo !== undefined;
  }

  connect(gw: AgentGateway): void {
    this.env.clear();
    for (const [name, value] of Object.entries(terminalEnv(gw))) this.env.replace(name, value);
    this.env.description = new vscode.MarkdownString(
      `Switchboard: Claude Code, Codex and other agents in this terminal run through the local gateway at \`${gw.url}\` ` +
        '(ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN, OPENAI_BASE_URL, OPENAI_API_BASE, OPENAI_API_KEY point at it with its local token, ' +
        'not your key; ANTHROPIC_API_KEY and the Bedrock/Vertex/Foundry switches are emptied). ' +
        'Run **Switchboard: Disconnect Terminal Agents** to remove them.',
    );
    this.connectedTo = gw.url;
  }

  disconnect(): boolean {
    const was = this.connected;
    this.env.clear();
    this.connectedTo = undefined;
    return was;
  }
}
