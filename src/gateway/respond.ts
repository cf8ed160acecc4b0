// Writing answers, shared by every route of the local gateway: JSON bodies, event-stream headers, back-pressure.
import type { ServerResponse } from 'node:http';

/** An event stream's headers, built once as the flat name/value list `writeHead` takes without copying into an object. */
export const SSE_HEADERS: string[] = ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', 'x-accel-buffering', 'no'];
const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  if (headers) res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  else res.writeHead(status, ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(text))]);
  res.end(text);
}

/** Resolves when the socket can take more, or the client went away. */
export function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends what `res` holds now. Node corks the socket at a response's write and sends at the end of the tick, which
 * holds a stream's first event back while the rest of a burst (and whatever runs after it in the same tick) is
 * processed; a stream's first write is flushed with this instead.
 */
export function flushNow(res: ServerResponse): void {
  const socket = res.socket;
  if (socket?.writableCorked) socket.uncork();
}
