// A tiny OpenAI-compatible upstream for tests that need it to misbehave on purpose: echo the caller's key back,
// send broken streams, never answer. The behaviour is chosen per request by a handler; every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  /** The raw Authorization header (what the hostile upstream could echo back). */
  authorization: string | undefined;
  /** The bearer key alone. */
  key: string | undefined;
  model: string | undefined;
  body: Record<string, unknown> | undefined;
}

export type HostileHandler = (req: SeenRequest, res: ServerResponse) => void;

export interface HostileUpstream {
  /** `http://HOST:PORT/v1` */
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startHostileUpstream(handler: HostileHandler, opts: { host?: string } = {}): Promise<HostileUpstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('error', () => {});
    req.on('end', () => {
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      const authorization = req.headers.authorization;
      const s: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization,
        key: authorization?.replace(/^Bearer\s+/i, ''),
        model: typeof body?.model === 'string' ? body.model : undefined,
        body,
      };
      seen.push(s);
      handler(s, res);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One SSE frame carrying a chunk with `content` (or a finish reason). */
export function sseChunk(content: string | null, finish: string | null = null): string {
  const delta = content === null ? {} : { content };
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

export function sseUsage(prompt: number, completion: number): string {
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`;
}

export const SSE_HEAD = { 'content-type': 'text/event-stream' };

/** A complete, well-formed streamed answer. */
export function sendAnswer(res: ServerResponse, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { ...SSE_HEAD, ...headers });
  res.end(sseChunk(text) + sseChunk(null, 'stop') + sseUsage(3, 2) + 'data: [DONE]\n\n');
}

export function sendJsonError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type: 'error', code: null } }));
}
