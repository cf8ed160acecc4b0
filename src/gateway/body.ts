// Reads a request body up to a limit. Past the limit nothing more is kept: the rest is drained and discarded (so
// the client can finish sending and read our 413), and the socket is cut if a client keeps sending far beyond it.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted' };

const DRAIN_CAP_FACTOR = 16;

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve(drainTooLarge(req, limit, 0));
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (b: Buffer) => {
      size += b.length;
      if (size > limit) {
        cleanup();
        parts.length = 0;
        resolve(drainTooLarge(req, limit, size));
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

function drainTooLarge(req: IncomingMessage, limit: number, alreadyRead: number): BodyResult {
  let drained = alreadyRead;
  const cap = limit * DRAIN_CAP_FACTOR;
  req.on('data', (b: Buffer) => {
    drained += b.length;
    if (drained > cap) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
  return { ok: false, reason: 'too-large' };
}
