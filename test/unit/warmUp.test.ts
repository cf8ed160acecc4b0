// The start-up warm-up is disposed with the extension: once disposed it builds no core, whether its timer had fired or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmUpAfterStartup } from '../../src/vscode/warmUp';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function counting() {
  const calls = { ready: 0, core: 0 };
  const services = {
    core: async () => {
      calls.core++;
    },
  };
  return { calls, services };
}

test('the warm-up builds the core after its delay when ready says so', async () => {
  const { calls, services } = counting();
  warmUpAfterStartup(services, async () => (calls.ready++, true), 5);
  await sleep(50);
  assert.deepEqual(calls, { ready: 1, core: 1 });
});

test('disposed before its delay, the warm-up neither asks nor builds the core', async () => {
  const { calls, services } = counting();
  warmUpAfterStartup(services, async () => (calls.ready++, true), 5).dispose();
  await sleep(50);
  assert.deepEqual(calls, { ready: 0, core: 0 });
});

test('disposed while it asks whether to warm up, the warm-up does not build the core', async () => {
  const { calls, services } = counting();
  let answer!: (yes: boolean) => void;
  let asked!: () => void;
  const wasAsked = new Promise<void>((ok) => (asked = ok));
  // The warm-up's timer is unref'd (it must not keep VS Code's host alive): keep this process alive while waiting.
  const alive = setTimeout(() => undefined, 30_000);
  const warmUp = warmUpAfterStartup(
    services,
    () => {
      calls.ready++;
      asked();
      return new Promise<boolean>((ok) => (answer = ok));
    },
    5,
  );
  await wasAsked;
  warmUp.dispose();
  answer(true);
  await sleep(20);
  clearTimeout(alive);
  assert.deepEqual(calls, { ready: 1, core: 0 });
});
