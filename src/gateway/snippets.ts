// Copy-paste snippets for calling the local gateway with the official OpenAI SDKs.
import { SMART_SELECT } from '../core/config/names';

export interface SnippetInput {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** The local gateway token (never the provider key). */
  token: string;
  model?: string;
}

export function pythonSnippet(i: SnippetInput): string {
  const model = i.model ?? SMART_SELECT;
  return [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${JSON.stringify(i.url)}, api_key=${JSON.stringify(i.token)})`,
    'reply = client.chat.completions.create(',
    `    model=${JSON.stringify(model)},`,
    '    messages=[{"role": "user", "content": "Hello!"}],',
    ')',
    'print(reply.choices[0].message.content)',
    '',
  ].join('\n');
}

export function nodeSnippet(i: SnippetInput): string {
  const model = i.model ?? SMART_SELECT;
  return [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: ${JSON.stringify(i.url)}, apiKey: ${JSON.stringify(i.token)} });`,
    'const reply = await client.chat.completions.create({',
    `  model: ${JSON.stringify(model)},`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '});',
    'console.log(reply.choices[0].message.content);',
    '',
  ].join('\n');
}

export function curlSnippet(i: SnippetInput): string {
  const model = i.model ?? SMART_SELECT;
  return [
    `curl ${i.url}/chat/completions \\`,
    `  -H "Authorization: Bearer ${i.token}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d '{"model": ${JSON.stringify(model)}, "messages": [{"role": "user", "content": "Hello!"}]}'`,
    '',
  ].join('\n');
}

export function envSnippet(i: SnippetInput): string {
  return `export OPENAI_BASE_URL=${i.url}\nexport OPENAI_API_KEY=${i.token}\n`;
}
