// Polling instead of sleeping: the machine is slow and shared, so every wait is "until this holds, or give up
// after a generous timeout", and the timeout message says what was awaited and what was last seen.

export interface WaitOptions {
  /** What is awaited, for the timeout message ("the answer in the chat view"). */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** The machine is slow and loaded; `SWITCHBOARD_E2E_SLOWDOWN=2` doubles every timeout. */
export const SLOWDOWN = Math.max(1, Number(process.env.SWITCHBOARD_E2E_SLOWDOWN ?? 1) || 1);
export const scaled = (ms: number): number => ms * SLOWDOWN;

/** Thrown by a probe to stop waiting at once (the process being waited on has died). */
export class GiveUp extends Error {}

/**
 * Calls `probe` until it returns a truthy value and returns that value. A probe that throws counts as "not yet"
 * (frames detach, elements re-render); the last error or value is named in the timeout message.
 */
export async function waitFor<T>(probe: () => Promise<T> | T, options: WaitOptions): Promise<NonNullable<T>> {
  const timeoutMs = scaled(options.timeoutMs ?? 30_000);
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? `last error: ${last.message.split('\n')[0]}` : `last value: ${JSON.stringify(last)?.slice(0, 300)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what} (${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
