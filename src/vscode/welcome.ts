// The getting-started walkthrough on the first start of a profile without a key. On a fresh profile VS Code opens its
// own Welcome editor at start-up and selects its first-start walkthrough ("Setup VS Code") in it, after we activate;
// selecting ours in that editor does not stick. So ours waits for that Welcome editor (a few seconds at most), closes
// it and opens in a fresh one. The profile is marked welcomed once ours has opened; each start logs its decision (the
// e2e test reads it).
import * as vscode from 'vscode';
import { WELCOMED_KEY as WELCOMED } from './ids';
import type { KeyStore } from './keys/secrets';

/** How long to wait for VS Code's own start-up Welcome editor before opening ours anyway (it may be turned off). */
const STARTUP_WELCOME_MS = 8_000;

/** VS Code's Welcome editor (its tab has no input type the API exposes; its label is "Welcome" or "Walkthrough: …"). */
const welcomeTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input === undefined && (t.label === 'Welcome' || t.label.startsWith('Walkthrough:')));

export async function openWalkthroughOnFirstRun(ctx: vscode.ExtensionContext, keys: KeyStore, log: (line: string) => void): Promise<void> {
  if (ctx.globalState.get<boolean>(WELCOMED)) {
    log('welcome: shown before on this profile; not opened again');
    return;
  }
  if (await keys.hasGatewayKey()) {
    log('welcome: a key is set already; the walkthrough is not opened');
    await ctx.globalState.update(WELCOMED, true);
    return;
  }
  try {
    const theirs = await startupWelcome();
    if (theirs.length) await vscode.window.tabGroups.close(theirs);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ctx.extension.id}#switchboard.welcome`, false);
    await ctx.globalState.update(WELCOMED, true);
    log(`welcome: opened the walkthrough (first start of this profile${theirs.length ? ", in place of VS Code's start-up Welcome editor" : ''})`);
  } catch (err) {
    log(`welcome: could not open the walkthrough (${err instanceof Error ? err.message : String(err)}); trying again next start`);
  }
}

/** VS Code's start-up Welcome editor, once it is open (waited for up to STARTUP_WELCOME_MS); empty if none opens. */
function startupWelcome(): Promise<vscode.Tab[]> {
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(timer);
      listener.dispose();
      resolve(welcomeTabs());
    };
    const timer = setTimeout(settle, STARTUP_WELCOME_MS);
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (welcomeTabs().length) settle();
    });
    if (welcomeTabs().length) settle();
  });
}
