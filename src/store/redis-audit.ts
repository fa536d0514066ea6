// The audit trail in Redis: one stream per store prefix. XADD from every replica, trimmed
// approximately; a follower blocks in XREAD on a connection of its own, so a blocked read never
// holds up the store's other commands.
import { AUDIT_KEEP, auditRecord, type AuditEntry, type AuditEvent, type AuditTrail } from '../audit/trail.ts';

interface StreamMessage {
  id: string;
  message: Record<string, string>;
}

/** The few stream commands this needs from a node-redis client. */
export interface RedisStreamCommands {
  xAdd(key: string, id: string, message: Record<string, string>, options?: { TRIM: { strategy: 'MAXLEN'; strategyModifier: '~'; threshold: number } }): Promise<string>;
  xRevRange(key: string, end: string, start: string, options?: { COUNT: number }): Promise<StreamMessage[]>;
  xRead(streams: { key: string; id: string }, options?: { BLOCK?: number; COUNT?: number }): Promise<Array<{ name: string; messages: StreamMessage[] }> | null>;
}

export class RedisAuditTrail implements AuditTrail {
  private readonly client: RedisStreamCommands;
  private readonly key: string;
  private readonly blockingClient: () => Promise<RedisStreamCommands>;

  constructor(client: RedisStreamCommands, prefix: string, blockingClient: () => Promise<RedisStreamCommands>) {
    this.client = client;
    this.key = `${prefix}:audit`;
    this.blockingClient = blockingClient;
  }

  async append(event: AuditEvent): Promise<void> {
    const record = auditRecord(event);
    await this.client.xAdd(this.key, '*', { time: record.time, event: JSON.stringify(record.event) }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: AUDIT_KEEP } });
  }

  async latest(count: number): Promise<AuditEntry[]> {
    return (await this.client.xRevRange(this.key, '+', '-', { COUNT: count })).map(entry).reverse();
  }

  async newestId(): Promise<string> {
    const [newest] = await this.client.xRevRange(this.key, '+', '-', { COUNT: 1 });
    return newest?.id ?? '0-0';
  }

  async after(id: string, waitMs: number): Promise<AuditEntry[]> {
    const client = waitMs > 0 ? await this.blockingClient() : this.client;
    // BLOCK 0 would wait forever; a wait of under a millisecond is no wait.
    const options = waitMs >= 1 ? { BLOCK: Math.floor(waitMs), COUNT: 1000 } : { COUNT: 1000 };
    const reply = await client.xRead({ key: this.key, id }, options);
    return (reply?.[0]?.messages ?? []).map(entry);
  }
}

function entry(message: StreamMessage): AuditEntry {
  return { id: message.id, time: message.message.time ?? '', event: JSON.parse(message.message.event ?? '{}') as AuditEvent };
}
