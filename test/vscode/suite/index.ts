// The extension host's entry point for the suite (`run`, called by VS Code with --extensionTestsPath): starts the
// simulator, declares the tests in order, and runs them with mocha. The whole suite is one bundle (../bundle.ts), so
// the test files are not loaded from disk: `pre-require` gives them mocha's describe/it, then each declares its tests.
// Order matters only for the key: the chat tests set it, the API key tests run last and clear it.
import Mocha from 'mocha';
import { defineActivationTests } from './activation.test';
import { defineApiKeyTests } from './apiKey.test';
import { defineLanguageModelTests } from './languageModels.test';
import { defineSettingsTests } from './settings.test';
import { openWorld } from './world';

export async function run(): Promise<void> {
  const world = await openWorld();
  try {
    const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 120_000 });
    mocha.suite.emit('pre-require', globalThis, 'test/vscode/suite', mocha);
    defineActivationTests();
    defineSettingsTests(world);
    defineLanguageModelTests(world);
    defineApiKeyTests(world);
    const failures = await new Promise<number>((resolve) => mocha.run(resolve));
    if (failures > 0) throw new Error(`${failures} extension-host test(s) failed.`);
  } finally {
    await world.sim.close();
  }
}
