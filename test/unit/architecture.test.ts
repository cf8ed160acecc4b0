// The direction of imports (.dependency-cruiser.cjs, run by `npm run lint`): a small tree with one planted violation
// of each rule is refused rule by rule, its lawful imports are not, and the real src/ and media/ pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkArchitecture } from '../../scripts/depcruise';

/** path → source; each import is one the rules must refuse, unless its comment says it is lawful. */
const PLANTED: Record<string, string> = {
  'src/protocol.ts': 'export const protocol = 1;\n',
  'src/gateway/server.ts': 'export const server = 1;\n',
  'src/core/base/errors.ts': 'export const errors = 1;\n',
  // base imports nothing of ours outside itself (and nothing upward).
  'src/core/base/types.ts': "import { settings } from '../config/settings';\nexport const types = settings;\n",
  // format.ts imports nothing at all, not even base.
  'src/core/base/format.ts': "import { errors } from './errors';\nexport const formatUsd = (n: number): string => `${errors}${n}`;\n",
  // config may not import routing (upward); base is lawful.
  'src/core/config/settings.ts':
    "import { errors } from '../base/errors';\nimport { route } from '../routing/router';\nexport const settings = errors + route;\n",
  // routing may import base, config (lawful); it may not import createCore (the top).
  'src/core/routing/router.ts':
    "import { errors } from '../base/errors';\nimport { createCore } from '../createCore';\nexport const route = errors + createCore;\n",
  'src/core/createCore.ts': 'export const createCore = 1;\n',
  // a cycle inside one room.
  'src/core/net/a.ts': "import { b } from './b';\nexport const a = b;\n",
  'src/core/net/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
  // the core never imports vscode or its hosts.
  'src/core/prompt/prompt.ts': "import * as vscode from 'vscode';\nimport { server } from '../../gateway/server';\nexport const prompt = [vscode, server];\n",
  // media imports the protocol and format (lawful), nothing else of ours.
  'media/chat/main.ts':
    "import { protocol } from '../../src/protocol';\nimport { formatUsd } from '../../src/core/base/format';\nimport { settings } from '../../src/core/config/settings';\nexport const page = [protocol, formatUsd, settings];\n",
};

const EXPECTED = [
  'core-base-imports-nothing-of-ours: src/core/base/types.ts → src/core/config/settings.ts',
  'core-base-imports-only-lower-rooms: src/core/base/types.ts → src/core/config/settings.ts',
  'format-imports-nothing: src/core/base/format.ts → src/core/base/errors.ts',
  'core-config-imports-only-lower-rooms: src/core/config/settings.ts → src/core/routing/router.ts',
  'core-routing-imports-only-lower-rooms: src/core/routing/router.ts → src/core/createCore.ts',
  // a cycle is reported once, at the first of its files
  'no-circular: src/core/net/a.ts → src/core/net/b.ts',
  'core-stays-free-of-its-hosts: src/core/prompt/prompt.ts → vscode',
  'core-stays-free-of-its-hosts: src/core/prompt/prompt.ts → src/gateway/server.ts',
  'media-imports-only-the-protocol: media/chat/main.ts → src/core/config/settings.ts',
].sort();

test('each planted violation is refused by its rule, and the lawful imports beside them are not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-architecture-'));
  try {
    for (const [path, source] of Object.entries(PLANTED)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    const { summary } = await checkArchitecture({ baseDir: dir, paths: ['src', 'media'] });
    const found = summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    assert.deepEqual(found, EXPECTED);
    assert.equal(summary.error, EXPECTED.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real src/ and media/ keep the direction: no cycles, no upward or forbidden import', async () => {
  const { summary } = await checkArchitecture();
  assert.deepEqual(
    summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
    [],
  );
  assert.ok(summary.totalCruised > 100, `cruised only ${summary.totalCruised} modules: the paths or the resolution broke`);
});
