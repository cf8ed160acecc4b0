// Test-only extension (installed in the e2e profile only): another extension using Switchboard through vscode.lm.
// Each command writes what happened to <workspace>/lm-caller-result.json, which the spec reads.
// - LM Caller: Tool Round Trip: the model asks for the `lookup` tool, this extension runs it, sends the result back
//   as a LanguageModelToolResultPart, and records the final answer.
// - LM Caller: Ask: one plain request (for the usage ledger and budget checks).
// - LM Caller: Apply User Settings: writes <workspace>/lm-caller-user-settings.json into the user settings, as the
//   Settings editor would (code-server does not notice edits made to the user settings.json on disk, and budget.*
//   is read from the user settings only).
// The model ids come from the settings `lmCaller.toolModel` and `lmCaller.askModel`.
'use strict';
const vscode = require('vscode');

const TOOL = {
  name: 'lookup',
  description: 'Looks a word up in the test dictionary.',
  inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
};

function lookup(input) {
  return `dictionary says: ${String(input.q)} means a small furry animal (looked up by lm-caller)`;
}

async function model(setting) {
  const id = vscode.workspace.getConfiguration('lmCaller').get(setting) || 'smart-select';
  const [found] = await vscode.lm.selectChatModels({ vendor: 'switchboard', id });
  if (!found) throw new Error(`no switchboard model with id ${id}`);
  return found;
}

async function collect(response) {
  const text = [];
  const calls = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) text.push(part.value);
    else if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
  }
  return { text: text.join(''), calls };
}

async function write(result) {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const file = vscode.Uri.joinPath(folder, 'lm-caller-result.json');
  await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(result, null, 2)));
}

async function run(fn) {
  try {
    await write({ ok: true, ...(await fn(new vscode.CancellationTokenSource().token)) });
  } catch (error) {
    await write({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

async function toolRoundTrip(token) {
  const lm = await model('toolModel');
  const question = 'capybara';
  const messages = [vscode.LanguageModelChatMessage.User(question)];
  const first = await collect(await lm.sendRequest(messages, { tools: [TOOL] }, token));
  if (first.calls.length === 0) return { model: lm.id, step: 'no tool call', text: first.text };
  const call = first.calls[0];
  const toolResult = lookup(call.input);
  messages.push(vscode.LanguageModelChatMessage.Assistant([call]));
  messages.push(vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart(toolResult)])]));
  const second = await collect(await lm.sendRequest(messages, { tools: [TOOL] }, token));
  return { model: lm.id, call: { name: call.name, input: call.input }, toolResult, answer: second.text, tokens: await lm.countTokens(question) };
}

async function ask(token) {
  const lm = await model('askModel');
  const answer = await collect(await lm.sendRequest([vscode.LanguageModelChatMessage.User('hello from lm-caller')], {}, token));
  return { model: lm.id, answer: answer.text };
}

async function applyUserSettings() {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const patch = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'lm-caller-user-settings.json'))).toString('utf8'));
  const config = vscode.workspace.getConfiguration();
  for (const [key, value] of Object.entries(patch)) await config.update(key, value === null ? undefined : value, vscode.ConfigurationTarget.Global);
  return { applied: Object.keys(patch) };
}

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('lmCaller.toolRoundTrip', () => run(toolRoundTrip)),
    vscode.commands.registerCommand('lmCaller.ask', () => run(ask)),
    vscode.commands.registerCommand('lmCaller.applyUserSettings', () => run(applyUserSettings)),
  );
};
exports.deactivate = () => undefined;
