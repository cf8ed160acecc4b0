// Where a path in a workspace folder really leads. A repository can ship symbolic links (`vendor -> ../..`,
// `CONTRIBUTING.txt -> ../../.git-credentials`), so a path that looks inside the folder may name a file outside it.
// The chat reads (attachments) and writes (Apply to File) only a file whose real path is inside an open folder's
// real path and not in a `.git` directory, and names it by that real path. No vscode import: the unit tests run it
// against real symbolic links in a temporary folder. For file: URIs only; contextSources / applyToFile say what
// holds for other schemes.
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';

export interface FolderRoot {
  /** The folder's name, as VS Code shows it (it prefixes paths when several folders are open). */
  name: string;
  /** The folder's file system path (it may itself be reached through a symbolic link). */
  fsPath: string;
}

export interface InsideFolder {
  /** The file's real path: what is read or written. */
  real: string;
  folder: FolderRoot;
  /** The real path relative to the folder's real path, with `/` separators. */
  relative: string;
  /** What chips and diffs call it: `relative`, prefixed with the folder's name when several folders are open. */
  label: string;
}

export type Resolution =
  | { ok: true; file: InsideFolder }
  /** missing: no such file · outside: its real path is outside every folder · git: it is inside a `.git` directory. */
  | { ok: false; why: 'missing' | 'outside' | 'git'; real?: string };

/** True when a relative path has a `.git` segment (any case: macOS and Windows file systems ignore case). */
export function hasGitSegment(relative: string): boolean {
  return relative.split(/[\\/]/).some((s) => s.toLowerCase() === '.git');
}

/** `child` relative to `root`, or undefined when it is not strictly inside it. */
function within(root: string, child: string): string | undefined {
  const rel = path.relative(root, child);
  if (!rel || path.isAbsolute(rel) || rel.split(path.sep)[0] === '..') return undefined;
  return rel;
}

async function real(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/**
 * Resolves `fsPath` (every symbolic link on the way) and finds the open folder whose real path holds it. Refused: a
 * file that does not exist, one outside every folder, one in `.git` (by the path as given or as resolved).
 */
export async function resolveInWorkspace(fsPath: string, folders: readonly FolderRoot[]): Promise<Resolution> {
  for (const f of folders) {
    const given = within(f.fsPath, fsPath);
    if (given !== undefined && hasGitSegment(given)) return { ok: false, why: 'git' };
  }
  const target = await real(fsPath);
  if (!target) return { ok: false, why: 'missing' };
  for (const folder of folders) {
    const root = await real(folder.fsPath);
    const rel = root === undefined ? undefined : within(root, target);
    if (rel === undefined) continue;
    if (hasGitSegment(rel)) return { ok: false, why: 'git', real: target };
    const relative = rel.split(path.sep).join('/');
    return { ok: true, file: { real: target, folder, relative, label: folders.length > 1 ? `${folder.name}/${relative}` : relative } };
  }
  return { ok: false, why: 'outside', real: target };
}
