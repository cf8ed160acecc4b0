// Request bodies of the local gateway: read up to a limit, or refused. A refused request (too large, unauthorised,
// unknown route) is answered at once, then the rest of its body is read and discarded so the client can finish
// sending and read the answer (a client whose socket is closed mid-send sees only a broken pipe), and then the
// connection closes. Discarding stops at DRAIN_CAP_FACTOR × the limit: past that the socket is cut.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted' };

const DRAIN_CAP_FACTOR = 16;

/** An error answer in any dialect's shape (OpenAI's, Anthropic's). */
export interface RefusalAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Reads the body whole. Past `limit` bytes it stops (the request is paused) and answers `too-large`: then `refuse` it. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (b: Buffer) => {
      size += b.length;
      if (size > limit) {
        cleanup();
        req.pause();
        parts.length = 0;
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      parts.push(b);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, text: parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts, size).toString('utf8') });
    };
    const onAbort = () => {
      cleanup();
      resolve({ ok: false, reason: 'aborted' });
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}

/**
 * The body as text, or undefined once answered: too large → the 413 `tooLarge` shapes in the route's dialect (and the
 * rest of the body drained); the client went away → nothing.
 */
export async function bodyOrRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  tooLarge: (message: string) => RefusalAnswer,
): Promise<string | undefined> {
  const body = await readBody(req, limit);
  if (body.ok) return body.text;
  if (body.reason === 'too-large')
    refuse(req, res, tooLarge(`The request body is larger than the local gateway's limit of ${Math.round(limit / 1024 / 1024)} MB.`), { bodyLimit: limit });
  return undefined;
}

/**
 * Answers `error` with `connection: close` now, and ends the answer (closing the connection) once the client has sent
 * its whole body, which is discarded, or destroys the socket after `DRAIN_CAP_FACTOR × bodyLimit` bytes.
 */
export function refuse(req: IncomingMessage, res: ServerResponse, error: RefusalAnswer, opts: { bodyLimit: number; headers?: Record<string, string> }): void {
  const text = JSON.stringify(error.body);
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...error.headers,
    ...opts.headers,
    connection: 'close',
  });
  res.write(text);
  if (req.complete) return void res.end();
  const cap = opts.bodyLimit * DRAIN_CAP_FACTOR;
  let discarded = 0;
  const onData = (b: Buffer) => {
    discarded += b.length;
    if (discarded <= cap) return;
    req.off('data', onData);
    res.end();
    req.socket.destroy();
  };
  req.on('data', onData);
  req.on('end', () => res.end());
  req.on('error', () => res.destroy());
  req.resume();
}
