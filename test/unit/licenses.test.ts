// Issue 11, finding 13: every third-party file the .vsix ships has an entry in THIRD_PARTY_LICENSES.md — bundled
// code and the files esbuild.js copies as they are (the Codicons font and CSS, CC-BY-4.0) — and the check fails on
// a shipped file it cannot account for. (`scripts/licenses.ts --check` in .ci/run runs the same on the real build.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unaccountedFiles, type StaticCopy } from '../../scripts/licenses';

const ROOT = resolve(__dirname, '../..');

describe('third-party licenses cover every shipped file (finding 13)', () => {
  test('every package whose files esbuild.js copies into dist/ is listed with its license and the files', () => {
    const { staticCopies } = require(join(ROOT, 'esbuild.js')) as { staticCopies: (root: string) => StaticCopy[] };
    const listing = readFileSync(join(ROOT, 'THIRD_PARTY_LICENSES.md'), 'utf8');
    const fromPackages = staticCopies(ROOT).filter((c) => c.from.startsWith('node_modules/'));
    assert.ok(
      fromPackages.some((c) => c.to === 'dist/media/codicon.ttf'),
      'the Codicons font ships',
    );
    for (const c of fromPackages) {
      const dir = /^node_modules\/(?:@[^/]+\/)?[^/]+/.exec(c.from)?.[0] ?? '';
      const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
      const row = listing.split('\n').find((l) => l.startsWith(`| [${pkg.name}]`) || l.startsWith(`| ${pkg.name} `));
      assert.ok(row, `${pkg.name} (shipped as ${c.to}) has a row`);
      assert.match(row, new RegExp(`\\| ${pkg.version} \\| ${pkg.license} \\|.*${c.to.replace(/\./g, '\\.')}`));
      assert.ok(listing.includes(`## ${pkg.name} ${pkg.version} — ${pkg.license}`), `${pkg.name}'s license text is included`);
    }
  });

  test('a shipped file that no bundle writes and no copy makes is reported; project files are not', () => {
    const known = {
      bundleOutputs: new Set(['dist/extension.js', 'dist/media/chat.js']),
      copies: [{ from: 'node_modules/@vscode/codicons/dist/codicon.ttf', to: 'dist/media/codicon.ttf' }],
    };
    const shipped = [
      'package.json',
      'README.md',
      'media/icon.png',
      'media/walkthrough/key.md',
      'dist/extension.js',
      'dist/media/chat.js',
      'dist/media/codicon.ttf',
      'dist/media/vendor-icons.woff2',
      'dist/media/katex.css',
      'node_modules/left-pad/index.js',
    ];
    assert.deepEqual(unaccountedFiles(shipped, known), ['dist/media/vendor-icons.woff2', 'dist/media/katex.css', 'node_modules/left-pad/index.js']);
  });
});
