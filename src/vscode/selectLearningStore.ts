// Where smart-select's learning from corrections is stored: this workspace's state (core/select/learning.ts holds the
// logic). Its own file so that services.ts and selectCorrections.ts do not import each other.
import type * as vscode from 'vscode';
import type { LearningStore } from '../core/select/learning';

const STATE_KEY = 'switchboard.smartSelect.learning';

export function selectLearningStore(ctx: vscode.ExtensionContext): LearningStore {
  return { load: () => ctx.workspaceState.get<unknown>(STATE_KEY), save: (state) => ctx.workspaceState.update(STATE_KEY, state) };
}
