// Bundles the extension-host suite (test/vscode/suite/) into one CommonJS file, as esbuild.js does for the
// extension: VS Code loads plain JavaScript. Mocha goes into the bundle too (mocha 12 is an ES module, which the
// extension host of VS Code 1.100 cannot `require`); only `vscode` stays external. The output lives in .vscode-test/
// (gitignored, lint-ignored, never packaged), inside the repository on purpose: VS Code gives code under an
// extension's folder that extension's own `vscode` API object, so the suite can stand in for the user's input box.
import path from 'node:path';
import { build } from 'esbuild';

export async function bundleSuite(options: { repoRoot: string }): Promise<string> {
  const outfile = path.join(options.repoRoot, '.vscode-test', 'suite', 'index.js');
  await build({
    entryPoints: [path.join(options.repoRoot, 'test', 'vscode', 'suite', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    // Mocha's parallel mode (unused here) resolves its worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return outfile;
}
