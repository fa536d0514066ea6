// Locks in Redis: SET NX PX with a random owner token; release and extend are compare-and-act
// Lua scripts so an owner whose lock expired can never free or stretch someone else's.
import type { LockBackend } from './lock.ts';

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** The few commands this needs, so any node-redis client (or a cluster) fits. */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { condition: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export class RedisLockBackend implements LockBackend {
  private readonly client: RedisCommands;
  private readonly prefix: string;

  constructor(client: RedisCommands, prefix: string) {
    this.client = client;
    this.prefix = prefix;
  }

  async tryAcquire(name: string, token: string, ttlMs: number): Promise<boolean> {
    const reply = await this.client.set(this.key(name), token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
    return reply === 'OK';
  }

  async release(name: string, token: string): Promise<boolean> {
    return Number(await this.client.eval(RELEASE, { keys: [this.key(name)], arguments: [token] })) === 1;
  }

  async extend(name: string, token: string, ttlMs: number): Promise<boolean> {
    return Number(await this.client.eval(EXTEND, { keys: [this.key(name)], arguments: [token, String(ttlMs)] })) === 1;
  }

  async holds(name: string, token: string): Promise<boolean> {
    // A key past its PX expiry is gone in Redis: present means unexpired.
    return (await this.client.get(this.key(name))) === token;
  }

  private key(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }
}
