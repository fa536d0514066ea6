// The Redis client, a chunk of its own: only a store configured with redis:// loads it.
export * from '@keyv/redis';
export { default } from '@keyv/redis';
