// Issue 21.5 and 21.9: what the chat reads and writes in a workspace, against real symbolic links, FIFOs and large
// files in a temporary folder. A repository's `vendor -> ../..` or `CONTRIBUTING.txt -> ../../.git-credentials` must
// not lead the chat outside the folder; a file is measured before it is read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasGitSegment, resolveInWorkspace, type FolderRoot } from '../../src/vscode/chat/workspacePaths';
import { capLines, capTail, MAX_ATTACHED_BYTES, readBounded } from '../../src/vscode/chat/attachmentBounds';

let home: string;
let repo: FolderRoot;
let other: FolderRoot;

before(() => {
  // home/.bashrc and home/.git-credentials outside; home/work/repo is the open folder.
  home = realpathSync(mkdtempSync(join(tmpdir(), 'sb-paths-')));
  writeFileSync(join(home, '.bashrc'), 'export PATH=/usr/bin\n');
  writeFileSync(join(home, '.git-credentials'), 'https://user:ghp_secret@github.com\n');
  const root = join(home, 'work', 'repo');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.git', 'config'), '[core]\n');
  writeFileSync(join(root, 'src', 'app.ts'), 'export {};\n');
  symlinkSync('../..', join(root, 'vendor'));
  symlinkSync('../../.git-credentials', join(root, 'CONTRIBUTING.txt'));
  symlinkSync('src/app.ts', join(root, 'app-link.ts'));
  symlinkSync('.git', join(root, 'gitdir'));
  repo = { name: 'repo', fsPath: root };
  // The open folder reached through a link of its own: inside is judged by real paths on both sides.
  symlinkSync(root, join(home, 'repo-link'));
  other = { name: 'other', fsPath: join(home, 'other') };
  mkdirSync(other.fsPath);
  writeFileSync(join(other.fsPath, 'b.ts'), 'b\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('real paths inside the open folder (issue 21.5)', () => {
  test('vendor/.bashrc through vendor -> ../.. is outside, and says where it leads', async () => {
    const r = await resolveInWorkspace(join(repo.fsPath, 'vendor', '.bashrc'), [repo]);
    assert.deepEqual(r, { ok: false, why: 'outside', real: join(home, '.bashrc') });
  });

  test('CONTRIBUTING.txt -> ../../.git-credentials is outside', async () => {
    const r = await resolveInWorkspace(join(repo.fsPath, 'CONTRIBUTING.txt'), [repo]);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.why === 'outside' && r.real === join(home, '.git-credentials'));
  });

  test('a link that stays inside is followed, and named by its real path', async () => {
    const r = await resolveInWorkspace(join(repo.fsPath, 'app-link.ts'), [repo]);
    assert.ok(r.ok);
    assert.equal(r.file.real, join(repo.fsPath, 'src', 'app.ts'));
    assert.equal(r.file.label, 'src/app.ts');
  });

  test('.git is refused by the path given and by the path resolved, in any case', async () => {
    for (const p of [join('.git', 'config'), join('gitdir', 'config'), join('.GIT', 'config')]) {
      const r = await resolveInWorkspace(join(repo.fsPath, p), [repo]);
      assert.ok(!r.ok && (r.why === 'git' || r.why === 'missing'), p);
    }
    assert.deepEqual(await resolveInWorkspace(join(repo.fsPath, 'gitdir', 'config'), [repo]), {
      ok: false,
      why: 'git',
      real: join(repo.fsPath, '.git', 'config'),
    });
    assert.equal(hasGitSegment('a/.Git/b'), true);
    assert.equal(hasGitSegment('a/.github/workflows/x.yml'), false);
  });

  test('a folder opened through a link of its own still holds its files', async () => {
    const r = await resolveInWorkspace(join(home, 'repo-link', 'src', 'app.ts'), [{ name: 'repo', fsPath: join(home, 'repo-link') }]);
    assert.ok(r.ok);
    assert.equal(r.file.relative, 'src/app.ts');
  });

  test('with several folders a file is named with its folder; a missing file is missing', async () => {
    const r = await resolveInWorkspace(join(other.fsPath, 'b.ts'), [repo, other]);
    assert.ok(r.ok && r.file.label === 'other/b.ts');
    assert.deepEqual(await resolveInWorkspace(join(repo.fsPath, 'nope.ts'), [repo]), { ok: false, why: 'missing' });
    // The folder's sibling whose name starts the same is not inside it.
    mkdirSync(join(home, 'work', 'repo2'), { recursive: true });
    writeFileSync(join(home, 'work', 'repo2', 'x'), 'x');
    assert.equal((await resolveInWorkspace(join(home, 'work', 'repo2', 'x'), [repo])).ok, false);
  });
});

