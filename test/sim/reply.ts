// Carries out a Plan on an HTTP response: SSE or JSON, with the plan's delays and cuts.
import type { ServerResponse } from 'node:http';
import type { AnswerPlan, Plan, RawPlan } from './modes';
import type { ReplyIdentity, UsageFigures } from './wire';
import { DONE_FRAME, StreamFrames, completionBody, contentDeltas, errorBody, finishReasonOf } from './wire';

/** Per-request timers and the server's own socket kills, so close() and client aborts can clean up. */
export interface ReplyScope {
  /** Runs fn after ms (synchronously when ms is 0) unless the request has ended. */
  later(ms: number, fn: () => void): void;
  /** Drops the connection on purpose (not counted as a client abort). */
  destroy(res: ServerResponse): void;
}

export interface ReplyContext {
  identity: ReplyIdentity;
  stream: boolean;
  includeUsage: boolean;
  promptTokens: number;
  scope: ReplyScope;
  /** Called once an answer has been fully handed to the socket. */
  onCompleted: (usage: UsageFigures) => void;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendReply(res: ServerResponse, plan: Plan, ctx: ReplyContext): void {
  switch (plan.kind) {
    case 'hang':
      return; // The scope's cleanup (client abort or close()) ends it.
    case 'error':
      return sendJson(res, plan.status, errorBody(plan), { 'x-request-id': ctx.identity.id, ...plan.headers });
    case 'answer':
      return ctx.stream ? streamAnswer(res, plan, ctx) : jsonAnswer(res, plan, ctx);
    case 'raw':
      return rawReply(res, plan, ctx);
  }
}

function rawReply(res: ServerResponse, plan: RawPlan, ctx: ReplyContext): void {
  const { scope } = ctx;
  const single = plan.head === '' && plan.pieces.length === 1;
  const headers: Record<string, string> = { 'x-request-id': ctx.identity.id, ...plan.headers };
  if (single) headers['content-length'] = String(Buffer.byteLength(plan.pieces[0]));
  res.writeHead(plan.status, headers);
  if (plan.head !== '') res.write(plan.head);
  else if (plan.firstTokenMs > 0) res.flushHeaders();
  const usage = plan.usage;
  if (usage) res.once('finish', () => ctx.onCompleted(usage));
  let next = 0;
  const step = (): void => {
    const piece = plan.pieces[next++];
    if (next >= plan.pieces.length) return void res.end(piece);
    if (plan.chunkMs === 0) {
      // Without a delay, the rest leaves in one write.
      return void res.end(piece + plan.pieces.slice(next).join(''));
    }
    res.write(piece);
    scope.later(plan.chunkMs, step);
  };
  scope.later(plan.firstTokenMs, step);
}

function usageOf(plan: AnswerPlan, ctx: ReplyContext): UsageFigures {
  return { promptTokens: ctx.promptTokens, completionTokens: plan.completionTokens };
}

function streamAnswer(res: ServerResponse, plan: AnswerPlan, ctx: ReplyContext): void {
  const { scope, identity } = ctx;
  const cut = plan.cut;
  if (cut?.how === 'reset' && cut.after === 0) {
    scope.later(plan.firstTokenMs, () => scope.destroy(res));
    return;
  }
  const frames = new StreamFrames(identity, ctx.includeUsage);
  const deltas = contentDeltas(plan.content);
  const count = cut ? Math.min(cut.after, deltas.length) : deltas.length;
  const usage = usageOf(plan, ctx);

  res.writeHead(200, { ...SSE_HEADERS, 'x-request-id': identity.id });
  // Without a delay the headers leave with the first frames in one packet.
  if (plan.firstTokenMs > 0) res.flushHeaders();

  const tail = (): string => {
    if (cut) return cut.how === 'malformed' ? frames.malformed() : '';
    return frames.finish(finishReasonOf(plan.content)) + (ctx.includeUsage ? frames.usage(usage) : '') + DONE_FRAME;
  };
  const finish = (text: string): void => {
    if (cut?.how === 'reset') {
      if (text === '') scope.destroy(res);
      else res.write(text, () => scope.destroy(res));
      return;
    }
    if (!cut) res.once('finish', () => ctx.onCompleted(usage));
    res.end(text);
  };

  if (plan.chunkMs === 0 || count <= 1) {
    scope.later(plan.firstTokenMs, () => {
      let text = '';
      for (let i = 0; i < count; i++) text += frames.delta(deltas[i]);
      finish(text + tail());
    });
    return;
  }
  let next = 0;
  const step = (): void => {
    const frame = frames.delta(deltas[next++]);
    if (next === count) return finish(frame + tail());
    res.write(frame);
    scope.later(plan.chunkMs, step);
  };
  scope.later(plan.firstTokenMs, step);
}

function jsonAnswer(res: ServerResponse, plan: AnswerPlan, ctx: ReplyContext): void {
  const { scope, identity } = ctx;
  const cut = plan.cut;
  const chunks = plan.content.type === 'text' ? Math.max(1, plan.content.pieces.length) : 1 + plan.content.argPieces.length;
  // As long as the same answer would take to stream.
  const delay = plan.firstTokenMs + plan.chunkMs * (chunks - 1);
  const usage = usageOf(plan, ctx);
  scope.later(delay, () => {
    const body = completionBody(identity, plan.content, usage);
    const headers = { 'x-request-id': identity.id };
    if (!cut) {
      res.once('finish', () => ctx.onCompleted(usage));
      return sendJson(res, 200, body, headers);
    }
    const half = body.slice(0, Math.floor(body.length / 2));
    if (cut.how === 'malformed') return sendJson(res, 200, half, headers);
    if (cut.after === 0) return scope.destroy(res);
    // Announce the whole body, send half, then drop the connection.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.write(half, () => scope.destroy(res));
  });
}
