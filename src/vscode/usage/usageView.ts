// "Switchboard: Show Usage": one webview panel with charts and a per-model table, fed from the usage ledger. After a
// window reload VS Code hands the panel back through the serializer (usageCommand.ts) and `adoptUsagePanel` refills it.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { BudgetStatus } from '../../core/base/types';
import type { UsageLedger } from '../../core/usage/ledger';
import type { UsageRecord } from '../../core/usage/record';
import { toCsv, localDay } from '../../core/usage/stats';
import { usageWebviewMessage, type UsageHostMessage } from '../../usageProtocol';
import { USAGE_VIEW_TYPE } from '../ids';
import { webviewHtml } from '../webviewHtml';

export interface UsageViewDeps {
  ledger: UsageLedger;
  budget: () => BudgetStatus;
}

const WINDOW_DAYS = 30;
/** Bursts of ledger changes (a hedge, several quick answers) become one refresh. */
const REFRESH_DEBOUNCE_MS = 200;

let current: vscode.WebviewPanel | undefined;

/** Opens the usage panel, or reveals it if it is already open. */
export function showUsageView(ctx: vscode.ExtensionContext, deps: UsageViewDeps): void {
  if (current) {
    current.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel(USAGE_VIEW_TYPE, 'Switchboard Usage', vscode.ViewColumn.Active, panelOptions(ctx));
  adoptUsagePanel(panel, ctx, deps);
}

const panelOptions = (ctx: vscode.ExtensionContext): vscode.WebviewOptions => ({
  enableScripts: true,
  localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'media')],
});

/** Fills a usage panel, a new one or one VS Code restored after a reload, and keeps it up to date. */
export function adoptUsagePanel(panel: vscode.WebviewPanel, ctx: vscode.ExtensionContext, deps: UsageViewDeps): void {
  current?.dispose();
  current = panel;
  panel.webview.options = panelOptions(ctx);
  panel.webview.html = renderHtml(panel.webview, vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'media'));

  const post = (message: UsageHostMessage) => void panel.webview.postMessage(message);
  const sendUsage = () => {
    const now = Date.now();
    post({ type: 'usage', summary: deps.ledger.summary({ now, days: WINDOW_DAYS }), budget: deps.budget(), windowDays: WINDOW_DAYS });
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const ledgerChanges = deps.ledger.onDidChange(() => {
    if (!panel.visible || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      sendUsage();
    }, REFRESH_DEBOUNCE_MS);
  });
  const subscriptions: vscode.Disposable[] = [
    new vscode.Disposable(() => ledgerChanges.dispose()),
    // A hidden webview drops its DOM; it asks again with `ready` when shown, and a visible one refreshes here.
    panel.onDidChangeViewState(() => {
      if (panel.visible) sendUsage();
    }),
    panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = usageWebviewMessage.safeParse(raw);
      if (!parsed.success) return;
      switch (parsed.data.type) {
        case 'ready':
          sendUsage();
          return;
        case 'exportCsv':
          post(await exportCsv(deps.ledger));
          return;
      }
    }),
  ];

  panel.onDidDispose(() => {
    if (timer) clearTimeout(timer);
    for (const s of subscriptions) s.dispose();
    current = undefined;
  });
}

async function exportCsv(ledger: UsageLedger): Promise<UsageHostMessage> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `switchboard-usage-${localDay(Date.now())}.csv`;
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export Switchboard usage as CSV'),
    filters: { CSV: ['csv'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) return { type: 'exported', ok: false, message: vscode.l10n.t('Export cancelled.') };
  let records: UsageRecord[];
  try {
    records = await ledger.readAll();
  } catch (err) {
    const message = vscode.l10n.t('Could not read the usage ledger {0}: {1}.', ledger.file, err instanceof Error ? err.message : String(err));
    return { type: 'exported', ok: false, message };
  }
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(toCsv(records)));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const message = vscode.l10n.t('Could not write {0}: {1}. Choose another location.', target.fsPath, reason);
    void vscode.window.showErrorMessage(message);
    return { type: 'exported', ok: false, message };
  }
  return { type: 'exported', ok: true, message: vscode.l10n.t('Exported {0} records to {1}.', records.length, target.fsPath) };
}

function renderHtml(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
  const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, file)).toString();
  return webviewHtml({
    title: 'Switchboard Usage',
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: uri('usage.js'),
    styleUris: [uri('usage.css')],
    extraImgSrc: 'data:',
    placeholder: '<main id="app" aria-live="polite"><p class="muted">Loading usage…</p></main>',
  });
}