/** readBounded over node's fs, the way contextSources calls it over vscode.workspace.fs. */
function nodeFile(path: string, reads: string[]) {
  return {
    stat: async () => {
      const st = statSync(path);
      return { isFile: st.isFile(), size: st.size };
    },
    read: async () => {
      reads.push(path);
      // A FIFO read would wait for a writer forever: recorded (the test fails on it), not done.
      return statSync(path).isFile() ? readFileSync(path) : new Uint8Array();
    },
  };
}

describe('sizes are checked before reading (issue 21.9)', () => {
  test('a 300 MB file is refused from its size, never read', async () => {
    const big = join(home, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 300 * 1024 * 1024); // sparse: no 300 MB written to disk
    const reads: string[] = [];
    assert.deepEqual(await readBounded(nodeFile(big, reads)), { ok: false, why: 'too-large', size: 300 * 1024 * 1024 });
    assert.deepEqual(reads, []);
  });

  test('a FIFO and a directory are refused without reading (a FIFO read would never end)', async () => {
    const fifo = join(home, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reads: string[] = [];
    assert.deepEqual(await readBounded(nodeFile(fifo, reads)), { ok: false, why: 'not-a-file' });
    assert.deepEqual(await readBounded(nodeFile(repo.fsPath, reads)), { ok: false, why: 'not-a-file' });
    assert.deepEqual(reads, []);
  });

  test('a file at the bound is read; one that grew past it after stat is refused; a NUL byte is binary', async () => {
    const at = join(home, 'at.txt');
    writeFileSync(at, 'a'.repeat(MAX_ATTACHED_BYTES));
    const r = await readBounded(nodeFile(at, []));
    assert.ok(r.ok && r.text.length === MAX_ATTACHED_BYTES);
    const grew = await readBounded({ stat: async () => ({ isFile: true, size: 10 }), read: async () => new Uint8Array(MAX_ATTACHED_BYTES + 1) });
    assert.equal(grew.ok, false);
    assert.deepEqual(await readBounded({ stat: async () => ({ isFile: true, size: 3 }), read: async () => new Uint8Array([65, 0, 66]) }), {
      ok: false,
      why: 'binary',
    });
  });

  test('100k problems are cut to the bound, counting what was left out', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `src/a.ts:${i + 1}:1 error: something is wrong with this line (ts)`);
    const r = capLines(lines);
    assert.ok(Buffer.byteLength(r.text) <= MAX_ATTACHED_BYTES);
    assert.equal(r.kept + r.dropped, 100_000);
    assert.ok(r.kept > 1000 && r.dropped > 90_000);
    assert.deepEqual(capLines(['a', 'b']), { text: 'a\nb', kept: 2, dropped: 0 });
  });

  test('terminal output keeps its end within the bound and says how much of the start was cut', () => {
    const output = `${'é'.repeat(200_000)}THE END`;
    const r = capTail(output);
    assert.ok(Buffer.byteLength(r.text) <= MAX_ATTACHED_BYTES, String(Buffer.byteLength(r.text)));
    assert.ok(r.text.endsWith('THE END'));
    assert.match(r.text, /^… \(the first \d+ KB are not attached\)\n/);
    assert.equal(capTail('short').text, 'short');
  });
});
