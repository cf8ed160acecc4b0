// `npm run test:vscode`: the extension-host suite (test/vscode/suite/) inside a real desktop VS Code, run by
// @vscode/test-electron. First finds VS Code (vscodeSource.ts) and, when it cannot, stops at once with one line
// saying why and how to use a local VS Code. Then builds the extension (esbuild.js, as `npm run build` does),
// bundles the suite, writes a throw-away profile (profile.ts) and runs VS Code on it with the extension under
// development. Exit code 0 when every test passed, 1 otherwise. The profile is removed after a passing run and kept
// (its path printed) after a failing one, for VS Code's logs.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { GATEWAY_KEY_ENV, PROVIDER_KEY_ENV_PREFIX } from '../../src/core/config/keys';
import { freePort } from '../support/freePort';
import { bundleSuite } from './bundle';
import { SUITE_ENV } from './contract';
import { makeProfile, type Profile } from './profile';
import type { Manifest } from './settingsPlan';
import { resolveVsCode } from './vscodeSource';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The suite sets the key with Set API Key: no key may come from the environment the tests were started in. */
function withoutKeys(env: NodeJS.ProcessEnv): Record<string, undefined> {
  const names = Object.keys(env).filter((name) => (GATEWAY_KEY_ENV as readonly string[]).includes(name) || name.startsWith(PROVIDER_KEY_ENV_PREFIX));
  return Object.fromEntries(names.map((name) => [name, undefined]));
}

function launchArgs(profile: Profile): string[] {
  return [
    profile.workspace,
    '--disable-extensions',
    `--user-data-dir=${profile.userDataDir}`,
    `--extensions-dir=${profile.extensionsDir}`,
    // Linux CI has no keyring: SecretStorage encrypts with Electron's fixed-password store instead of failing.
    ...(process.platform === 'linux' ? ['--password-store=basic'] : []),
  ];
}

async function main(): Promise<number> {
  const source = await resolveVsCode({ env: process.env, defaultCachePath: path.join(REPO_ROOT, '.vscode-test') });
  if ('stop' in source) {
    console.error(source.stop);
    return 1;
  }
  execFileSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const extensionTestsPath = await bundleSuite({ repoRoot: REPO_ROOT });
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
  const simPort = await freePort();
  const profile = makeProfile({ manifest, simPort });
  try {
    await runTests({
      vscodeExecutablePath: source.executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath,
      launchArgs: launchArgs(profile),
      extensionTestsEnv: {
        ...withoutKeys(process.env),
        [SUITE_ENV.simPort]: String(simPort),
        [SUITE_ENV.userDataDir]: profile.userDataDir,
        [SUITE_ENV.workspace]: profile.workspace,
      },
    });
  } catch (error) {
    const why =
      error instanceof TestRunFailedError
        ? `the suite failed (VS Code exited with ${error.code ?? error.signal}; its output is above)`
        : `VS Code at ${source.executable} did not run (${String(error)})`;
    console.error(`test:vscode: ${why}; the profile with VS Code's logs is kept in ${profile.root}.`);
    return 1;
  }
  rmSync(profile.root, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:vscode: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
