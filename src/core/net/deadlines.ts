// One timer for every upstream stream's deadlines (connect, first token, idle). Each stream holds a Deadline whose
// `at` it moves (arming, a refresh per chunk, disarming) without touching a Node timer; the one timer wakes at the
// earliest `at` it knows of, fires what is due and sleeps until the next. With nothing armed the timer is only
// unref'd, not cleared (it holds no process open and is not an active resource): the next stream, armed later than it
// wakes, re-refs it instead of a `setTimeout` + `clearTimeout` per stream; woken with nothing due it re-arms for the
// earliest deadline, or stops when none is left.

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
    else if (idle) wake();
  }

  disarm(): void {
    this.at = Infinity;
    list.delete(this);
    if (list.size === 0) sleep();
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

/** The timer is unref'd: nothing is armed, it only waits for the next stream (or to find nothing due and stop). */
let idle = false;

function schedule(at: number): void {
  if (timer) clearTimeout(timer);
  wakeAt = at;
  idle = false;
  timer = setTimeout(sweep, Math.max(0, at - performance.now()));
}

/** Nothing is armed: the timer stays, unref'd, for the next stream (armed later than it wakes) to take over. */
function sleep(): void {
  if (!timer) return;
  idle = true;
  timer.unref();
}

function wake(): void {
  idle = false;
  timer?.ref();
}

function stop(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  wakeAt = Infinity;
  idle = false;
}

function sweep(): void {
  timer = undefined;
  wakeAt = Infinity;
  idle = false;
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
