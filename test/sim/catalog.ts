// The simulator's `GET /v1/models`: OpenRouter-style entries (USD per token as strings, context_length),
// with OpenAI's `object`/`owned_by` too, so either kind of catalog reader can consume it.
import { DIALECT_NAMES } from './dialects';

interface SimModelSpec {
  id: string;
  prompt: string;
  completion: string;
  contextLength: number;
  description: string;
}

const SPECS: readonly SimModelSpec[] = [
  { id: 'sim/echo', prompt: '0.000001', completion: '0.000002', contextLength: 128_000, description: 'Answers with the last user message.' },
  { id: 'sim/lorem', prompt: '0.0000005', completion: '0.0000015', contextLength: 128_000, description: 'N words of lorem ipsum: ?tokens=N&chunkMs=M.' },
  { id: 'sim/slow', prompt: '0.000003', completion: '0.000006', contextLength: 128_000, description: 'Echo after a delay: ?firstTokenMs=N.' },
  { id: 'sim/fail', prompt: '0.0000002', completion: '0.0000004', contextLength: 32_000, description: 'Fails: ?status=503, ?status=429&retryAfter=S.' },
  { id: 'sim/reset', prompt: '0.0000003', completion: '0.0000006', contextLength: 32_000, description: 'Drops the connection after K chunks: ?after=K.' },
  { id: 'sim/hang', prompt: '0.0000004', completion: '0.0000008', contextLength: 32_000, description: 'Accepts and never answers.' },
  { id: 'sim/malformed', prompt: '0.0000006', completion: '0.0000012', contextLength: 32_000, description: 'K good chunks, then invalid JSON: ?after=K.' },
  { id: 'sim/flaky', prompt: '0.0000008', completion: '0.0000016', contextLength: 64_000, description: 'Fails at random, seeded: ?p=0.3&seed=N.' },
  {
    id: 'sim/tool',
    prompt: '0.000002',
    completion: '0.000008',
    contextLength: 128_000,
    description: 'Calls the request\'s tool F: ?name=F, with ?args=<JSON object> (default {"q": <last user message>}).',
  },
  { id: 'sim/context', prompt: '0.0000025', completion: '0.00001', contextLength: 4_096, description: 'context_length_exceeded above ?max=N prompt tokens.' },
];

/**
 * What the simulator answers beyond its `sim/` modes, listed as a gateway lists what it serves: the real model ids it
 * stands in for (it answers every id outside `sim/` like sim/echo) — smart-select's default tiers, so smart-select
 * against the simulator resolves each tier to a model that echoes — and its `dialect/<name>` models.
 * `startSim({ standIns: false })` lists only the `sim/` models (a gateway that serves only its own).
 */
const STAND_INS: readonly SimModelSpec[] = [
  ...[
    ['openai/gpt-4.1-mini', '0.0000004', '0.0000016', 1_047_576],
    ['openai/gpt-4.1', '0.000002', '0.000008', 1_047_576],
    ['anthropic/claude-sonnet-4.5', '0.000003', '0.000015', 1_000_000],
    ['openai/o3', '0.000002', '0.000008', 200_000],
  ].map(([id, prompt, completion, contextLength]) => ({
    id: id as string,
    prompt: prompt as string,
    completion: completion as string,
    contextLength: contextLength as number,
    description: `Stands in for ${id}: answers like sim/echo.`,
  })),
  ...DIALECT_NAMES.map((name) => ({
    id: `dialect/${name}`,
    prompt: '0.000001',
    completion: '0.000002',
    contextLength: 128_000,
    description: `Echoes in the ${name} dialect (dialects.ts).`,
  })),
];

const CREATED = 1_767_225_600; // 2026-01-01, fixed so the listing is byte-for-byte stable.

const body = (specs: readonly SimModelSpec[]): string =>
  JSON.stringify({
    object: 'list',
    data: specs.map((s) => ({
      id: s.id,
      object: 'model',
      created: CREATED,
      owned_by: 'sim',
      name: `Simulator: ${s.id.slice(4)}`,
      description: s.description,
      context_length: s.contextLength,
      architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'words' },
      pricing: { prompt: s.prompt, completion: s.completion, request: '0', image: '0' },
      top_provider: { context_length: s.contextLength, max_completion_tokens: null, is_moderated: false },
      supported_parameters: ['max_tokens', 'temperature', 'stream', 'stream_options', 'tools', 'tool_choice'],
    })),
  });

/** The listing with the stand-ins (the default) or only the `sim/` models. */
export const MODELS_BODY = { withStandIns: body([...SPECS, ...STAND_INS]), simOnly: body(SPECS) };
