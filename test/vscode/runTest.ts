// The @vscode/test-electron suite (`npm run test:electron`), for machines that can download VS Code; the
// code-server suite (test/e2e) is the one CI runs. The extension host loads plain JavaScript, so the mocha suite
// is bundled with esbuild into .vscode-test/suite/ first (mocha and vscode stay external; mocha resolves from
// the repo's node_modules). `npm run test:electron` builds dist/ before this runs.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const REPO_ROOT = path.resolve(__dirname, '../..');
const OUT_DIR = path.join(REPO_ROOT, '.vscode-test', 'suite');

async function bundleSuite(): Promise<string> {
  await build({
    entryPoints: {
      index: path.join(__dirname, 'suite', 'index.ts'),
      'extension.test': path.join(__dirname, 'suite', 'extension.test.ts'),
    },
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return path.join(OUT_DIR, 'index.js');
}

async function main(): Promise<void> {
  const extensionTestsPath = await bundleSuite();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'switchboard-electron-'));
  const workspace = path.join(scratch, 'workspace');
  const userDataDir = path.join(scratch, 'user-data');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(workspace, 'sample.py'), 'def add(a, b):\n    return a + b\n');
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }, null, 2),
  );
  await runTests({
    version: process.env.SWITCHBOARD_VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir],
    // The suite asserts activation and commands only; it never calls a model.
    extensionTestsEnv: { SWITCHBOARD_API_KEY: '', OPENAI_API_KEY: '' },
  });
}

main().catch((error: unknown) => {
  console.error('The @vscode/test-electron suite failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
