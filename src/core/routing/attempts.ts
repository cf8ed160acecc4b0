// The attempts of one route: numbering, the running set, and the one path every AttemptEvent takes (recorded for
// the final error, fired to listeners, returned for the route to yield).
import { Attempt, type AttemptEnd, type AttemptSpec } from './attempt';
import type { PlannedCandidate } from './candidates';
import type { AttemptEvent, AttemptOutcome, Candidate } from '../base/types';

export class Attempts {
  readonly events: AttemptEvent[] = [];
  readonly running = new Set<Attempt>();
  private begun = 0;

  constructor(
    private readonly requestId: string,
    private readonly fire: (e: AttemptEvent) => void,
    /** Every attempt running in the router, so `dispose` can abort them. */
    private readonly live: Set<Attempt>,
  ) {}

  start(spec: AttemptSpec): Attempt {
    const a = new Attempt(spec, this.requestId, this.begun++);
    this.running.add(a);
    this.live.add(a);
    return a;
  }

  end(a: Attempt, end: AttemptEnd): AttemptEvent {
    this.running.delete(a);
    this.live.delete(a);
    return this.record(a.finish(end));
  }

  /** An attempt that never sent anything: the breaker was open, or the request could not be made (no key, …). */
  notStarted(pc: PlannedCandidate, role: Candidate['role'], outcome: AttemptOutcome, error: { code: string; message: string }): AttemptEvent {
    return this.record({
      type: 'attempt',
      requestId: this.requestId,
      index: this.begun++,
      model: pc.model,
      endpoint: pc.endpoint.id,
      role,
      outcome,
      errorCode: error.code,
      message: error.message,
      msTotal: 0,
    });
  }

  /** Ends whatever still runs (the consumer left, the route failed or was cancelled). */
  cancelRunning(): void {
    if (this.running.size === 0) return;
    for (const a of [...this.running]) this.end(a, { outcome: 'cancelled' });
  }

  private record(ev: AttemptEvent): AttemptEvent {
    this.events.push(ev);
    this.fire(ev);
    return ev;
  }
}
