// The one way a quick pick is awaited: shown, resolved once with what was accepted (the selected item and the typed
// text) or undefined when dismissed, and disposed on hide. Ask Model and Switch Model both use it.
import type * as vscode from 'vscode';

export interface Accepted<T extends vscode.QuickPickItem> {
  /** The highlighted item when Enter was pressed; undefined when no item matched what was typed. */
  item: T | undefined;
  /** What was typed into the box. */
  value: string;
}

/** Shows `qp` and resolves when it hides: with what was accepted, or undefined when it was dismissed. */
export function accepted<T extends vscode.QuickPickItem>(qp: vscode.QuickPick<T>): Promise<Accepted<T> | undefined> {
  return new Promise((resolve) => {
    let result: Accepted<T> | undefined;
    const onAccept = qp.onDidAccept(() => {
      result = { item: qp.selectedItems[0], value: qp.value };
      qp.hide();
    });
    const onHide = qp.onDidHide(() => {
      onAccept.dispose();
      onHide.dispose();
      qp.dispose();
      resolve(result);
    });
    qp.show();
  });
}
