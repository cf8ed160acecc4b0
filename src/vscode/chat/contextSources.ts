// Reads what the user attaches to a chat question: a file (through VS Code's file system API, so remote and web
// workspaces work), the selection, the open editors, the active file's problems, the active terminal's last command
// output. A file is read only when its real path is inside an open folder and outside .git (workspaceUri), and only
// after stat says it is a regular file within 256 KB (attachmentBounds); its chip names the real path. Lists and
// outputs are cut to the same 256 KB, saying what was left out. Refusals say why and how big.
import * as vscode from 'vscode';
import type { ContextAttachment, ContextKind } from '../../core/prompt/chatContext';
import { capLines, capTail, formatBytes, MAX_ATTACHED_BYTES, readBounded, type Refusal } from './attachmentBounds';
import { fenceLanguage } from './fenceLanguage';
import type { TerminalOutputs } from './terminalOutputs';
import { checkWorkspaceUri, realName } from './workspaceUri';

export { formatBytes, MAX_ATTACHED_BYTES };

let seq = 0;
const nextId = (): string => `c${Date.now().toString(36)}${(seq++).toString(36)}`;

const relative = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);

/** What to tell the user about a file that cannot be attached. */
function refusalText(name: string, r: Refusal): string {
  switch (r.why) {
    case 'too-large':
      return vscode.l10n.t(
        '{0} is {1}; files up to {2} can be attached. Select the part you need and use "Add Selection to Chat".',
        name,
        formatBytes(r.size),
        formatBytes(MAX_ATTACHED_BYTES),
      );
    case 'binary':
      return vscode.l10n.t('{0} looks binary (it has a NUL byte in its first 8 KB); only text files can be attached.', name);
    case 'not-a-file':
      return vscode.l10n.t('{0} is not a regular file (a folder, pipe, socket or device); only text files can be attached.', name);
    case 'unreadable':
      return vscode.l10n.t('Could not read {0}: {1}', name, r.detail ?? '');
  }
}

/** A file attachment, or a refusal shown to the user (`quiet` leaves that to the caller, e.g. #editors' summary). */
async function fileAttachment(uri: vscode.Uri, opts: { quiet?: boolean } = {}): Promise<ContextAttachment | string> {
  // An untitled editor is no file: its text is what the user typed.
  const untitled = uri.scheme === 'untitled' ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : undefined;
  const checked = untitled ? { ok: true as const, uri, label: relative(uri) } : await checkWorkspaceUri(uri);
  if (!checked.ok) return refused(checked.message, opts);
  const { label } = checked;
  // An open document's text is what the user sees (unsaved edits included).
  const open = untitled ?? vscode.workspace.textDocuments.find((d) => d.uri.toString() === checked.uri.toString() || d.uri.toString() === uri.toString());
  let text: string;
  let languageId: string | undefined = open?.languageId;
  if (open) {
    text = open.getText();
    const size = Buffer.byteLength(text);
    if (size > MAX_ATTACHED_BYTES) return refused(refusalText(label, { ok: false, why: 'too-large', size }), opts);
  } else {
    const read = await readBounded({
      stat: async () => {
        const st = await vscode.workspace.fs.stat(checked.uri);
        return { isFile: (st.type & vscode.FileType.File) !== 0, size: st.size };
      },
      read: () => Promise.resolve(vscode.workspace.fs.readFile(checked.uri)),
    });
    if (!read.ok) return refused(refusalText(label, read), opts);
    text = read.text;
    languageId = undefined;
  }
  return { id: nextId(), kind: 'file', label, path: label, language: fenceLanguage(languageId, label), text };
}

function refused(message: string, opts: { quiet?: boolean }): string {
  if (!opts.quiet) void vscode.window.showWarningMessage(`Switchboard: ${message}`);
  return message;
}

const attached = (a: ContextAttachment | string): ContextAttachment | undefined => (typeof a === 'string' ? undefined : a);

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
  const path = await realName(editor.document.uri);
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

