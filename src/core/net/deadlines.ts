// One timer for every upstream stream's deadlines (connect, first token, idle). Each stream holds a Deadline whose
// `at` it moves (arming, a refresh per chunk, disarming) without touching a Node timer; the one timer wakes at the
// earliest `at` it knows of, fires what is due and sleeps until the next. With nothing armed no timer is left running.

export class Deadline {
  /** performance.now() when `onExpire` runs; Infinity = disarmed. */
  at = Infinity;
  constructor(private readonly onExpire: () => void) {}

  /** Fires `onExpire` in `ms` (replacing any earlier arming). */
  arm(ms: number): void {
    this.armAt(performance.now() + ms);
  }

  /** Fires `onExpire` at `at` (performance.now() time), replacing any earlier arming. */
  armAt(at: number): void {
    this.at = at;
    list.add(this);
    if (at < wakeAt) schedule(at);
  }

  disarm(): void {
    this.at = Infinity;
    list.delete(this);
    if (list.size === 0) stop();
  }

  /** @internal the list's sweep */
  expire(): void {
    this.at = Infinity;
    list.delete(this);
    this.onExpire();
  }
}

const list = new Set<Deadline>();
let timer: NodeJS.Timeout | undefined;
/** When the timer wakes (Infinity: no timer). */
let wakeAt = Infinity;

function schedule(at: number): void {
  if (timer) clearTimeout(timer);
  wakeAt = at;
  timer = setTimeout(sweep, Math.max(0, at - performance.now()));
}

function stop(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  wakeAt = Infinity;
}

function sweep(): void {
  timer = undefined;
  wakeAt = Infinity;
  const now = performance.now();
  const due: Deadline[] = [];
  for (const d of list) if (d.at <= now) due.push(d);
  // A late wake finds several due: they expire in the order they were due.
  if (due.length > 1) due.sort((a, b) => a.at - b.at);
  for (const d of due) d.expire();
  // An expiry may have armed or disarmed others: the next wake is computed from what is left.
  if (list.size === 0) return stop();
  let next = Infinity;
  for (const d of list) if (d.at < next) next = d.at;
  if (next < wakeAt) schedule(next);
}

/** Deadlines still armed (tests check that a finished stream leaves none). */
export function armedDeadlines(): number {
  return list.size;
}
