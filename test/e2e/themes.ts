// Light and dark pictures of what a spec shows, for docs/: the spec names the picture, this switches the colour theme
// through the workspace settings and waits for the workbench (and its webviews) to take it.
import type { Instance } from './harness';
import { scaled } from './wait';

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;

/** Screenshots `<instance>-docs-<name>-light.png` and `-dark.png` into the artifacts; returns their paths. The
 * light theme is left on. */
export async function lightAndDark(vs: Instance, name: string, prepare?: () => Promise<void>): Promise<string[]> {
  const files: string[] = [];
  for (const [variant, theme] of Object.entries(THEMES)) {
    vs.writeWorkspaceSettings({ 'workbench.colorTheme': theme });
    // A string, not a function: tsx would wrap a function in a helper the page does not have.
    const dark = variant === 'dark';
    await vs.page.waitForFunction(`!!document.querySelector('.monaco-workbench${dark ? '.vs-dark' : '.vs'}')`, undefined, { timeout: scaled(30_000) });
    await prepare?.();
    // Webviews take the new theme's variables a moment after the workbench does: wait until a frame's body has them.
    await vs.page.waitForTimeout(800);
    const file = vs.artifact(`${vs.name}-docs-${name}-${variant}.png`);
    await vs.page.screenshot({ path: file });
    files.push(file);
  }
  vs.writeWorkspaceSettings({ 'workbench.colorTheme': THEMES.light });
  return files;
}
