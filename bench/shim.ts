// npm run bench:shim: what the credential-injecting shim costs, against the same requests sent
// straight to the upstream and through nginx doing the same job (proxy_pass with
// proxy_set_header Authorization, a keep-alive upstream pool, streaming both ways), in one run.
//   small requests: wrk (-t1 -c16) for BENCH_SECONDS per subject and round; requests per second
//     and p50/p99 under load. Target: the shim >= 0.7x nginx's rate.
//   added latency: wrk on one connection (-c1), closed loop; p99 minus direct's p99.
//     Target: <= 2 ms.
//   large bodies: BENCH_SHIM_MIB MiB down (upstream nginx serves a sparse file) and up (chunked,
//     from /dev/zero, into a Node sink that counts) with curl. Target: >= 0.9x direct.
//   memory: the shim's VmRSS sampled throughout; flat = the last round's peak is within 32 MB
//     (or 15%) of the first round's.
// Subjects run round-robin, BENCH_ROUNDS rounds, medians reported. Everything listens on
// 127.0.0.1 and every run is bounded in time. Needs wrk and nginx (Debian: wrk, nginx-light).
// The upstream secret is fake; it reaches the shim through its environment and nginx through
// its config file in the temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../test/helpers/binary.ts';
import { freePort, waitForPort } from '../test/helpers/net.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = join(root, 'dist/gatehouse');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MIB = Number(process.env.BENCH_SHIM_MIB ?? 512);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECRET = 'bench-fake-upstream-secret-0000000000';
const say = (m = ''): void => void process.stdout.write(`${m}\n`);

