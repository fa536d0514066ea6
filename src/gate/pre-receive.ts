// The pre-receive gate: policy, then a scan of everything the push brings, then one atomic
// forward upstream. Any finding, anything unscanned, any error refuses the whole push before
// anything is sent upstream; git then moves no ref locally.
//
// Once the forward has started, the answer follows the upstream: a forward that ended without
// the upstream's answer (killed, timed out, cut off) is settled by reading the upstream's refs,
// and nothing after a forward the upstream took (a log line that cannot be written) turns it
// into a refusal, since git must then update the mirror's refs to match the upstream's.
import { EXIT_OK, EXIT_POLICY, errorMessage } from '../errors.ts';
import type { LoadedConfig } from '../config/load.ts';
import { bestEffort, type Logger } from '../log/logger.ts';
import { redactText } from '../log/redact.ts';
import { runGit, runGitLines } from '../git/run.ts';
import { buildScanner } from '../scan/run.ts';
import { DEFAULT_BLOB_VIEW_LIMITS } from '../scan/blob-views.ts';
import type { NotScanned, ScanResult } from '../scan/result.ts';
import { gateGitEnv } from '../git/safe-env.ts';
import { gateRuleConfig } from './gate-rules.ts';
import type { Store } from '../store/factory.ts';
import { forwardPush, listUpstreamObjects, readUpstreamRefs, type ForwardOptions, type ForwardResult } from './forward.ts';
import { readMirrorSettings, type MirrorSettings } from './mirror-settings.ts';
import { appendQuietly, type AuditEvent, type AuditKind } from '../audit/trail.ts';
import { upstreamMoved } from './peer-refresh.ts';
import { auditFindings, rejectionForFindings, rejectionForPolicy, rejectionForUnscanned } from './push-report.ts';
import { checkRefPolicy, currentBranchDeletion, matchesAny, replaceRefViolations } from './ref-policy.ts';
import { isZeroOid, parseRefUpdates, type RefUpdate } from './ref-updates.ts';
import { scanPushedObjects } from './push-objects.ts';
import { redirectRefusal, upstreamEnv } from './upstream-env.ts';
import { claimBypass, verifyGateToken } from './token-checks.ts';
import { loadSigningKey, type TokenClaims } from '../credential/tokens.ts';

export interface PreReceiveContext {
  gitDir: string;
  input: string;
  env: NodeJS.ProcessEnv;
  loaded: LoadedConfig;
  store: Store | null;
  logger: Logger;
  /** Where the client's "remote:" lines go. */
  say(text: string): void;
}

export async function runPreReceive(ctx: PreReceiveContext): Promise<number> {
  const started = Date.now();
  const updates = parseRefUpdates(ctx.input);
  const mirror = await readMirrorSettings(ctx.gitDir, ctx.env);
  const push = `${process.pid}-${started.toString(36)}`;
  // Audit records that let content through unscanned (a bypass, gate.allow_unscannable) must be
  // written or the push is refused: they go through `audit`, which throws. Every other line is
  // best-effort: a full disk does not refuse pushes, nor turn a forwarded push into a refusal.
  const audit = ctx.logger.child({ role: 'pre-receive', mirror: mirror.name || ctx.gitDir, push });
  const log = bestEffort(audit);
  log.info('push received', { refs: updates.map((u) => u.ref) });
  // What the audit trail gets: the decisions, written once they are made.
  const events: AuditEvent[] = [];
  const note: NoteEvent = (kind, fields = {}) => {
    events.push({ kind, mirror: mirror.name || ctx.gitDir, push, refs: updates.map((u) => ({ ref: u.ref, old: u.oldOid, new: u.newOid })), ...fields });
  };
  const run: PushRun = { started, updates, mirror, audit, log, note, forwarded: false };
  try {
    return await decidePush(ctx, run);
  } catch (error) {
    note('push.refused', { reason: 'gate error', error: errorMessage(error) });
    throw error;
  } finally {
    // Replicas sharing a store copy each other's fetches of this mirror only until the upstream moves.
    if (run.forwarded && ctx.store?.kind === 'redis') {
      await upstreamMoved(ctx.store, mirror.name).catch((error: unknown) => log.warn('could not mark the upstream as moved for other replicas', { error: errorMessage(error) }));
    }
    for (const event of events) await appendQuietly(ctx.store?.audit, event, log);
  }
}

type NoteEvent = (kind: AuditKind, fields?: Record<string, unknown>) => void;

