// The model that served an answer. A gateway may answer with another model than the one asked for: its own
// auto-routing (`openrouter/auto`, Select's `smart-select`), its fallback list (OpenRouter's `models`), or a provider
// naming the snapshot it ran (`gpt-4.1` → `gpt-4.1-2025-04-14`). Each names it in the chunks' `model` field.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { withoutControlChars } from '../base/controlChars';
import { splitModelId } from '../config/endpoints';

/** An upstream names models freely: its name is kept to this many characters, without control characters. */
const MAX_SERVED_ID_LENGTH = 300;

/** The `model` a chunk names, or undefined when it names none (Azure's prompt-filter chunk has `model: ""`). */
export function upstreamModelOf(chunk: Pick<ChatCompletionChunk, 'model'>): string | undefined {
  const m = (chunk as { model?: unknown }).model;
  if (typeof m !== 'string') return undefined;
  const clean = withoutControlChars(m.slice(0, 4 * MAX_SERVED_ID_LENGTH))
    .trim()
    .slice(0, MAX_SERVED_ID_LENGTH);
  return clean === '' ? undefined : clean;
}

/** The served model of an answer: the first model its chunks name, else the requested id. */
export function servedModel(requested: string, chunks: Iterable<Pick<ChatCompletionChunk, 'model'>>): string {
  for (const c of chunks) {
    const m = upstreamModelOf(c);
    if (m !== undefined) return m;
  }
  return requested;
}

const DATED_SNAPSHOT = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/;

/**
 * The catalog id to price an answer on: the served model when the catalog knows it, else the served model under
 * the requested id's provider (a direct provider answers `gpt-4.1` for `openai/gpt-4.1`), else either without a
 * dated snapshot suffix (`gpt-4.1-2025-04-14`), else the requested id.
 */
export function pricingModel(served: string, requested: string, known: (id: string) => boolean): string {
  const provider = splitModelId(requested).provider;
  const undated = served.replace(DATED_SNAPSHOT, '');
  const tries = [served, undated];
  if (provider && !served.startsWith(provider + '/')) tries.push(`${provider}/${served}`, `${provider}/${undated}`);
  return tries.find(known) ?? requested;
}
