// Start/Stop Local Gateway, Copy Gateway Snippet and Connect/Disconnect Terminal Agents. The gateway runs inside the
// extension host over the same core as the chat view; its token is new on every start and is never the provider key.
// Stopping the gateway disconnects the terminal agents (their variables would point at nothing).
import * as vscode from 'vscode';
import type { LocalGateway } from '../../gateway/server';
import { curlSnippet, envSnippet, nodeSnippet, pythonSnippet, type SnippetInput } from '../../gateway/snippets';
import { codexConfigLines } from '../../gateway/agentEnv';
import type { FeatureDeps } from '../featureDeps';
import { TerminalAgents } from './terminalAgents';

const SNIPPETS: { label: string; make: (i: SnippetInput) => string }[] = [
  { label: 'Python (openai)', make: pythonSnippet },
  { label: 'Node.js (openai)', make: nodeSnippet },
  { label: 'curl', make: curlSnippet },
  { label: 'Environment variables', make: envSnippet },
];

export function registerGatewayCommands(ctx: vscode.ExtensionContext, deps: FeatureDeps): vscode.Disposable {
  let gateway: LocalGateway | undefined;
  const agents = new TerminalAgents(ctx.environmentVariableCollection);
  let starting: Promise<LocalGateway> | undefined;

  const start = async (): Promise<LocalGateway> => {
    if (gateway) return gateway;
    starting ??= (async () => {
      const core = await deps.core();
      const { startLocalGateway } = await import('../../gateway/server');
      const gw = await startLocalGateway({ core, port: core.config().localGateway.port, log: deps.log });
      deps.log(`local gateway listening on ${gw.url}`);
      gateway = gw;
      return gw;
    })().finally(() => (starting = undefined));
    return starting;
  };

  const copySnippet = async (gw: LocalGateway) => {
    const pick = await vscode.window.showQuickPick(
      SNIPPETS.map((s) => ({ label: s.label, make: s.make })),
      { title: 'Copy a snippet for the local gateway', placeHolder: `${gw.url} — the token changes on every start` },
    );
    if (!pick) return;
    await vscode.env.clipboard.writeText(pick.make({ url: gw.url, token: gw.token, model: deps.currentModel() }));
    void vscode.window.showInformationMessage(`${pick.label} snippet for ${gw.url} copied.`);
  };

  const reportError = (what: string, err: unknown) => {
    const message = `${what}: ${(err as Error).message}`;
    deps.log(message);
    void vscode.window.showErrorMessage(message);
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.startGateway', async () => {
      try {
        const wasRunning = !!gateway;
        const gw = await start();
        const choice = await vscode.window.showInformationMessage(
          `${wasRunning ? 'The local gateway is already running' : 'Local gateway started'} on ${gw.url}. Use the local token as the API key.`,
          'Copy Snippet',
          'Copy Token',
          'Stop',
        );
        if (choice === 'Copy Snippet') await copySnippet(gw);
        else if (choice === 'Copy Token') await vscode.env.clipboard.writeText(gw.token);
        else if (choice === 'Stop') await vscode.commands.executeCommand('switchboard.stopGateway');
      } catch (err) {
        reportError('Could not start the local gateway', err);
      }
    }),
    vscode.commands.registerCommand('switchboard.stopGateway', async () => {
      const gw = gateway;
      if (!gw) return void vscode.window.showInformationMessage('The local gateway is not running.');
      gateway = undefined;
      const disconnected = agents.disconnect();
      await gw.close();
      deps.log(`local gateway stopped${disconnected ? '; terminal agents disconnected' : ''}`);
      void vscode.window.showInformationMessage('Local gateway stopped; its token is no longer valid.');
    }),
    vscode.commands.registerCommand('switchboard.copyGatewaySnippet', async () => {
      try {
        if (!gateway) {
          const choice = await vscode.window.showInformationMessage('The local gateway is not running. Start it?', 'Start');
          if (choice !== 'Start') return;
        }
        await copySnippet(await start());
      } catch (err) {
        reportError('Could not copy a gateway snippet', err);
      }
    }),
    vscode.commands.registerCommand('switchboard.connectTerminalAgents', async () => {
      try {
        const gw = await start();
        agents.connect(gw);
        deps.log(`terminal agents connected to ${gw.url}`);
        const choice = await vscode.window.showInformationMessage(
          `New terminals now send Claude Code, Codex and other agents through Switchboard (${gw.url}). Codex also needs a provider in ~/.codex/config.toml.`,
          'Copy Codex Config',
          'Open Terminal',
        );
        if (choice === 'Copy Codex Config') {
          await vscode.env.clipboard.writeText(codexConfigLines(gw));
          void vscode.window.showInformationMessage(
            `Codex provider lines copied: paste them into ~/.codex/config.toml. The port changes on every start unless "switchboard.localGateway.port" is set.`,
          );
        } else if (choice === 'Open Terminal') vscode.window.createTerminal({ name: 'Switchboard agents' }).show();
      } catch (err) {
        reportError('Could not connect terminal agents', err);
      }
    }),
    vscode.commands.registerCommand('switchboard.disconnectTerminalAgents', () => {
      const was = agents.disconnect();
      deps.log('terminal agents disconnected');
      void vscode.window.showInformationMessage(
        was ? 'Terminal agents disconnected: new terminals no longer point at the local gateway.' : 'Terminal agents were not connected.',
      );
    }),
    new vscode.Disposable(() => {
      agents.disconnect();
      void gateway?.close();
      gateway = undefined;
    }),
  );
}