interface PushRun {
  started: number;
  updates: RefUpdate[];
  mirror: MirrorSettings;
  audit: Logger;
  log: Logger;
  note: NoteEvent;
  /** Set once the forward may have reached the upstream. */
  forwarded: boolean;
}

async function decidePush(ctx: PreReceiveContext, run: PushRun): Promise<number> {
  const { started, updates, mirror, audit, log, note } = run;

  const gate = ctx.loaded.config.gate;
  const violations = [
    ...replaceRefViolations(updates, gate.allow_replace_refs),
    ...(await checkRefPolicy(updates, mirror.policy, (a, b) => isAncestor(ctx.gitDir, a, b, gateGitEnv(ctx.env)))),
    ...(updates.some((u) => isZeroOid(u.newOid)) ? currentBranchDeletion(updates, ...(await headAndDenyDeleteCurrent(ctx.gitDir, gateGitEnv(ctx.env)))) : []),
  ];
  if (violations.length) {
    ctx.say(rejectionForPolicy(violations));
    log.warn('push refused by ref policy', { violations });
    note('push.refused', { reason: 'ref policy', violations });
    return EXIT_POLICY;
  }

  const bypass = await bypassFromPushOptions(ctx, mirror.name, log);
  if (bypass === 'refused') {
    note('push.refused', { reason: 'bypass token refused' });
    return EXIT_POLICY;
  }

  const scanner = buildScanner({
    // The gate's rules only: a repository's .gitleaks.toml is never read, so a client cannot allowlist itself.
    ruleConfig: gateRuleConfig(gate.rules, ctx.loaded.config.scan.rules),
    limits: { maxFileBytes: ctx.loaded.config.scan.max_file_size, maxRunMs: gate.scan_timeout_seconds * 1000 },
    decodeDepth: ctx.loaded.config.scan.decode_depth,
    store: ctx.loaded.config.scan.cache ? ctx.store : null,
  });
  // What counts as already upstream is what the upstream's refs hold now, not what the mirror's
  // refs reach: a mirror behind its upstream (a branch deleted there, not yet refreshed away)
  // would otherwise let its objects be forwarded unscanned. An upstream that cannot list its
  // refs cannot take the forward either; the mirror's refs are then the best knowledge, and the
  // forward's own failure is what the client is told.
  let upstreamHas: string[] | undefined;
  if (mirror.upstream && updates.some((u) => !isZeroOid(u.newOid))) {
    try {
      const listed = await listUpstreamObjects({ gitDir: ctx.gitDir, upstream: mirror.upstream, env: upstreamEnv(mirror, ctx.env), timeoutMs: gate.verify_timeout_seconds * 1000, onSpawn: (pid) => log.debug('reading upstream refs', { pid, why: 'what the upstream holds, before the scan' }) });
      upstreamHas = await presentObjects(ctx.gitDir, listed, gateGitEnv(ctx.env));
    } catch (error) {
      log.warn('the upstream did not list its refs before the scan; the mirror\'s refs stand in for them', { error: redactText(errorMessage(error)) });
    }
  }
  const result = await scanPushedObjects(scanner, {
    gitDir: ctx.gitDir,
    env: ctx.env,
    updates,
    viewLimits: { ...DEFAULT_BLOB_VIEW_LIMITS, maxViewBytes: ctx.loaded.config.scan.max_file_size },
    deadline: started + gate.scan_timeout_seconds * 1000,
    ...(upstreamHas ? { upstreamHas } : {}),
  });
  const allowed = allowUnscannable(result, gate.allow_unscannable);
  if (allowed.length) audit.warn('forwarding content the gate could not read (gate.allow_unscannable)', { allowed });
  if (bypass) {
    // Audited: what the scan found is recorded, then the push goes on.
    audit.warn('scan bypassed with a one-time token', { jti: bypass.jti, reason: bypass.reason, refs: updates.map((u) => u.ref), findings: auditFindings(result.findings) });
    note('push.bypassed', { jti: bypass.jti, why: bypass.reason ?? null, findings: auditFindings(result.findings) });
    ctx.say(`gatehouse: scan BYPASSED with one-time token ${bypass.jti} (${bypass.reason ?? 'no reason given'}); ${result.findings.length} finding(s) recorded in the audit log.\n`);
    result.findings = [];
    result.notScanned = [];
  }
  log.info(bypass ? 'push scan bypassed' : 'push scanned', { commits: result.stats.commits, blobs: result.stats.files, bytes: result.stats.bytes, findings: result.findings.length, notScanned: result.notScanned.length, scanMs: result.stats.durationMs, ms: Date.now() - started });
  if (result.findings.length) {
    ctx.say(rejectionForFindings(result));
    log.warn('push refused: secrets found', { findings: auditFindings(result.findings) });
    note('push.refused', { reason: 'secrets found', findings: auditFindings(result.findings) });
    return EXIT_POLICY;
  }
  if (result.notScanned.length) {
    ctx.say(rejectionForUnscanned(result));
    log.warn('push refused: not fully scanned', { notScanned: result.notScanned });
    note('push.refused', { reason: 'not fully scanned', notScanned: result.notScanned });
    return EXIT_POLICY;
  }

  if (!mirror.upstream) {
    log.info('push accepted (no upstream configured: local only)');
    note('push.accepted', { upstream: null });
    return EXIT_OK;
  }
  const target = { gitDir: ctx.gitDir, upstream: mirror.upstream, updates, env: upstreamEnv(mirror, ctx.env) };
  // Written before anything can reach the upstream: a gate killed from here on cannot answer,
  // and this line with no outcome after it is how an operator sees such a push (the next
  // refresh brings the mirror to whatever the upstream holds).
  log.info('forwarding', { updates: updates.map((u) => ({ ref: u.ref, old: u.oldOid, new: u.newOid })) });
  run.forwarded = true;
  const forwarded = await forwardPush({ ...target, timeoutMs: gate.forward_timeout_seconds * 1000, onSpawn: (pid) => log.debug('forward started', { pid }) });
  // A bypassed push was not judged clean: it never says "no secrets".
  const scanned = bypass
    ? `gatehouse: scan bypassed (one-time token ${bypass.jti}); `
    : `gatehouse: scanned ${result.stats.commits} commit(s) and ${result.stats.files} file version(s), no secrets; `;
  return answerForward(ctx, log, note, forwarded, target, { scanned, started, verifyTimeoutMs: gate.verify_timeout_seconds * 1000 });
}

