// smol-toml, a chunk of its own: only reading a TOML file that is not in the validated-config
// cache (or a gitleaks ruleset) loads it.
export * from 'smol-toml';
