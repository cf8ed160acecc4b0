// Reads what the user attaches to a chat question: a file (through VS Code's file system API, so remote and web
// workspaces work), the selection, the open editors, the active file's problems, the active terminal's last command
// output. Binary and oversized files are refused with a message that says why and how big.
import * as vscode from 'vscode';
import type { ContextAttachment, ContextKind } from '../../core/prompt/chatContext';
import { fenceLanguage } from './fenceLanguage';
import type { TerminalOutputs } from './terminalOutputs';

/** Larger files are refused: a selection of them can still be attached. */
export const MAX_ATTACHED_BYTES = 256 * 1024;
const BINARY_PROBE_BYTES = 8 * 1024;

let seq = 0;
const nextId = (): string => `c${Date.now().toString(36)}${(seq++).toString(36)}`;

const relative = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** Why a file of `size` bytes starting with `head` cannot be attached, or undefined. */
export function refusal(name: string, size: number, head: Uint8Array): string | undefined {
  if (size > MAX_ATTACHED_BYTES)
    return vscode.l10n.t(
      '{0} is {1}; files up to {2} can be attached. Select the part you need and use "Add Selection to Chat".',
      name,
      formatBytes(size),
      formatBytes(MAX_ATTACHED_BYTES),
    );
  if (head.subarray(0, BINARY_PROBE_BYTES).includes(0))
    return vscode.l10n.t('{0} looks binary (it has a NUL byte in its first 8 KB); only text files can be attached.', name);
  return undefined;
}

async function fileAttachment(uri: vscode.Uri): Promise<ContextAttachment | undefined> {
  const path = relative(uri);
  // An open document's text is what the user sees (unsaved edits included).
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  let text: string;
  let languageId: string | undefined = open?.languageId;
  if (open) {
    text = open.getText();
    const why = refusal(path, Buffer.byteLength(text), new Uint8Array());
    if (why) return refuse(why);
  } else {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      return refuse(vscode.l10n.t('Could not read {0}: {1}', path, err instanceof Error ? err.message : String(err)));
    }
    const why = refusal(path, bytes.length, bytes);
    if (why) return refuse(why);
    text = new TextDecoder().decode(bytes);
    languageId = undefined;
  }
  return { id: nextId(), kind: 'file', label: path, path, language: fenceLanguage(languageId, path), text };
}

function refuse(message: string | undefined): undefined {
  if (message) void vscode.window.showWarningMessage(`Switchboard: ${message}`);
  return undefined;
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out}/**', 2000);
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: relative(uri), uri })),
    { title: vscode.l10n.t('Add File to Chat'), placeHolder: vscode.l10n.t('File to attach'), matchOnDescription: true },
  );
  return pick?.uri;
}

async function selection(): Promise<ContextAttachment | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return refuse(vscode.l10n.t('select some code in an editor first, then add the selection to the chat.'));
  const { start, end } = editor.selection;
  const path = relative(editor.document.uri);
  const text = editor.document.getText(editor.selection);
  if (Buffer.byteLength(text) > MAX_ATTACHED_BYTES)
    return refuse(vscode.l10n.t('the selection is {0}; up to {1} can be attached.', formatBytes(Buffer.byteLength(text)), formatBytes(MAX_ATTACHED_BYTES)));
  return {
    id: nextId(),
    kind: 'selection',
    label: `${path}:${start.line + 1}-${end.line + 1}`,
    path,
    language: fenceLanguage(editor.document.languageId, path),
    text,
  };
}

async function openEditors(): Promise<ContextAttachment[]> {
  const uris = vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri] : []));
  const unique = [...new Map(uris.map((u) => [u.toString(), u])).values()];
  if (unique.length === 0) return refuse(vscode.l10n.t('no editors are open.')) ?? [];
  const read = await Promise.all(unique.map(fileAttachment));
  return read.filter((a): a is ContextAttachment => a !== undefined);
}

function problems(): ContextAttachment | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return refuse(vscode.l10n.t('open a file to attach its problems.'));
  const path = relative(editor.document.uri);
  const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
  if (diagnostics.length === 0) return refuse(vscode.l10n.t('{0} has no problems to attach.', path));
  const severity = ['error', 'warning', 'info', 'hint'];
  const text = diagnostics
    .map(
      (d) =>
        `${path}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity[d.severity] ?? 'error'}: ${d.message}${d.source ? ` (${d.source})` : ''}`,
    )
    .join('\n');
  return { id: nextId(), kind: 'problems', label: `Problems in ${path} (${diagnostics.length})`, text };
}

function terminal(outputs: TerminalOutputs): ContextAttachment | undefined {
  const active = vscode.window.activeTerminal;
  if (!active) return refuse(vscode.l10n.t('no terminal is active.'));
  const last = outputs.last(active);
  if (!last)
    return refuse(
      vscode.l10n.t(
        'no command output is known for terminal "{0}": output can be read only from commands run with shell integration after Switchboard started.',
        active.name,
      ),
    );
  return { id: nextId(), kind: 'terminal', label: `Terminal: ${active.name}`, text: `$ ${last.command}\n${last.output}` };
}

const KIND_ITEMS: { context: ContextKind; label: string; detail: string }[] = [
  { context: 'file', label: '#file', detail: "The active editor's file, or one you pick" },
  { context: 'selection', label: '#selection', detail: 'The selected text in the active editor' },
  { context: 'editors', label: '#editors', detail: 'Every open editor' },
  { context: 'problems', label: '#problems', detail: 'Errors and warnings of the active file' },
  { context: 'terminal', label: '#terminal', detail: 'The last command and its output in the active terminal' },
];

export interface GatherOptions {
  /** A file chosen from the explorer or an editor tab (Add File to Chat). */
  uri?: vscode.Uri;
  terminals: TerminalOutputs;
}

export async function gatherContext(kind: ContextKind | 'pick', opts: GatherOptions): Promise<ContextAttachment[]> {
  if (kind === 'pick') {
    const choice = await vscode.window.showQuickPick(KIND_ITEMS, { title: vscode.l10n.t('Add Context to the Chat') });
    if (!choice) return [];
    if (choice.context === 'file') {
      const uri = await pickFile();
      return uri ? [await fileAttachment(uri)].filter((a): a is ContextAttachment => a !== undefined) : [];
    }
    kind = choice.context;
  }
  const one = (a: ContextAttachment | undefined): ContextAttachment[] => (a ? [a] : []);
  switch (kind satisfies ContextKind) {
    case 'file': {
      const uri = opts.uri ?? vscode.window.activeTextEditor?.document.uri ?? (await pickFile());
      return uri ? one(await fileAttachment(uri)) : [];
    }
    case 'selection':
      return one(await selection());
    case 'editors':
      return openEditors();
    case 'problems':
      return one(problems());
    case 'terminal':
      return one(terminal(opts.terminals));
    default:
      return [];
  }
}