/**
 * The client's answer once the forward has run. Never throws: after a forward the upstream may
 * have taken, a failure here must not decide the answer.
 */
async function answerForward(
  ctx: PreReceiveContext,
  log: Logger,
  note: NoteEvent,
  forwarded: ForwardResult,
  target: Omit<ForwardOptions, 'timeoutMs'>,
  how: { scanned: string; started: number; verifyTimeoutMs: number },
): Promise<number> {
  const say = (text: string) => {
    try {
      ctx.say(text);
    } catch {
      // the client is gone; the answer is still the exit code
    }
  };
  const said = redactText(forwarded.output);
  if (forwarded.outcome === 'accepted') {
    say(`${how.scanned}forwarded to upstream.\n`);
    log.info('push forwarded', { ms: Date.now() - how.started });
    note('push.accepted', { upstream: 'forwarded' });
    return EXIT_OK;
  }
  if (forwarded.outcome === 'refused') {
    const redirect = redirectRefusal(said);
    const advice = redirect ? `The gate says: ${redirect}` : 'If the upstream moved since your last fetch, fetch, rebase or merge, and push again.';
    say(`\ngatehouse: push REJECTED: the upstream refused it, so no ref was updated here either.\n\n${indent(said)}\n\n${advice}\n`);
    log.warn(redirect ? 'push refused: upstream redirected' : 'push refused: upstream refused', { output: said });
    note('push.refused', { reason: redirect ? 'upstream redirected' : 'upstream refused', output: said });
    return EXIT_POLICY;
  }

  // The forward may have reached the upstream: its refs say whether it did.
  const reason = forwarded.reason;
  log.warn('forward ended without the upstream\'s answer; reading the upstream refs', { reason, output: said });
  let check: Awaited<ReturnType<typeof readUpstreamRefs>>;
  try {
    check = await readUpstreamRefs({ ...target, timeoutMs: how.verifyTimeoutMs, onSpawn: (pid) => log.debug('reading upstream refs', { pid }) });
  } catch (error) {
    check = { holds: 'unknown', output: errorMessage(error) };
  }
  if (check.holds === true) {
    say(`${how.scanned}forwarded to upstream (${reason}, but the upstream's refs show it took the push).\n`);
    log.info('push forwarded (confirmed from the upstream refs)', { reason, ms: Date.now() - how.started });
    note('push.accepted', { upstream: 'confirmed from its refs', forward: reason });
    return EXIT_OK;
  }
  if (check.holds === false) {
    say(
      `\ngatehouse: push REJECTED: the forward to the upstream failed (${reason}) and the upstream's refs do not hold this push ` +
        `(${check.differs.join(', ')}), so no ref was updated here either.\n${said ? `\n${indent(said)}\n` : ''}\n` +
        `If the upstream was still taking it in when the gate gave up, the next fetch will show it there.\n`,
    );
    log.warn('push refused: forward failed and the upstream refs do not hold it', { reason, differs: check.differs, output: said });
    note('push.refused', { reason: 'forward failed', forward: reason, differs: check.differs });
    return EXIT_POLICY;
  }
  const unread = redactText(check.output);
  say(
    `\ngatehouse: push NOT CONFIRMED: the forward to the upstream failed (${reason}) and the gate could not read the upstream's refs ` +
      `to check. The upstream MAY HAVE TAKEN this push: the next fetch will show whether it did. No ref was updated here.\n` +
      [...new Set([said, unread])].filter(Boolean).map((text) => `\n${indent(text)}\n`).join(''),
  );
  log.error('ambiguous push: the upstream may have taken it', { reason, refs: target.updates.map((u) => ({ ref: u.ref, old: u.oldOid, new: u.newOid })), output: said, check: unread });
  note('push.unconfirmed', { forward: reason, check: unread });
  return EXIT_POLICY;
}

