// The ids both bundles use (src/boot.ts at start-up, the extension once loaded). Imports nothing, so the start-up
// bundle stays small.

/** The chat view (`contributes.views`). */
export const CHAT_VIEW_TYPE = 'switchboard.chatView';
/** The usage panel's webview type (restored after a reload by its serializer). */
export const USAGE_VIEW_TYPE = 'switchboard.usage';
/** The vendor VS Code lists Switchboard's language models under (`vscode.lm.selectChatModels({ vendor })`). */
export const LM_VENDOR = 'switchboard';
/** The @switchboard chat participant (`contributes.chatParticipants`). */
export const PARTICIPANT_ID = 'switchboard.participant';
/** globalState: the walkthrough was opened once on this profile. */
export const WELCOMED_KEY = 'switchboard.welcomed';
