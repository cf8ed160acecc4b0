// Issue 24 item 3: the gateway's last model list is kept on disk with its age, and a new session lists it at once
// (before the gateway answers again); another gateway's list is not used; the file reads back like a live answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { parseConfig } from '../../src/core/config/settings';
import { createCore } from '../../src/core/createCore';
import { readModelList, writeModelList } from '../../src/core/catalog/modelListFile';
import { modelsFromGateway } from '../../src/core/catalog/catalog';
import { MODELS_BODY } from '../sim/catalog';

const KEY = 'sk-sim-model-list';
let sim: Sim;
let dir: string;

before(async () => {
  sim = await startSim({ key: KEY });
  dir = mkdtempSync(join(tmpdir(), 'sb-model-list-'));
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const coreFor = (baseUrl: string, file: string) =>
  createCore({
    config: parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': baseUrl }).config,
    userSetBaseUrl: true,
    keys: async (n) => (n === 'switchboard.apiKey' ? KEY : undefined),
    usageFile: join(dir, 'usage.jsonl'),
    modelListFile: file,
  });

describe('the last gateway model list on disk', () => {
  test('saved after a refresh (user-only), listed at once by the next session while the gateway is away', async () => {
    const file = join(dir, 'models.json');
    const first = await coreFor(sim.url, file);
    try {
      await first.listModels({ waitForGateway: true });
      assert.ok(first.catalog.get('sim/echo'), 'the live list has the gateway’s model');
    } finally {
      first.dispose();
    }
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const fetchedAt = readModelList(file, sim.url)?.fetchedAt;
    assert.ok(fetchedAt && fetchedAt <= Date.now());

    // A session whose gateway does not answer (port 9) lists what was saved for that gateway.
    const listed = join(dir, 'models-dead.json');
    writeFileSync(listed, JSON.stringify({ v: 1, baseUrl: 'http://127.0.0.1:9/v1', fetchedAt, data: JSON.parse(MODELS_BODY.withStandIns).data }));
    const second = await coreFor('http://127.0.0.1:9/v1', listed);
    try {
      assert.ok(
        (await second.listModels()).some((m) => m.id === 'sim/echo'),
        'listed at once, without waiting for the gateway',
      );
      assert.equal(second.catalog.fetchedAt, fetchedAt, 'with the age of the saved list');
    } finally {
      second.dispose();
    }
    const other = await coreFor('http://127.0.0.1:9/v1', file);
    try {
      assert.equal(other.catalog.get('sim/echo'), undefined, 'a list saved for another gateway is not used');
    } finally {
      other.dispose();
    }
  });

  test('switching gateways in a session: the old list stops counting, is not saved as the new one’s, and the new one’s saved list is used', async () => {
    const file = join(dir, 'models-switch.json');
    const core = await coreFor(sim.url, file);
    try {
      await core.listModels({ waitForGateway: true });
      assert.ok(core.catalog.get('sim/echo'));
      const dead = 'http://127.0.0.1:9/v1';
      core.updateConfig(parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': dead }).config, true);
      assert.equal(core.catalog.get('sim/echo'), undefined, 'the old gateway’s models are not the new one’s');
      await core.listModels({ waitForGateway: true }); // fails: nothing answers on port 9
      assert.equal(readModelList(file, dead), undefined, 'nothing was saved for the new gateway');
      assert.ok(readModelList(file, sim.url), 'the old gateway’s list stays saved as its own');

      // Back to the first gateway: its saved list is used at once.
      core.updateConfig(parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url }).config, true);
      assert.ok(core.catalog.get('sim/echo'), 'seeded from the file before any answer');
    } finally {
      core.dispose();
    }
  });

  test('written in the gateway’s shape, read back to the same models; a damaged file is ignored', () => {
    const file = join(dir, 'roundtrip.json');
    const models = modelsFromGateway(JSON.parse(MODELS_BODY.withStandIns));
    writeModelList(file, { baseUrl: 'http://gw/v1', fetchedAt: 1, models });
    assert.deepEqual(readModelList(file, 'http://gw/v1')?.models, models);
    writeFileSync(file, '{"v":1,"baseUrl":"http://gw/v1","fetchedAt":');
    assert.equal(readModelList(file, 'http://gw/v1'), undefined);
  });
});
