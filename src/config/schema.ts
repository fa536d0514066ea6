// The shape of gatehouse.toml. Every key has a default; unknown keys are errors.
// Changing what a file means (a default, a refinement)? Bump CONFIG_SCHEMA_REVISION in source.ts,
// or the validated-config cache keeps serving the old meaning.
// Secrets never live here: keys that need one take a secret reference ("env:NAME" or "file:PATH").
import * as z from 'zod';
import { LOG_LEVELS } from '../log/logger.ts';
import { machineConnectionLimit } from '../gate/connection-limit.ts';
import { SECRET_REF_PATTERN } from './secret-ref.ts';

/**
 * Built on first use, not at import: constructing the schema is most of zod's cost, and the
 * credential helper, run on every git operation, usually finds the validated config cached.
 */
function buildSchema() {
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

  const credentialSources = ['env', 'file', 'command', 'store', 'github-app', 'gatehouse-token', 'lookup'] as const;

  const credentialRule = z
    .strictObject({
      /** For references (a mirror's --credential NAME, `credential test`). */
      name: z.string().default(''),
      /**
       * Glob on the request's protocol. https only unless the rule says otherwise: a credential
       * over http:// crosses the network in clear text, so "http" must be written out. "*" (any
       * protocol: what a rule without one meant before this default) still works when written.
       */
      protocol: z.string().min(1, 'use "*" for any protocol').default('https'),
      /**
       * Glob on the host (with its :port, when the URL has one), case ignored: * within one
       * dot-separated label (*.example.com matches api.example.com, not a.b.example.com nor
       * example.com), ** across labels; "*" alone is any host. See config/glob.ts.
       */
      host: z.string().min(1, 'use "*" for any host').default('*'),
      /**
       * Glob on the repository path (git sends one only with credential.useHttpPath): * within
       * one segment, ** across segments; empty matches any path (and requests without one).
       */
      path: z.string().default(''),
      /** The username to answer with; empty keeps the one git sent (or "x-access-token"). */
      username: z.string().default(''),
      source: z.enum(credentialSources),
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
      file: z.string().optional(),
      command: z.array(z.string()).min(1, 'needs the program to run').optional(),
      timeout_seconds: z.number().positive().default(10),
      github_app: z
        .strictObject({
          app_id: z.union([z.int().positive(), z.string().regex(/^\w+$/)]),
          private_key_file: z.string(),
          installation_id: z.int().positive(),
          repositories: z.array(z.string()).default([]),
          permissions: z.record(z.string(), z.enum(['read', 'write', 'admin'])).default({}),
          api_url: z.string().url().default('https://api.github.com'),
        })
        .optional(),
      token: z
        .strictObject({
          scope: z.enum(['read', 'write']).default('read'),
          repo: z.string().default('*'),
          routes: z.array(z.string()).default([]),
          ttl_seconds: z.int().positive().default(3600),
        })
        .optional(),
      lookup: z
        .strictObject({
          url: z.string().url(),
          /** Header values are secret references ("env:NAME", "file:PATH") or plain text. */
          headers: z.record(z.string(), z.string()).default({}),
          ttl_seconds: z.int().min(0).default(300),
          /** JSON field holding the secret; empty: the whole response body. */
          field: z.string().default('token'),
        })
        .optional(),
    })
    .superRefine((rule, ctx) => {
      const need = { env: 'env', file: 'file', command: 'command', 'github-app': 'github_app', lookup: 'lookup' } as const;
      const key = need[rule.source as keyof typeof need];
      if (key && rule[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `source "${rule.source}" needs ${key}` });
    });


  const shimRoute = z.strictObject({
    /** Path prefix clients call, e.g. "/github/". Longest prefix wins. */
    prefix: z.string().regex(/^\/[A-Za-z0-9._~\/-]*\/$/, 'expected a path that starts and ends with "/", e.g. "/github/"'),
    upstream: z.string().url().refine((u) => /^https?:\/\//.test(u) && !/^[a-z]+:\/\/[^/]*@/i.test(u), 'expected an http(s) URL without credentials in it'),
    auth: z.string().regex(/^(bearer|token|basic|none|header:[A-Za-z0-9-]+)$/, 'expected bearer, token, basic, none or header:<name>').default('bearer'),
    /** A credential rule name, or a secret reference ("env:NAME", "file:PATH"). */
    credential: z.string().default(''),
    /** For auth = "basic": the username sent with the credential. */
    username: z.string().default('x-access-token'),
    /** Allowed methods; empty allows all. */
    methods: z.array(z.string().regex(/^[A-Z]+$/, 'expected upper-case HTTP methods')).default([]),
    /** git-receive-pack (push) through the shim is refused unless this is true: pushes go through the gate. */
    allow_push: z.boolean().default(false),
    /** Scan every request body on this route (buffered up to shim.max_scan_body_bytes) before it goes upstream. */
    scan_bodies: z.boolean().default(false),
    /**
     * Accept POST to a path ending in /graphql as a read although methods lacks POST, when the
     * body holds only GraphQL queries (no mutation or subscription); the body is scanned.
     */
    graphql_queries: z.boolean().default(false),
  });


  const configSchema = z.strictObject({
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
    credential: z
      .strictObject({
        /** 32-byte key (raw or base64) for the encrypted store; default credential.key in the state dir, made on first use. */
        key_file: z.string().default(''),
        /** Or an environment variable holding the base64 key. */
        key_env: z.string().default(''),
        /** Ordered: the first rule that matches a request answers it. None: the encrypted store answers everything. */
        rule: z.array(credentialRule).default([]),
      })
      .prefault({}),
    shim: z
      .strictObject({
        listen: z.string().default('127.0.0.1'),
        port: z.int().min(0).max(65535).default(9420),
        /**
         * The URL clients reach the shim at, for redirects the shim rewrites to come back through
         * it; empty: the address it listens on (a path-only Location on a unix socket or a wildcard address).
         */
        public_url: z
          .string()
          .refine((u) => u === '' || /^https?:\/\/[^/@?#\s]+(\/[^?#\s]*)?$/i.test(u), 'expected an http(s) URL without credentials, query or fragment, or empty')
          .default(''),
        /** Listen on this unix socket (0600) instead of TCP; no client tokens needed there. */
        socket: z.string().default(''),
        /** Serve loopback clients without tokens. Off: every request needs a shim token. */
        trust_loopback: z.boolean().default(false),
        /** Header carrying the client's gatehouse-signed token; stripped before forwarding. */
        token_header: z.string().regex(/^[A-Za-z0-9-]+$/).default('x-gatehouse-token'),
        strip_cookies: z.boolean().default(true),
        /** X-Forwarded-For/-Proto/-Host: "strip" (never forwarded) or "set" (replaced with the shim's view). */
        forwarded: z.enum(['strip', 'set']).default('strip'),
        max_header_bytes: z.int().min(1024).default(16 * 1024),
        max_headers: z.int().min(1).default(100),
        /** Whole-request limit; 0 means none, so a long git fetch is never cut. */
        request_timeout_seconds: z.number().min(0).default(0),
        /** A connection with nothing moving for this long is closed. */
        idle_timeout_seconds: z.number().positive().default(300),
        /** Concurrent upstream connections per route (keep-alive pooled). */
        upstream_connections: z.int().min(1).default(64),
        /** Extra CA certificates (PEM) for HTTPS upstreams, e.g. an internal CA. */
        ca_file: z.string().default(''),
        /** Largest request body buffered to be scanned; a bigger one on a scanned request is refused (413). */
        max_scan_body_bytes: z.int().min(1024).default(10 * 1024 * 1024),
        route: z.array(shimRoute).default([]),
      })
      .prefault({}),
    gate: z
      .strictObject({
        /** Rules for pushes; empty: scan.rules, else built-in. A repository's own rules are never used. */
        rules: z.string().default(''),
        /**
         * The key gate tokens are signed with, as a secret reference to 32+ base64-encoded bytes
         * (replicas share it); empty: a key made in the state dir.
         */
        signing_key: z.union([z.literal(''), secretRef]).default(''),
        /**
         * This replica's smart HTTP base URL as other replicas on the same store reach it (e.g.
         * "http://10.0.0.5:9419"). Set: a replica whose mirror is behind copies it from the one that
         * fetched the upstream last, instead of fetching the upstream again. Empty: not offered.
         */
        peer_url: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expected an http:// or https:// URL')]).default(''),
        scan_timeout_seconds: z.number().positive('must be more than 0: the gate never scans without a limit').default(120),
        /**
         * Path globs (** across directories) of content the gate may forward although it cannot read
         * it (encrypted or unknown archives, over-size blobs); every use is logged. Empty: such content refuses the push.
         */
        allow_unscannable: z.array(z.string().min(1)).default([]),
        /** Pushes to refs/replace/* change what other readers of the repository see; refused unless true. */
        allow_replace_refs: z.boolean().default(false),
        /** The forward (git push to the upstream) is killed, with every helper process it started, after this long. */
        forward_timeout_seconds: z.number().positive().default(120),
        /** After a forward that ended without the upstream's answer, how long reading the upstream's refs (git ls-remote) may take. */
        verify_timeout_seconds: z.number().positive().default(15),
        /** Default receive.maxInputSize for new mirrors. */
        max_pack_bytes: z.int().min(0).default(100 * 1024 * 1024),
        /** The longest lifetime `token mint` gives a token (90s, 30m, 8h, 30d). */
        max_token_ttl: z.string().regex(/^\d+[smhd]?$/, 'expected a duration such as 8h or 30d').default('30d'),
        /** A refresh younger than this is reused by the access hook instead of fetching again. */
        freshness_seconds: z.number().min(0).default(5),
        /** When the upstream cannot be reached, serve a mirror refreshed this recently anyway; 0 refuses. */
        serve_stale_for_seconds: z.number().min(0).default(0),
        fetch_timeout_seconds: z.number().positive().default(120),
        /**
         * A mirror's refresh lock is a lease of this long, renewed every third of it while the
         * refresh runs: a refresh killed mid-fetch blocks the mirror's clones for at most this long.
         */
        lock_lease_seconds: z.number().positive().default(10),
        /** git daemon: listen address and port. */
        listen: z.string().default('127.0.0.1'),
        port: z.int().min(0).max(65535).default(9418),
        /**
         * gatehouse serve: also run git:// (git daemon) beside smart HTTP. git:// has no
         * authentication: anyone who can reach the port reads every mirror, whatever tokens say.
         * For trusted networks only; off, serve is smart HTTP (token checks) only.
         */
        git_protocol: z.boolean().default(false),
        /**
         * gatehouse serve with git_protocol: accept pushes over git:// too (still scanned by the
         * gate, but anyone who can reach the port may push to any mirror). Off: git daemon refuses them.
         */
        git_push: z.boolean().default(false),
        /**
         * git daemon --max-connections. Past it git daemon resets connections without a word, so
         * the default is sized for the machine's memory (64 to 1024; see gate/connection-limit.ts).
         */
        max_connections: z.int().min(1).default(() => machineConnectionLimit()),
        /** gatehouse serve: smart HTTP at /git/<name> on this port (0 turns it off). */
        http_port: z.int().min(0).max(65535).default(9419),
        /** git daemon --timeout (idle) and --init-timeout, seconds. */
        timeout_seconds: z.int().min(1).default(600),
        init_timeout_seconds: z.int().min(1).default(30),
      })
      .prefault({}),
    /**
     * Per-token limits on smart HTTP and the shim, counted in the state store (so on Redis, across
     * every replica). 0 turns a limit off. Beyond a limit: 429 with Retry-After until the window ends.
     */
    rate_limit: z
      .strictObject({
        /** Requests per token per window. */
        requests: z.int().min(0).default(0),
        /** Bytes in and out per token per window; a request that crosses it finishes, the next is refused. */
        bytes: z.int().min(0).default(0),
        window_seconds: z.int().min(1).default(60),
      })
      .prefault({}),
  });
  return { configSchema, credentialRule, shimRoute };
}

let built: ReturnType<typeof buildSchema> | undefined;

export function configSchema() {
  return (built ??= buildSchema()).configSchema;
}

export type CredentialRuleConfig = z.output<ReturnType<typeof buildSchema>['credentialRule']>;
export type ShimRouteConfig = z.output<ReturnType<typeof buildSchema>['shimRoute']>;

export type GatehouseConfig = z.output<ReturnType<typeof buildSchema>['configSchema']>;

export function defaultConfig(): GatehouseConfig {
  return configSchema().parse({});
}
