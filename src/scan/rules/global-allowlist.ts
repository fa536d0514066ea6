// Applies to every built-in rule: places and values that are never real credentials.
import type { AllowlistSpec } from '../rule.ts';

export const globalAllowlist: AllowlistSpec = {
  description: 'built-in global allowlist',
  paths: [
    String.raw`(?:^|/)(?:go\.sum|package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|composer\.lock|Gemfile\.lock|Pipfile\.lock)$`,
    String.raw`(?:^|/)node_modules/`,
    String.raw`\.(?:png|jpe?g|gif|ico|webp|bmp|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|jar|war|woff2?|ttf|otf|eot|mp[34]|mov|avi|wasm|so|dylib|dll|exe|class|pyc)$`,
  ],
  regexes: [
    // Template and variable references: ${VAR}, {{ var }}, $VAR, %VAR%, <your-key>
    String.raw`^\$\{[^}]*\}$`,
    String.raw`^\{\{[^}]*\}\}$`,
    String.raw`^\$[A-Z_][A-Z0-9_]*$`,
    String.raw`^%[A-Z_][A-Z0-9_]*%$`,
    String.raw`^<[^>]*>$`,
  ],
};
