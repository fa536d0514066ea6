// The file path a built-in rule's own samples are scanned under. A rule restricted to some files
// (a path regex beside its regex: Kubernetes manifests, Terraform, NuGet.config, PHP) is given a
// path it accepts; every other rule an ordinary config file's.
import type { RuleSpec } from '../../src/scan/rule.ts';

const RESTRICTED_PATHS = ['deploy/k8s/secret.yaml', 'infra/main.tf', 'NuGet.config', 'src/config.php'];

export function samplePathFor(spec: RuleSpec): string {
  if (!spec.regex || !spec.path) return 'config/settings.env';
  const path = new RegExp(spec.path);
  const found = RESTRICTED_PATHS.find((p) => path.test(p));
  if (!found) throw new Error(`${spec.id}: no sample path matches its path regex ${spec.path}; add one to RESTRICTED_PATHS`);
  return found;
}