function which(name: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Runs a command to completion (bounded) with this process's environment unless told otherwise. */
const exec = (file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) =>
  run(file, args, { env: options.env ?? process.env, timeoutMs: options.timeoutMs ?? 120_000 });

function rss(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function parseWrk(out: string): WrkResult {
  const unit = (v: string, u: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[u]!;
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
    return m ? unit(m[1]!, m[2]!) : NaN;
  };
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p50: pct('50'), p99: pct('99'), errors };
}

interface Subject {
  name: string;
  base: string;
  headers: string[];
}

async function main(): Promise<void> {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: npm run build`);
  const wrk = which('wrk');
  const nginx = which('nginx');
  const curl = which('curl');
  if (!wrk || !curl) throw new Error('bench:shim needs wrk and curl (Debian: apt-get install -y wrk curl)');
  if (!nginx) say('nginx is not installed (Debian: apt-get install -y nginx-light): the nginx column is skipped');

  const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-shim-'));
  // nginx workers run as www-data when the master is root: they must reach the files here.
  chmodSync(work, 0o755);
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await Promise.race([new Promise((r) => c.once('exit', r)), new Promise((r) => setTimeout(r, 5000).unref())]);
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
    }
  };
  const start = (file: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const child = spawn(file, args, { env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c).slice(-4000)));
    children.push(child);
    return { child, stderr: () => stderr };
  };

  try {
    // ---- the upstream: nginx for small responses and the download, a Node sink for uploads.
    const blob = join(work, 'blob');
    const fd = openSync(blob, 'w', 0o644);
    ftruncateSync(fd, MIB * 1024 * 1024); // sparse: no memory, no disk
    closeSync(fd);
    chmodSync(blob, 0o644);
    const [upPort, sinkPort, proxyPort, shimPort, shimTokenPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const userLine = process.getuid?.() === 0 ? 'user www-data;' : '';
    const common = (name: string) => `
${userLine}
worker_processes 1;
events { worker_connections 4096; }
http {
  access_log off;
  error_log ${work}/${name}-error.log warn;
  client_body_temp_path ${work}/${name}-body; proxy_temp_path ${work}/${name}-proxy;
  fastcgi_temp_path ${work}/${name}-fcgi; uwsgi_temp_path ${work}/${name}-uwsgi; scgi_temp_path ${work}/${name}-scgi;
  keepalive_requests 1000000;
`;
    const nginxStart = (name: string, conf: string) => {
      const file = join(work, `${name}.conf`);
      writeFileSync(file, conf);
      return start(nginx!, ['-p', work, '-e', join(work, `${name}-error.log`), '-c', file, '-g', `daemon off; pid ${join(work, `${name}.pid`)};`]);
    };
    let upstreamBase: string;
    if (nginx) {
      nginxStart(
        'upstream',
        `${common('upstream')}
  sendfile on;
  server {
    listen 127.0.0.1:${upPort};
    location = /small { default_type text/plain; return 200 "ok\\n"; }
    location = /download { alias ${blob}; default_type application/octet-stream; }
  }
}
`,
      );
      upstreamBase = `http://127.0.0.1:${upPort}`;
    } else {
      // Without nginx, a Node server stands in for the small and download upstream.
      start(process.execPath, ['-e', NODE_UPSTREAM, String(upPort), blob]);
      upstreamBase = `http://127.0.0.1:${upPort}`;
    }
    start(process.execPath, ['-e', SINK, String(sinkPort)]);

    // ---- nginx doing the shim's job.
    if (nginx) {
      const location = (prefix: string, port: number) => `
    location ${prefix} {
      proxy_pass http://up${port}/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1:${port};
      proxy_set_header Authorization "Bearer ${SECRET}";
      proxy_set_header Proxy-Authorization "";
      proxy_set_header Cookie "";
      proxy_set_header X-Forwarded-For "";
      proxy_buffering off;
      proxy_request_buffering off;
      client_max_body_size 0;
    }`;
      nginxStart(
        'proxy',
        `${common('proxy')}
  upstream up${upPort} { server 127.0.0.1:${upPort}; keepalive 64; }
  upstream up${sinkPort} { server 127.0.0.1:${sinkPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${proxyPort};
    ${location('/api/', upPort)}
    ${location('/sink/', sinkPort)}
  }
}
`,
      );
    }

    // ---- the shim, twice: trusting loopback, and checking a client token on every request.
    const home = join(work, 'home');
    for (const d of ['home', 'config/gatehouse', 'state']) mkdirSync(join(work, d), { recursive: true });
    const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(work, 'config'), XDG_STATE_HOME: join(work, 'state'), BENCH_UPSTREAM_SECRET: SECRET };
    writeFileSync(
      join(work, 'config/gatehouse/gatehouse.toml'),
      `[log]
file = ${JSON.stringify(join(work, 'shim-audit.log'))}

[shim]
upstream_connections = 64

[[shim.route]]
prefix = "/api/"
upstream = "${upstreamBase}/"
auth = "bearer"
credential = "env:BENCH_UPSTREAM_SECRET"

[[shim.route]]
prefix = "/sink/"
upstream = "http://127.0.0.1:${sinkPort}/"
auth = "bearer"
credential = "env:BENCH_UPSTREAM_SECRET"
`,
    );
    const minted = await exec(binary, ['token', 'mint', '--shim', '--routes', '/api/', '/sink/', '--methods', 'GET', 'PUT', 'POST', '--ttl', '2h'], { env });
    if (minted.code !== 0) throw new Error(`token mint failed: ${minted.stderr}`);
    const token = minted.stdout.trim();
    const shim = start(binary, ['shim', '--port', String(shimPort), '--trust-loopback'], env);
    const shimToken = start(binary, ['shim', '--port', String(shimTokenPort)], env);
    for (const port of [upPort, sinkPort, shimPort, shimTokenPort, ...(nginx ? [proxyPort] : [])]) await waitForPort(port);

    const subjects: Subject[] = [
      { name: 'direct to the upstream', base: upstreamBase, headers: [] },
      ...(nginx ? [{ name: 'nginx proxy_pass', base: `http://127.0.0.1:${proxyPort}/api`, headers: [] }] : []),
      { name: 'gatehouse shim (--trust-loopback)', base: `http://127.0.0.1:${shimPort}/api`, headers: [] },
      { name: 'gatehouse shim (client token)', base: `http://127.0.0.1:${shimTokenPort}/api`, headers: ['x-gatehouse-token', token] },
    ];
    const sinkOf = (s: Subject) => (s.base === upstreamBase ? `http://127.0.0.1:${sinkPort}` : s.base.replace(/\/api$/, '/sink'));

    // Sanity: every path answers, and the shim really injects (the sink echoes what it saw).
    for (const s of subjects) {
      const r = await exec(curl, ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...(s.headers.length ? ['-H', `${s.headers[0]}: ${s.headers[1]}`] : []), `${s.base}/small`]);
      if (r.stdout !== '200') throw new Error(`${s.name}: /small answered ${r.stdout} ${r.stderr}\n${shim.stderr()}`);
    }
    const check = await exec(curl, ['-s', `http://127.0.0.1:${shimPort}/sink/auth-check`]);
    if (check.stdout.trim() !== 'bearer-ok') throw new Error(`the shim did not inject the credential: ${check.stdout}`);

    // RSS of both shims, sampled all along and tagged by phase.
    const rssSamples: Array<{ phase: string; bytes: number }> = [];
    let phase = 'idle';
    const sample = () => {
      for (const c of [shim.child, shimToken.child]) {
        const v = rss(c.pid!);
        if (v !== null) rssSamples.push({ phase: `${phase}:${c === shim.child ? 'trust' : 'token'}`, bytes: v });
      }
    };
    sample();
    const sampler = setInterval(sample, 100);

    const wrkRun = async (s: Subject, connections: number, seconds: number): Promise<WrkResult> => {
      const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...(s.headers.length ? ['-H', `${s.headers[0]}: ${s.headers[1]}`] : []), `${s.base}/small`];
      const r = await exec(wrk, args, { timeoutMs: (seconds + 30) * 1000 });
      if (r.code !== 0) throw new Error(`wrk for ${s.name} failed: ${r.stderr}`);
      const parsed = parseWrk(r.stdout);
      if (parsed.errors) throw new Error(`${s.name}: ${parsed.errors} errors under wrk:\n${r.stdout}`);
      return parsed;
    };
    const curlRun = async (s: Subject, direction: 'down' | 'up'): Promise<number> => {
      const h = s.headers.length ? ['-H', `${s.headers[0]}: ${s.headers[1]}`] : [];
      if (direction === 'down') {
        const r = await exec(curl, ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', ...h, `${s.base}/download`], { timeoutMs: 300_000 });
        const [code, size, time] = r.stdout.trim().split(' ');
        if (code !== '200' || Number(size) !== MIB * 1024 * 1024) throw new Error(`${s.name} download: ${r.stdout} ${r.stderr}`);
        return MIB / Number(time);
      }
      const header = s.headers.length ? `-H '${s.headers[0]}: ${s.headers[1]}'` : '';
      const r = await exec('/bin/sh', ['-c', `head -c ${MIB * 1024 * 1024} /dev/zero | ${curl} -s -T - ${header} -H 'Content-Type: application/octet-stream' -w ' %{http_code} %{time_total}' ${sinkOf(s)}/upload`], {
        timeoutMs: 300_000,
      });
      const [count, code, time] = r.stdout.trim().split(/\s+/);
      if (code !== '200' || Number(count) !== MIB * 1024 * 1024) throw new Error(`${s.name} upload: ${r.stdout} ${r.stderr}`);
      return MIB / Number(time);
    };

    // Warm-up: JIT, connection pools.
    phase = 'warmup';
    for (const s of subjects) await wrkRun(s, CONNECTIONS, 1);

    const results = new Map<string, { rps: number[]; p50: number[]; p99: number[]; c1p50: number[]; c1p99: number[]; down: number[]; up: number[] }>();
    for (const s of subjects) results.set(s.name, { rps: [], p50: [], p99: [], c1p50: [], c1p99: [], down: [], up: [] });
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so drift in the machine hits each subject alike.
      const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]!);
      phase = `rps${round}`;
      for (const s of order) {
        const r = await wrkRun(s, CONNECTIONS, SECONDS);
        const m = results.get(s.name)!;
        m.rps.push(r.rps);
        m.p50.push(r.p50);
        m.p99.push(r.p99);
      }
      phase = `latency${round}`;
      for (const s of order) {
        const r = await wrkRun(s, 1, Math.max(2, Math.ceil(SECONDS / 2)));
        const m = results.get(s.name)!;
        m.c1p50.push(r.p50);
        m.c1p99.push(r.p99);
      }
      phase = `large${round}`;
      for (const s of order) {
        const m = results.get(s.name)!;
        m.down.push(await curlRun(s, 'down'));
        m.up.push(await curlRun(s, 'up'));
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
    phase = 'after';
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(sampler);

    // ---- report
    const med = (name: string, key: 'rps' | 'p50' | 'p99' | 'c1p50' | 'c1p99' | 'down' | 'up') => median(results.get(name)![key]);
    const direct = subjects[0]!.name;
    const nginxName = nginx ? 'nginx proxy_pass' : null;
    const shimName = 'gatehouse shim (--trust-loopback)';
    const tokenName = 'gatehouse shim (client token)';
    const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
    say(`\nshim benchmark: ${ROUNDS} rounds round-robin, medians; ${cpus().length} cores; everything on 127.0.0.1`);
    say(`upstream: ${nginx ? 'nginx (return 200 for /small, sendfile of a sparse file for /download)' : 'node http'}; upload sink: node http counting bytes`);
    say(`\nsmall requests: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s GET /small`);
    say(`${'subject'.padEnd(36)} ${'req/s'.padStart(9)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'vs direct'.padStart(10)} ${'vs nginx'.padStart(9)}`);
    for (const s of subjects) {
      const rps = med(s.name, 'rps');
      say(
        `${s.name.padEnd(36)} ${f(rps).padStart(9)} ${`${f(med(s.name, 'p50'), 2)}ms`.padStart(9)} ${`${f(med(s.name, 'p99'), 2)}ms`.padStart(9)} ${`${f(rps / med(direct, 'rps'), 2)}x`.padStart(10)} ${
          nginxName ? `${f(rps / med(nginxName, 'rps'), 2)}x`.padStart(9) : '-'.padStart(9)
        }`,
      );
    }
    say(`\nlatency on one connection: wrk -t1 -c1, closed loop`);
    say(`${'subject'.padEnd(36)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'added p99'.padStart(10)}`);
    for (const s of subjects) {
      say(`${s.name.padEnd(36)} ${`${f(med(s.name, 'c1p50'), 3)}ms`.padStart(9)} ${`${f(med(s.name, 'c1p99'), 3)}ms`.padStart(9)} ${`${f(med(s.name, 'c1p99') - med(direct, 'c1p99'), 3)}ms`.padStart(10)}`);
    }
    say(`\nlarge bodies: ${MIB} MiB with curl (download from the upstream; chunked upload into the sink)`);
    say(`${'subject'.padEnd(36)} ${'down MiB/s'.padStart(11)} ${'ratio'.padStart(7)} ${'up MiB/s'.padStart(10)} ${'ratio'.padStart(7)}`);
    for (const s of subjects) {
      say(
        `${s.name.padEnd(36)} ${f(med(s.name, 'down')).padStart(11)} ${`${f(med(s.name, 'down') / med(direct, 'down'), 2)}x`.padStart(7)} ${f(med(s.name, 'up')).padStart(10)} ${`${f(med(s.name, 'up') / med(direct, 'up'), 2)}x`.padStart(7)}`,
      );
    }

    const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
    const peak = (prefix: string, which: string) => Math.max(0, ...rssSamples.filter((r) => r.phase.startsWith(prefix) && r.phase.endsWith(which)).map((r) => r.bytes));
    say('\nshim memory (VmRSS)');
    for (const which of ['trust', 'token']) {
      const rounds = Array.from({ length: ROUNDS }, (_, i) => Math.max(peak(`rps${i}`, which), peak(`latency${i}`, which), peak(`large${i}`, which)));
      say(`  ${which === 'trust' ? shimName : tokenName}: idle ${mb(peak('idle', which))}, peak per round ${rounds.map(mb).join(', ')}, after ${mb(peak('after', which))}`);
    }
    const trustRounds = Array.from({ length: ROUNDS }, (_, i) => Math.max(peak(`rps${i}`, 'trust'), peak(`latency${i}`, 'trust'), peak(`large${i}`, 'trust')));
    const tokenRounds = Array.from({ length: ROUNDS }, (_, i) => Math.max(peak(`rps${i}`, 'token'), peak(`latency${i}`, 'token'), peak(`large${i}`, 'token')));
    const flat = (r: number[]) => r.at(-1)! <= r[0]! + Math.max(32e6, r[0]! * 0.15);

    const targets: Array<[string, string, boolean | null]> = [];
    const downRatio = med(shimName, 'down') / med(direct, 'down');
    const upRatio = med(shimName, 'up') / med(direct, 'up');
    targets.push(['large-body throughput >= 0.9x direct', `down ${f(downRatio, 2)}x, up ${f(upRatio, 2)}x`, downRatio >= 0.9 && upRatio >= 0.9]);
    if (nginxName) {
      const rate = med(shimName, 'rps') / med(nginxName, 'rps');
      const rateToken = med(tokenName, 'rps') / med(nginxName, 'rps');
      targets.push(['small-request rate >= 0.7x nginx', `${f(rate, 2)}x (with client tokens ${f(rateToken, 2)}x)`, rate >= 0.7]);
    } else targets.push(['small-request rate >= 0.7x nginx', 'nginx not installed', null]);
    const added = med(shimName, 'c1p99') - med(direct, 'c1p99');
    const addedToken = med(tokenName, 'c1p99') - med(direct, 'c1p99');
    targets.push(['added p99 latency <= 2 ms', `${f(added, 3)} ms (with client tokens ${f(addedToken, 3)} ms)`, added <= 2]);
    targets.push(['memory flat', `last round peak vs first: ${mb(trustRounds.at(-1)!)} vs ${mb(trustRounds[0]!)}; token shim ${mb(tokenRounds.at(-1)!)} vs ${mb(tokenRounds[0]!)}`, flat(trustRounds) && flat(tokenRounds)]);
    say('\ntargets');
    for (const [name, value, met] of targets) say(`  ${name.padEnd(40)} ${value.padEnd(52)} ${met === null ? 'not measured' : met ? 'met' : 'MISSED'}`);
    if (nginxName) {
      say(`  (for scale: nginx large-body ratio to direct: down ${f(med(nginxName, 'down') / med(direct, 'down'), 2)}x, up ${f(med(nginxName, 'up') / med(direct, 'up'), 2)}x)`);
    }
    say(targets.every(([, , met]) => met !== false) ? '\nall shim targets met' : '\nsome shim targets MISSED');
    const leaked = readFileSync(join(work, 'shim-audit.log'), 'utf8').includes(SECRET) || shim.stderr().includes(SECRET) || shimToken.stderr().includes(SECRET);
    if (leaked) say('WARNING: the upstream secret appeared in the shim audit log or stderr');
  } finally {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
}

// A sink: reads the whole request body and answers with the byte count; /auth-check says whether
// a bearer credential arrived.
const SINK = `
const http = require('node:http');
http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  if (req.url.endsWith('/auth-check')) return res.end(/^Bearer .{20,}$/.test(req.headers.authorization || '') ? 'bearer-ok' : 'no-bearer');
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => res.end(String(n)));
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

// Without nginx: /small and /download from Node.
const NODE_UPSTREAM = `
const http = require('node:http');
const fs = require('node:fs');
http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  if (req.url === '/small') return res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 }).end('ok\\n');
  if (req.url === '/download') {
    const size = fs.statSync(process.argv[2]).size;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    return fs.createReadStream(process.argv[2]).pipe(res);
  }
  res.writeHead(404).end();
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

await main();
