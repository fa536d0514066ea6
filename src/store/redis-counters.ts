// Counters in Redis: INCRBY and the first increment's PEXPIRE in one script, so a counter never
// lives on without an expiry (as it could between two separate commands).
const INCREMENT = "local v = redis.call('incrby', KEYS[1], ARGV[1]); if redis.call('pttl', KEYS[1]) < 0 then redis.call('pexpire', KEYS[1], ARGV[2]) end; return v";

export interface RedisEval {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export async function incrementRedisCounter(client: RedisEval, prefix: string, name: string, by: number, ttlMs: number): Promise<number> {
  return Number(await client.eval(INCREMENT, { keys: [`${prefix}:counter:${name}`], arguments: [String(by), String(Math.max(1, Math.ceil(ttlMs)))] }));
}
