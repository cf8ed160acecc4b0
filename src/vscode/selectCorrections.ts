// Glue for smart-select's learning from corrections: what the chat reports when the user re-asks with another model,
// and the reset command (where the learning is stored: selectLearningStore.ts). The logic is in core/select/learning.ts.
import * as vscode from 'vscode';
import type { ChatCompletionMessageParam } from '../core/base/types';
import type { RoutingLog } from './log';
import type { Services } from './services';

export interface SelectCorrections extends vscode.Disposable {
  /** The chat saw the user re-ask a smart-select answer with `model`. */
  reaskedWith(messages: ChatCompletionMessageParam[], model: string): void;
}

export function registerSelectCorrections(services: Services, log: RoutingLog): SelectCorrections {
  const command = vscode.commands.registerCommand('switchboard.resetSmartSelectLearning', async () => {
    await (await services.core()).resetSelectLearning();
    void vscode.window.showInformationMessage(vscode.l10n.t('smart-select forgot the corrections it learned in this workspace.'));
  });
  return {
    reaskedWith(messages, model) {
      void services
        .core()
        .then((core) => core.recordSelectCorrection({ messages }, model))
        .then((counted) => counted && log.info(`[smart-select] counted a correction: a stronger model (${model}) was chosen for a similar prompt`))
        .catch((err: unknown) => log.warn(`[smart-select] could not record a correction: ${err instanceof Error ? err.message : String(err)}`));
    },
    dispose: () => command.dispose(),
  };
}
