// The smallest upstreams a streamed answer can come from, for benchmarks: one process per stub, each answering every
// POST at once with the same short streamed answer, in Anthropic's Messages dialect or in OpenAI's Chat Completions
// dialect. The Anthropic one is the floor an Anthropic client's time-to-first-text is measured against.
// `node --import tsx bench/support/stubUpstream.ts anthropic|openai` prints `listening on http://127.0.0.1:PORT`.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const WORDS = ['Hello', ' from', ' the', ' stub', '.'];
const SSE = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

const event = (e: { type: string }) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

function anthropicAnswer(res: ServerResponse): void {
  res.writeHead(200, SSE);
  const usage = { input_tokens: 5, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  res.write(
    event({
      type: 'message_start',
      message: { id: 'msg_stub', type: 'message', role: 'assistant', model: 'stub', content: [], stop_reason: null, stop_sequence: null, usage },
    } as { type: string }) + event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as { type: string }),
  );
  for (const w of WORDS) res.write(event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } } as { type: string }));
  res.end(
    event({ type: 'content_block_stop', index: 0 } as { type: string }) +
      event({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { ...usage, output_tokens: WORDS.length } } as {
        type: string;
      }) +
      event({ type: 'message_stop' }),
  );
}

function openaiAnswer(res: ServerResponse): void {
  res.writeHead(200, SSE);
  const base = { id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 0, model: 'stub' };
  const data = (v: unknown) => `data: ${JSON.stringify(v)}\n\n`;
  res.write(data({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
  for (const w of WORDS) res.write(data({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] }));
  res.end(
    data({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
      data({ ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: WORDS.length, total_tokens: 5 + WORDS.length } }) +
      'data: [DONE]\n\n',
  );
}

const dialect = process.argv[2];
if (dialect !== 'anthropic' && dialect !== 'openai') throw new Error('usage: stubUpstream.ts anthropic|openai');
const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
  if (req.method !== 'POST') {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'stub', object: 'model' }] }));
  }
  req.resume();
  req.on('end', () => (dialect === 'anthropic' ? anthropicAnswer(res) : openaiAnswer(res)));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
