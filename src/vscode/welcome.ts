// First run: opens the getting-started walkthrough once when no key is set anywhere.
import * as vscode from 'vscode';
import type { KeyStore } from './keys/secrets';

const WELCOMED = 'switchboard.welcomed';

/** First run with no key anywhere (SecretStorage or environment): open the getting-started walkthrough once. */
export async function openWalkthroughOnFirstRun(ctx: vscode.ExtensionContext, keys: KeyStore): Promise<void> {
  if (ctx.globalState.get<boolean>(WELCOMED)) return;
  await ctx.globalState.update(WELCOMED, true);
  if (await keys.hasGatewayKey()) return;
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ctx.extension.id}#switchboard.welcome`, false);
}
