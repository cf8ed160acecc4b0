// VS Code language ids → markdown fence names (the reverse of the chat's "New File" mapping), so an attached file
// is fenced as ```ts src/app.ts and the model and the highlighter both know its language.
const FENCE: Record<string, string> = {
  typescript: 'ts',
  javascript: 'js',
  python: 'python',
  shellscript: 'sh',
  csharp: 'cs',
  cpp: 'cpp',
  rust: 'rust',
  markdown: 'md',
  plaintext: '',
};

export function fenceLanguage(languageId: string | undefined, path: string): string {
  if (languageId) return FENCE[languageId] ?? languageId;
  const ext = /\.([\w+-]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext ?? '';
}
