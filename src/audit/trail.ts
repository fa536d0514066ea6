// The audit trail: what the gate decided and who used which token, kept in the state store so
// every replica writes to, and `gatehouse audit tail` reads from, one place. Embedded SQLite
// keeps it in a table; Redis in a stream (XADD/XREAD), which replicas append to concurrently.
//
// Events are redacted before they are stored, as log lines are: findings name a rule, a commit
// and a path, never the secret.
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { redactValue } from '../log/redact.ts';

export const AUDIT_KINDS = [
  'push.accepted',
  'push.refused',
  'push.bypassed',
  'push.unconfirmed',
  'token.used',
  'token.refused',
  'refresh.fetched',
  'refresh.failed',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditEvent {
  kind: AuditKind;
  [field: string]: unknown;
}

export interface AuditEntry {
  /** Increasing within one store: the SQLite row id, or the Redis stream id. */
  id: string;
  time: string;
  event: AuditEvent;
}

/** Older entries are dropped past this many (Redis trims approximately). */
export const AUDIT_KEEP = 100_000;

export interface AuditTrail {
  append(event: AuditEvent): Promise<void>;
  /** The newest `count` entries, oldest first. */
  latest(count: number): Promise<AuditEntry[]>;
  /**
   * Entries after `id` (one from newestId() or from an entry), oldest first. Waits up to waitMs
   * for the first one when there are none yet.
   */
  after(id: string, waitMs: number): Promise<AuditEntry[]>;
  /** The id of the newest entry ('' when the trail is empty), for following from now on. */
  newestId(): Promise<string>;
}

/** What goes into the trail for an event: redacted, with the time it was written. */
export function auditRecord(event: AuditEvent, now: Date = new Date()): { time: string; event: AuditEvent } {
  return { time: now.toISOString(), event: redactValue(event) as AuditEvent };
}

/**
 * Appends without letting the trail decide anything: the callers have already decided (a push
 * refused or forwarded), and a store that is down must not turn that into something else. A
 * write that fails is a warning in the log.
 */
export async function appendQuietly(trail: AuditTrail | undefined, event: AuditEvent, log: Pick<Logger, 'warn'>): Promise<void> {
  if (!trail) return;
  try {
    await trail.append(event);
  } catch (error) {
    log.warn('the audit trail could not be written', { event: event.kind, error: errorMessage(error) });
  }
}
