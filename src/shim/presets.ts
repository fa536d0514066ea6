// Ready routes for common upstreams, printed by `gatehouse shim routes --preset NAME`.
export const PRESETS: Record<string, string> = {
  github: `# GitHub: the REST/GraphQL API and git over smart HTTP (clone and fetch; pushes go through the gate).
# The API route reads: GET and HEAD, and GraphQL queries (POST /graphql, body scanned, no mutations).
# Allowing writes (methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]) lets the client do
# what the credential may; repository content sent through the git data and contents APIs and
# GraphQL is then scanned like a push, the rest only with scan_bodies = true.
[[shim.route]]
prefix = "/github/"
upstream = "https://api.github.com"
auth = "bearer"
credential = "github"            # a [[credential.rule]] name (e.g. a github-app rule), or "env:GITHUB_TOKEN"
methods = ["GET", "HEAD"]
graphql_queries = true

[[shim.route]]
prefix = "/github-git/"
upstream = "https://github.com"
auth = "basic"
username = "x-access-token"
credential = "github"
methods = ["GET", "POST"]
`,
  gitea: `# Gitea / Forgejo: the API (reads only; see the github preset for writes) and git over smart HTTP. Replace the host.
[[shim.route]]
prefix = "/gitea/"
upstream = "https://gitea.example.com/api/v1"
auth = "token"
credential = "env:GITEA_TOKEN"
methods = ["GET", "HEAD"]

[[shim.route]]
prefix = "/gitea-git/"
upstream = "https://gitea.example.com"
auth = "basic"
username = "gatehouse"
credential = "env:GITEA_TOKEN"
methods = ["GET", "POST"]
`,
  anthropic: `# Anthropic API (set the SDK's base URL to http://127.0.0.1:9420/anthropic).
[[shim.route]]
prefix = "/anthropic/"
upstream = "https://api.anthropic.com"
auth = "header:x-api-key"
credential = "env:ANTHROPIC_API_KEY"
methods = ["GET", "POST"]
`,
  openai: `# OpenAI API (set the SDK's base URL to http://127.0.0.1:9420/openai/v1).
[[shim.route]]
prefix = "/openai/"
upstream = "https://api.openai.com"
auth = "bearer"
credential = "env:OPENAI_API_KEY"
methods = ["GET", "POST"]
`,
  npm: `# npm registry (registry=http://127.0.0.1:9420/npm/ in the client's .npmrc).
[[shim.route]]
prefix = "/npm/"
upstream = "https://registry.npmjs.org"
auth = "bearer"
credential = "env:NPM_TOKEN"
methods = ["GET", "HEAD"]
`,
};
