// The last command and its output per terminal, read through shell integration (the only way the API allows).
// Kept small: only the last command, its output capped.
import * as vscode from 'vscode';

const MAX_OUTPUT_CHARS = 64 * 1024;
// CSI sequences (colours, cursor moves) and OSC sequences (titles, shell-integration marks) mean nothing to a model.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export interface TerminalOutputs {
  last(terminal: vscode.Terminal): { command: string; output: string } | undefined;
}

export function trackTerminalOutputs(): TerminalOutputs & vscode.Disposable {
  const last = new WeakMap<vscode.Terminal, { command: string; output: string }>();
  const onStart = vscode.window.onDidStartTerminalShellExecution as typeof vscode.window.onDidStartTerminalShellExecution | undefined;
  const subscription = onStart?.((e) => {
    const entry = { command: e.execution.commandLine.value, output: '' };
    last.set(e.terminal, entry);
    void (async () => {
      for await (const data of e.execution.read()) {
        entry.output = (entry.output + data.replace(ESCAPES, '')).slice(-MAX_OUTPUT_CHARS);
      }
    })().catch(() => undefined);
  });
  return {
    last: (terminal) => last.get(terminal),
    dispose: () => subscription?.dispose(),
  };
}
