// Copy-paste snippets for calling the local gateway: the official OpenAI SDKs (Python, Node), curl and environment
// variables. Everything embedded (URL, token, model id) is quoted for the snippet's own language, so a hostile model
// id (a workspace's `switchboard.model`) stays data when the snippet is pasted into a shell or a file.
import { SMART_SELECT } from '../core/config/names';

export interface SnippetInput {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** The local gateway token (never the provider key). */
  token: string;
  model?: string;
}

/** A POSIX shell word that is exactly `s`: single quotes, each `'` written as `'\''`. Nothing inside expands. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A double-quoted string literal that is exactly `s` in JavaScript and in Python 3: JSON's escapes (`\"`, `\\`,
 * `\n`, `\uXXXX` for control characters and lone surrogates) mean the same in both; U+2028/U+2029 are escaped too.
 */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function pythonSnippet(i: SnippetInput): string {
  const model = i.model ?? SMART_SELECT;
  return [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${stringLiteral(i.url)}, api_key=${stringLiteral(i.token)})`,
    'reply = client.chat.completions.create(',
    `    model=${stringLiteral(model)},`,
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
    `const client = new OpenAI({ baseURL: ${stringLiteral(i.url)}, apiKey: ${stringLiteral(i.token)} });`,
    'const reply = await client.chat.completions.create({',
    `  model: ${stringLiteral(model)},`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '});',
    'console.log(reply.choices[0].message.content);',
    '',
  ].join('\n');
}

export function curlSnippet(i: SnippetInput): string {
  const model = i.model ?? SMART_SELECT;
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] });
  return [
    `curl ${shellQuote(`${i.url}/chat/completions`)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${i.token}`)} \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d ${shellQuote(body)}`,
    '',
  ].join('\n');
}

export function envSnippet(i: SnippetInput): string {
  return `export OPENAI_BASE_URL=${shellQuote(i.url)}\nexport OPENAI_API_KEY=${shellQuote(i.token)}\n`;
}
