// Fuzzing the stream parser (src/core/net/sse.ts) and the transport above it with fast-check, each property under a
// time bound: arbitrary input never throws out of the parser, never hands a malformed chunk on, and valid streams
// come out identical however the bytes are split and whatever line endings they use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { chunkShapeProblem } from '../../src/core/base/chunks';
import { SwitchboardError } from '../../src/core/base/errors';
import { createChunkParser } from '../../src/core/net/sse';
import { openChatStream } from '../../src/core/net/transport';
import { SSE_HEAD, startHostileUpstream } from './support/hostileUpstream';

interface Seen {
  chunks: ChatCompletionChunk[];
  done: number;
  malformed: string[];
  errors: string[];
}

function parse(pieces: readonly string[]): Seen {
  const seen: Seen = { chunks: [], done: 0, malformed: [], errors: [] };
  const p = createChunkParser({
    chunk: (c) => seen.chunks.push(c),
    done: () => seen.done++,
    malformed: (d) => seen.malformed.push(d),
    upstreamError: (m) => seen.errors.push(m),
  });
  for (const piece of pieces) p.feed(piece);
  p.reset({ consume: true });
  return seen;
}

/** Cuts a string at the given relative positions. */
function split(s: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * s.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const i of at) {
    out.push(s.slice(last, i));
    last = i;
  }
  out.push(s.slice(last));
  return out;
}

const TIME = { interruptAfterTimeLimit: 4_000, numRuns: 400 };

const sseish = fc.array(
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      'data: ',
      'data:',
      '\n',
      '\r\n',
      '\r',
      '\n\n',
      ': comment\n',
      'event: error\n',
      'id: 1\n',
      'retry: 5\n',
      '[DONE]',
      '{',
      '}',
      '"choices":',
      '[',
      ']',
      'null',
      '{"error":',
    ),
    fc.json().map((j) => `data: ${j}\n\n`),
  ),
  { maxLength: 30 },
);

test('arbitrary input never throws out of the parser and never yields a malformed chunk', () => {
  fc.assert(
    fc.property(sseish, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (parts, cuts) => {
      const seen = parse(split(parts.join(''), cuts));
      for (const c of seen.chunks) assert.equal(chunkShapeProblem(c), undefined, JSON.stringify(c));
      for (const m of seen.malformed) assert.ok(m.length < 200, 'malformed details stay short');
    }),
    TIME,
  );
});

const chunkArb = fc.record({
  content: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constant('line\nbreak\r\nand data: [DONE]')),
  finish: fc.constantFrom(null, 'stop', 'length'),
});

test('valid streams parse to the same chunks whatever the splits and line endings', () => {
  fc.assert(
    fc.property(
      fc.array(chunkArb, { minLength: 1, maxLength: 12 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
      (items, eol, cuts) => {
        const chunks = items.map((it, i) => ({
          id: `c${i}`,
          object: 'chat.completion.chunk',
          created: 0,
          model: 'm',
          choices: [{ index: 0, delta: { content: it.content }, finish_reason: it.finish }],
        }));
        const wire = chunks.map((c) => `data: ${JSON.stringify(c)}${eol}${eol}`).join('') + `data: [DONE]${eol}${eol}`;
        const seen = parse(split(wire, cuts));
        assert.deepEqual(seen.malformed, []);
        assert.deepEqual(seen.chunks, chunks);
        assert.equal(seen.done, 1);
      },
    ),
    TIME,
  );
});

test('through the transport, random streams end in chunks or a SwitchboardError — never a hang or another error', { timeout: 30_000 }, async () => {
  let wire: Buffer[] = [];
  const upstream = await startHostileUpstream((_, res) => {
    res.writeHead(200, SSE_HEAD);
    const pieces = wire;
    let i = 0;
    const next = () => {
      if (i >= pieces.length) return void res.end();
      res.write(pieces[i++]);
      setImmediate(next);
    };
    next();
  });
  try {
    await fc.assert(
      fc.asyncProperty(sseish, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), async (parts, cuts) => {
        // Cut the bytes, not the string, so multi-byte characters are split across writes too.
        const bytes = Buffer.from(parts.join(''), 'utf8');
        const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
        wire = [];
        let last = 0;
        for (const i of [...at, bytes.length]) {
          wire.push(bytes.subarray(last, i));
          last = i;
        }
        const stream = openChatStream({
          endpoint: { id: 'gateway', baseUrl: upstream.url, headers: {}, secretName: 'switchboard.apiKey' },
          key: 'sk-fuzz-000000000',
          upstreamModel: 'm',
          body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
          timeouts: { connectMs: 5_000, firstTokenMs: 5_000, idleMs: 5_000 },
        });
        const t0 = performance.now();
        try {
          for await (const c of stream) assert.equal(chunkShapeProblem(c), undefined);
        } catch (e) {
          assert.ok(e instanceof SwitchboardError, `only SwitchboardErrors, got ${String(e)}`);
          assert.notEqual(e.code, 'timeout', 'the data decides, not a timer');
        }
        assert.ok(performance.now() - t0 < 4_000, 'no hang');
      }),
      { interruptAfterTimeLimit: 8_000, numRuns: 150 },
    );
  } finally {
    await upstream.close();
  }
});
