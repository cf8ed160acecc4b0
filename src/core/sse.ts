// Server-sent events → OpenAI chunk objects. One JSON.parse per event, nothing else on the hot path.
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { chunkShapeProblem } from './chunks';

export interface ChunkHandlers {
  chunk(chunk: ChatCompletionChunk): void;
  /** `data: [DONE]` arrived. */
  done(): void;
  /** An event whose data is not JSON. */
  malformed(detail: string): void;
  /** An in-stream error object (`{"error": {...}}`, as OpenRouter sends mid-stream). */
  upstreamError(message: string, status: number | undefined): void;
}

export function createChunkParser(h: ChunkHandlers): EventSourceParser {
  return createParser({
    onEvent(ev) {
      const data = ev.data;
      if (data === '[DONE]') return h.done();
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return h.malformed(`unparsable event data ${JSON.stringify(data.length > 60 ? data.slice(0, 57) + '...' : data)}`);
      }
      if (typeof parsed !== 'object' || parsed === null) return h.malformed('event data is not an object');
      const err = (parsed as { error?: unknown }).error;
      if (err !== undefined && err !== null) {
        const e = typeof err === 'object' ? (err as { message?: unknown; code?: unknown; status?: unknown }) : { message: err };
        const status = typeof e.code === 'number' ? e.code : typeof e.status === 'number' ? e.status : undefined;
        return h.upstreamError(typeof e.message === 'string' ? e.message : 'the upstream reported an error mid-stream', status);
      }
      if (ev.event === 'error') return h.upstreamError('the upstream reported an error mid-stream', undefined);
      const problem = chunkShapeProblem(parsed);
      if (problem) return h.malformed(problem);
      h.chunk(parsed as ChatCompletionChunk);
    },
  });
}
