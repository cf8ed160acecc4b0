// Server-sent events → OpenAI chunk objects. One JSON.parse per event, nothing else on the hot path.
import { createParser } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { chunkShapeProblem } from '../base/chunks';
import { withoutControlChars } from '../base/controlChars';
import { redactAndCut } from '../base/redact';

/**
 * Longest event (all its lines) an upstream may send: the parser buffers an unfinished one, so it is capped. A whole
 * file in one tool-call chunk still fits.
 */
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

export interface ChunkHandlers {
  chunk(chunk: ChatCompletionChunk): void;
  /** `data: [DONE]` arrived. */
  done(): void;
  /** An event whose data is not JSON, or one longer than the cap (nothing more is parsed after that). */
  malformed(detail: string): void;
  /** An in-stream error object (`{"error": {...}}`, as OpenRouter sends mid-stream). */
  upstreamError(message: string, status: number | undefined): void;
}

export interface ChunkParserOptions {
  /** Keys the upstream was sent: removed from the event data a `malformed` detail quotes. */
  knownKeys?: readonly string[];
}

export interface ChunkParser {
  feed(text: string): void;
  /** `consume: true` at the end of the body dispatches a last event that lacks its blank line. */
  reset(opts?: { consume?: boolean }): void;
}

export function createChunkParser(h: ChunkHandlers, opts: ChunkParserOptions = {}): ChunkParser {
  // Characters fed since the last event was dispatched (under-counts by at most the rest of one fed piece).
  let sinceEvent = 0;
  let stopped = false;
  const parser = createParser({
    onEvent(ev) {
      sinceEvent = 0;
      const data = ev.data;
      if (data === '[DONE]') return h.done();
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return h.malformed(`unparsable event data: ${redactAndCut(withoutControlChars(data.replace(/\s+/g, ' ')), opts.knownKeys ?? [], 60)}`);
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
  return {
    feed(text) {
      if (stopped) return;
      sinceEvent += text.length;
      if (sinceEvent > MAX_SSE_EVENT_CHARS) {
        stopped = true;
        return h.malformed(`an event longer than ${MAX_SSE_EVENT_CHARS / 1024 / 1024} MB`);
      }
      parser.feed(text);
    },
    reset(o) {
      if (!stopped) parser.reset(o);
    },
  };
}
