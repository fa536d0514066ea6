// The shape of gatehouse.toml. Every key has a default; unknown keys are errors.
// Secrets never live here: keys that need one take a secret reference ("env:NAME" or "file:PATH").
import * as z from 'zod';
import { LOG_LEVELS } from '../log/logger.ts';
import { SECRET_REF_PATTERN } from './secret-ref.ts';

const secretRef = z
  .string()
  .regex(SECRET_REF_PATTERN, 'expected a secret reference such as "env:NAME" or "file:/path/to/secret"');

const storeUrl = z.string().refine(
  (url) => url === 'sqlite' || url.startsWith('sqlite://') || /^rediss?:\/\//.test(url),
  'expected "sqlite" (embedded, in the state dir), "sqlite:///path/to/file.db" or a "redis://host:port/db" URL',
).refine(
  (url) => !/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(url),
  'must not hold a password; set store.password to a secret reference such as "env:GATEHOUSE_REDIS_PASSWORD"',
);

export const configSchema = z.strictObject({
  state_dir: z.string().default(''),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default('info'),
      file: z.string().default(''),
    })
    .prefault({}),
  store: z
    .strictObject({
      url: storeUrl.default('sqlite'),
      password: z.union([z.literal(''), secretRef]).default(''),
      namespace: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, dots, dashes or underscores')
        .default('gatehouse'),
    })
    .prefault({}),
  scan: z
    .strictObject({
      /** gitleaks-format TOML rules file; empty for the built-in rules. */
      rules: z.string().default(''),
      max_file_size: z.int().min(1, 'must be at least 1 byte').default(10 * 1024 * 1024),
      max_run_seconds: z.number().min(0, 'must be 0 (no limit) or more').default(0),
      decode_depth: z.int().min(0).max(5, 'must be 0 to 5').default(2),
      cache: z.boolean().default(true),
    })
    .prefault({}),
  gate: z
    .strictObject({
      /** Rules for pushes; empty: scan.rules, else built-in. A repository's own rules are never used. */
      rules: z.string().default(''),
      scan_timeout_seconds: z.number().positive('must be more than 0: the gate never scans without a limit').default(120),
      forward_timeout_seconds: z.number().positive().default(120),
      /** Default receive.maxInputSize for new mirrors. */
      max_pack_bytes: z.int().min(0).default(100 * 1024 * 1024),
      /** A refresh younger than this is reused by the access hook instead of fetching again. */
      freshness_seconds: z.number().min(0).default(5),
      /** When the upstream cannot be reached, serve a mirror refreshed this recently anyway; 0 refuses. */
      serve_stale_for_seconds: z.number().min(0).default(0),
      fetch_timeout_seconds: z.number().positive().default(120),
      /** git daemon: listen address and port. */
      listen: z.string().default('127.0.0.1'),
      port: z.int().min(0).max(65535).default(9418),
      max_connections: z.int().min(1).default(64),
      /** git daemon --timeout (idle) and --init-timeout, seconds. */
      timeout_seconds: z.int().min(1).default(600),
      init_timeout_seconds: z.int().min(1).default(30),
    })
    .prefault({}),
});

export type GatehouseConfig = z.output<typeof configSchema>;

export function defaultConfig(): GatehouseConfig {
  return configSchema.parse({});
}
