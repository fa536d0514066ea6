// The rules a push is scanned with. The pusher chooses every path in a push, so an allowlist
// that skips content by path alone (lock files, node_modules/, *.png, minified files) would let
// a client switch scanning off by naming a file. The gate drops the path checks of every
// allowlist it did not get from the operator's own gate.rules file; `gatehouse scan`, where the
// repository's owner chose the paths, keeps them.
import { defaultRuleConfig, loadRuleConfigFile, type RuleConfig } from '../scan/config.ts';
import { deriveSpec, type AllowlistSpec, type RuleSpec } from '../scan/rule.ts';

export function gateRuleConfig(gateRules: string, scanRules: string): RuleConfig {
  if (gateRules) {
    const builtIn = builtInAllowlists();
    return withoutPathAllowlists(loadRuleConfigFile(gateRules), (list) => builtIn.has(list));
  }
  const config = scanRules ? loadRuleConfigFile(scanRules) : defaultRuleConfig();
  return withoutPathAllowlists(config, () => true);
}

function builtInAllowlists(): Set<AllowlistSpec> {
  const config = defaultRuleConfig();
  return new Set([...config.globalAllowlists, ...config.rules.flatMap((r) => r.allowlists ?? [])]);
}

/**
 * An OR allowlist loses its path patterns and keeps its other checks; an AND allowlist with
 * paths is dropped whole, since without the path its other checks would allow more, not less.
 */
export function withoutPathAllowlists(config: RuleConfig, strip: (list: AllowlistSpec) => boolean): RuleConfig {
  const clean = (lists: AllowlistSpec[]): AllowlistSpec[] =>
    lists.flatMap((list) => {
      if (!list.paths?.length || !strip(list)) return [list];
      if (list.condition === 'AND') return [];
      const { paths: _paths, ...rest } = list;
      const remaining = (rest.regexes?.length ?? 0) + (rest.stopwords?.length ?? 0) + (rest.commits?.length ?? 0);
      return remaining ? [rest] : [];
    });
  const rules: RuleSpec[] = config.rules.map((rule) => (rule.allowlists?.length ? deriveSpec(rule, { allowlists: clean(rule.allowlists) }) : rule));
  return { ...config, rules, globalAllowlists: clean(config.globalAllowlists), source: `${config.source}, path allowlists off at the gate` };
}
