// One environment for every git command the gate runs over pushed content. A client controls
// the objects, refs and attributes of a push; this makes sure none of them changes what git
// shows the gate: replace objects and grafts are ignored (so the gate reads the same objects the
// forwarding push sends), no attribute file, textconv, external diff or pager applies, and no
// config from the environment a client or operator shell set can reshape the output.
export const GIT_CONFIG_OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ['core.attributesFile', '/dev/null'],
  ['core.quotePath', 'true'],
  ['core.pager', 'cat'],
  ['diff.external', ''],
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
  ['diff.suppressBlankEmpty', 'false'],
  ['diff.renames', 'true'],
  ['log.showSignature', 'false'],
  ['color.ui', 'false'],
  // git 2.43-2.45 read attributes from HEAD in bare repositories; later versions only from attr.tree.
  ['attr.tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904'],
];

const DROPPED = /^(GIT_EXTERNAL_DIFF|GIT_DIFF_OPTS|GIT_PAGER|PAGER|GIT_CONFIG_PARAMETERS|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_REPLACE_REF_BASE|GIT_ATTR_SOURCE|GIT_NOTES_REF|GIT_NOTES_DISPLAY_REF|GIT_DIFF_PATH_COUNTER|GIT_DIFF_PATH_TOTAL)$/;

/** Environment for git with the variables that would change its output removed. */
export function cleanGitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!DROPPED.test(key)) out[key] = value;
  return out;
}

/** cleanGitEnv plus: no replace objects, no grafts, no system attributes, the fixed config above. */
export function gateGitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = cleanGitEnv(env);
  out.GIT_NO_REPLACE_OBJECTS = '1';
  // A path that can never exist: no grafts, and no deprecation hint for an existing empty file.
  out.GIT_GRAFT_FILE = '/dev/null/no-grafts';
  out.GIT_ATTR_NOSYSTEM = '1';
  return withGitConfig(out, GIT_CONFIG_OVERRIDES);
}

/**
 * Adds config entries through GIT_CONFIG_COUNT/KEY/VALUE, after any the environment already
 * carries (config there outranks every file, and stays out of argv). Changes and returns env.
 */
export function withGitConfig(env: NodeJS.ProcessEnv, entries: ReadonlyArray<readonly [string, string]>): NodeJS.ProcessEnv {
  let count = Number(env.GIT_CONFIG_COUNT ?? 0);
  for (const [key, value] of entries) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  }
  env.GIT_CONFIG_COUNT = String(count);
  return env;
}
