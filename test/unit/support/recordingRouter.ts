// A ChatRouter that records each request and answers "ok" at once, with a done event naming the requested model.
import { Emitter } from '../../../src/core/base/lifecycle';
import type { ChatRequest, ChatRouter, RouteYield, RoutingEvent } from '../../../src/core/base/types';

export function recordingRouter(): ChatRouter & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  const events = new Emitter<RoutingEvent>();
  return {
    requests,
    onEvent: events.event,
    async *route(req): AsyncGenerator<RouteYield> {
      requests.push(req);
      yield { type: 'chunk', text: 'ok', model: 'sim/echo', chunk: { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'sim/echo', choices: [] } };
      yield {
        type: 'done',
        requestId: 'r',
        at: 0,
        requested: req.model,
        answeredBy: 'sim/echo',
        served: 'sim/echo',
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
