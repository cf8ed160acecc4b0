// A ChatRouter that records each request (and the client it names) and answers "ok" at once, with a done event naming the requested model.
import { Emitter } from '../../../src/core/base/lifecycle';
import type { ChatRequest, ChatRouter, RouteYield, RoutingEvent } from '../../../src/core/base/types';

export interface RecordingRouter extends ChatRouter {
  /** Every request routed, in order. */
  requests: ChatRequest[];
  /** The client each request named (RouteOptions.client), in the same order. */
  clients: (string | undefined)[];
}

/** `served`: the model the answer says served it (and answered it). */
export function recordingRouter(served = 'sim/echo'): RecordingRouter {
  const requests: ChatRequest[] = [];
  const clients: (string | undefined)[] = [];
  const events = new Emitter<RoutingEvent>();
  return {
    requests,
    clients,
    onEvent: events.event,
    async *route(req, opts): AsyncGenerator<RouteYield> {
      requests.push(req);
      clients.push(opts?.client);
      yield { type: 'chunk', text: 'ok', model: served, chunk: { id: 'c', object: 'chat.completion.chunk', created: 0, model: served, choices: [] } };
      yield {
        type: 'done',
        requestId: 'r',
        at: 0,
        requested: req.model,
        answeredBy: served,
        served,
        costSource: 'priced',
        endpoint: 'gateway',
        attempts: 1,
        fallback: false,
        usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, estimated: false },
        costUsd: 0,
        msToFirstToken: 1,
        msTotal: 1,
      };
    },
  };
}
