// The "Switchboard" output channel: one redacted line per routing attempt and decision.
import * as vscode from 'vscode';
import { formatEvent } from '../core/routing/eventLog';
import type { Event, IDisposable } from '../core/base/lifecycle';
import { redact } from '../core/base/redact';
import type { RoutingEvent } from '../core/base/types';

/** The "Switchboard" routing log: one line per attempt and decision, every line redacted. */
export class RoutingLog implements IDisposable {
  private readonly channel = vscode.window.createOutputChannel('Switchboard', { log: true });

  constructor(private readonly knownKeys: () => Iterable<string>) {}

  info(line: string): void {
    this.channel.info(redact(line, this.knownKeys()));
  }

  warn(line: string): void {
    this.channel.warn(redact(line, this.knownKeys()));
  }

  error(line: string): void {
    this.channel.error(redact(line, this.knownKeys()));
  }

  attach(onEvent: Event<RoutingEvent>): IDisposable {
    return onEvent((e) => {
      const line = formatEvent(e);
      if (e.type === 'error' || (e.type === 'attempt' && e.outcome !== 'ok' && e.outcome !== 'hedge-lost')) this.warn(line);
      else this.info(line);
    });
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
