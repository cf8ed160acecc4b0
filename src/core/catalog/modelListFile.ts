// The gateway's last model list on disk, with when it was fetched and from which base URL, so a reload lists the
// gateway's models at once instead of after the first refresh. Written in the gateway's own shape and read back
// through the same parser as a live answer: the file is as untrusted as the gateway was.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ModelInfo } from '../base/types';
import { modelsFromGateway } from './catalog';

export interface SavedModelList {
  baseUrl: string;
  /** Epoch ms of the fetch this list came from. */
  fetchedAt: number;
  models: ModelInfo[];
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** The list saved for `baseUrl`, or undefined (no file, another gateway's list, or unreadable). */
export function readModelList(file: string, baseUrl: string): SavedModelList | undefined {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_FILE_BYTES) return undefined;
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { v, baseUrl: savedFor, fetchedAt, data } = raw as Record<string, unknown>;
  if (v !== 1 || savedFor !== baseUrl || typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt)) return undefined;
  return { baseUrl, fetchedAt, models: modelsFromGateway({ data }) };
}

/** Saves the list (readable by the user only), replacing the file in one step. */
export function writeModelList(file: string, list: SavedModelList): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ v: 1, baseUrl: list.baseUrl, fetchedAt: list.fetchedAt, data: list.models.map(gatewayEntry) }), { mode: 0o600 });
  renameSync(tmp, file);
}

/** A ModelInfo in the OpenRouter-style shape modelsFromGateway reads. */
function gatewayEntry(m: ModelInfo): Record<string, unknown> {
  const params = [
    ...(m.supportsTools !== undefined ? ['max_tokens'] : []),
    ...(m.supportsTools ? ['tools'] : []),
    ...(m.tags.includes('reasoning') ? ['reasoning'] : []),
  ];
  return {
    id: m.id,
    ...(m.name !== undefined ? { name: m.name } : {}),
    owned_by: m.provider,
    context_length: m.contextWindow,
    pricing: {
      prompt: m.pricing.input,
      completion: m.pricing.output,
      ...(m.pricing.cachedInput !== undefined ? { input_cache_read: m.pricing.cachedInput } : {}),
      ...(m.pricing.reasoning !== undefined ? { internal_reasoning: m.pricing.reasoning } : {}),
    },
    ...(m.supportsImages !== undefined ? { architecture: { input_modalities: m.supportsImages ? ['text', 'image'] : ['text'] } } : {}),
    ...(params.length ? { supported_parameters: params } : {}),
  };
}