/** Every open text editor's file, together within the bound: those that do not fit are left out, and named. */
async function openEditors(): Promise<ContextAttachment[]> {
  const uris = vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri] : []));
  const unique = [...new Map(uris.map((u) => [u.toString(), u])).values()];
  if (unique.length === 0) return refuse(vscode.l10n.t('no editors are open.')) ?? [];
  const out: ContextAttachment[] = [];
  const refusals: string[] = [];
  const leftOut: string[] = [];
  let used = 0;
  // One at a time: at most one file's bytes are read past the bound.
  for (const uri of unique) {
    const a = await fileAttachment(uri, { quiet: true });
    if (typeof a === 'string') refusals.push(a);
    else if (used + Buffer.byteLength(a.text) > MAX_ATTACHED_BYTES) leftOut.push(a.label);
    else {
      used += Buffer.byteLength(a.text);
      out.push(a);
    }
  }
  if (leftOut.length)
    refusals.unshift(
      vscode.l10n.t(
        '#editors attached {0} of {1} open files ({2}; up to {3} in all). Left out: {4}.',
        out.length,
        unique.length,
        formatBytes(used),
        formatBytes(MAX_ATTACHED_BYTES),
        leftOut.join(', '),
      ),
    );
  if (refusals.length) void vscode.window.showWarningMessage(`Switchboard: ${refusals.join(' ')}`.slice(0, 2000));
  return out;
}

async function problems(): Promise<ContextAttachment | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return refuse(vscode.l10n.t('open a file to attach its problems.'));
  const path = await realName(editor.document.uri);
  const diagnostics = [...vscode.languages.getDiagnostics(editor.document.uri)].sort(
    (a, b) => a.severity - b.severity || a.range.start.line - b.range.start.line,
  );
  if (diagnostics.length === 0) return refuse(vscode.l10n.t('{0} has no problems to attach.', path));
  const severity = ['error', 'warning', 'info', 'hint'];
  const lines = diagnostics.map(
    (d) =>
      `${path}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity[d.severity] ?? 'error'}: ${d.message}${d.source ? ` (${d.source})` : ''}`,
  );
  // Errors first, so what is cut is the least severe.
  const capped = capLines(lines, MAX_ATTACHED_BYTES - 200);
  if (!capped.dropped) return { id: nextId(), kind: 'problems', label: `Problems in ${path} (${diagnostics.length})`, text: capped.text };
  const note = vscode.l10n.t('… {0} more problems are not attached (up to {1} of problems can be).', capped.dropped, formatBytes(MAX_ATTACHED_BYTES));
  void vscode.window.showWarningMessage(
    `Switchboard: ${vscode.l10n.t('{0} has {1} problems; the first {2} (errors first) are attached.', path, diagnostics.length, capped.kept)}`,
  );
  return {
    id: nextId(),
    kind: 'problems',
    label: `Problems in ${path} (${capped.kept} of ${diagnostics.length})`,
    text: `${capped.text}\n${note}`,
  };
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
  // The end of the output matters most: what is cut is its beginning, and the text says so.
  const { text, cutBytes } = capTail(`$ ${last.command}\n${last.output}`);
  return { id: nextId(), kind: 'terminal', label: `Terminal: ${active.name}${cutBytes ? ` (last ${formatBytes(MAX_ATTACHED_BYTES)})` : ''}`, text };
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

const one = (a: ContextAttachment | undefined): ContextAttachment[] => (a ? [a] : []);

export async function gatherContext(kind: ContextKind | 'pick', opts: GatherOptions): Promise<ContextAttachment[]> {
  if (kind === 'pick') {
    const choice = await vscode.window.showQuickPick(KIND_ITEMS, { title: vscode.l10n.t('Add Context to the Chat') });
    if (!choice) return [];
    if (choice.context === 'file') {
      const uri = await pickFile();
      return uri ? one(attached(await fileAttachment(uri))) : [];
    }
    kind = choice.context;
  }
  switch (kind satisfies ContextKind) {
    case 'file': {
      const uri = opts.uri ?? vscode.window.activeTextEditor?.document.uri ?? (await pickFile());
      return uri ? one(attached(await fileAttachment(uri))) : [];
    }
    case 'selection':
      return one(await selection());
    case 'editors':
      return openEditors();
    case 'problems':
      return one(await problems());
    case 'terminal':
      return one(terminal(opts.terminals));
    default:
      return [];
  }
}