/** The push option gatehouse.bypass=TOKEN: verified, one-time, or the push is refused. */
async function bypassFromPushOptions(ctx: PreReceiveContext, repo: string, log: Logger): Promise<TokenClaims | null | 'refused'> {
  const count = Number(ctx.env.GIT_PUSH_OPTION_COUNT ?? 0);
  let token: string | null = null;
  for (let i = 0; i < count; i++) {
    const option = ctx.env[`GIT_PUSH_OPTION_${i}`] ?? '';
    if (option.startsWith('gatehouse.bypass=')) token = option.slice('gatehouse.bypass='.length);
  }
  if (!token) return null;
  if (!ctx.store) {
    ctx.say('\ngatehouse: push REJECTED: bypass tokens need the state store.\n');
    return 'refused';
  }
  try {
    const claims = await verifyGateToken(ctx.store, loadSigningKey(ctx.loaded, ctx.env, false), token);
    await claimBypass(ctx.store, claims, repo);
    return claims;
  } catch (error) {
    log.warn('bypass token refused', { error: errorMessage(error) });
    ctx.say(`\ngatehouse: push REJECTED: bypass token refused (${errorMessage(error)}).\n`);
    return 'refused';
  }
}

/** Takes out of result.notScanned what the operator's gate.allow_unscannable globs allow; returns it for the audit log. */
export function allowUnscannable(result: ScanResult, globs: string[]): NotScanned[] {
  if (globs.length === 0) return [];
  const allowed: NotScanned[] = [];
  result.notScanned = result.notScanned.filter((n) => {
    const outer = n.path.split('!/')[0]!;
    if (!n.path || !(matchesAny(n.path, globs) || matchesAny(outer, globs))) return true;
    allowed.push(n);
    return false;
  });
  return allowed;
}

/** The branch the mirror's HEAD names (null if detached) and its receive.denyDeleteCurrent (null if unset). */
async function headAndDenyDeleteCurrent(gitDir: string, env: NodeJS.ProcessEnv): Promise<[string | null, string | null]> {
  const optional = async (args: string[]) => {
    try {
      return (await runGit(args, { cwd: gitDir, env })).stdout.trim() || null;
    } catch (error) {
      if ((error as { code?: number }).code === 1) return null;
      throw error;
    }
  };
  return [await optional(['symbolic-ref', '-q', 'HEAD']), await optional(['config', '--get', 'receive.denyDeleteCurrent'])];
}

/** Which of the ids this repository has (rev-list refuses to exclude an object it lacks). */
async function presentObjects(gitDir: string, oids: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  if (!oids.length) return [];
  const present: string[] = [];
  await runGitLines(['cat-file', '--batch-check=%(objectname)'], (line) => {
    if (line && !line.includes(' ')) present.push(line);
  }, { cwd: gitDir, env, input: `${oids.join('\n')}\n` });
  return present;
}

async function isAncestor(gitDir: string, ancestor: string, descendant: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await runGit(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: gitDir, env });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 1) return false;
    throw error;
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}

export function internalErrorMessage(error: unknown): string {
  return `\ngatehouse: push REJECTED: the gate could not check it (${redactText(errorMessage(error))}). The gate fails closed; nothing was updated.\n`;
}
