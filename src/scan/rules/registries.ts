// Package registries and CI/CD services. Formats from the vendors' documentation:
// - npm granular/automation tokens: npm_ + 36 base62 (30 random + 6 CRC32); .npmrc / .yarnrc.yml
//   _authToken / npmAuthToken / _auth / _password lines with a literal value.
// - PyPI and TestPyPI upload tokens: "pypi-" + a base64url macaroon whose serialized location
//   ("pypi.org" / "test.pypi.org") gives the fixed AgEIcHlwaS5vcmc / AgENdGVzdC5weXBp openings.
// - RubyGems (rubygems_ + 48 hex), NuGet (oy2 + 43 lowercase base32-ish), crates.io (cio + 32),
//   Clojars (CLOJARS_ + 60 hex), Private Packagist (packagist_{ort,out,uut,...}_ + 60 hex + 8 hex
//   CRC32), Docker Hub personal/organization access tokens (dckr_pat_ / dckr_oat_).
// - JFrog: API keys (AKCp + 69), reference tokens (base64 of "reftkn:01:…", 64 chars) and access
//   token JWTs whose header starts {"ver":"2","typ":"JWT","alg":"RS256","kid":…}.
// - CI/CD: CircleCI (CCIPAT_/CCIPRJ_ + 22 base62 + _ + 40 hex), Buildkite (bkua_, bkaa_, bkct_,
//   … per buildkite-agent's internal/redact token prefix list: base64url body, "." separators),
//   SonarQube/SonarCloud (squ_/sqp_/sqa_ + 40 hex), Octopus Deploy (API- + 26+ upper base36),
//   Harness (pat./sat.<account 22>.<token id 24>.<secret 20>), Postman (PMAK-24hex-34hex).
// - Without a prefix, and therefore with vendor context: Docker config.json "auths" entries,
//   docker login -p, NuGet.config ClearTextPassword, Maven settings.xml <server><password>,
//   Sonatype OSSRH / Maven Central, Gradle plugin portal, Hex.pm, legacy Packagist, legacy
//   CircleCI / Buildkite / SonarQube tokens, Travis CI, Codecov, Snyk, Bitrise, Drone, Jenkins.
// Sample values below are fake.
import type { RuleSpec } from '../rule.ts';

/** After a vendor name, what gitleaks' name-and-value rules need on the same line: the rest of the
 *  name and an assignment. The prefilter skips hits of the name without one ("linear-gradient("). */
const KEYED_THEN = String.raw`[ \t\w.-]{0,60}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)`;

/** Right boundary for tokens made of base62 / hex characters. */
const END = String.raw`(?![0-9A-Za-z_])`;
/** Right boundary for base64url-alphabet tokens. */
const TAIL = String.raw`(?![0-9A-Za-z_-])`;
/** Assignment between a context word and a value: `key = "`, `key: '`, `"key": "`. */
const ASSIGN = String.raw`["']?\s*(?::{1,3}=|\.=|[:=])\s*["']?`;
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
/** Buildkite token body after the prefix: base64url plus '.', 24..2048 chars, not ending in '.'. */
const BUILDKITE_BODY = String.raw`[0-9A-Za-z_-][0-9A-Za-z_.-]{22,2046}[0-9A-Za-z_-]${TAIL}`;
/** Placeholder words that mark a value as documentation, not a credential. */
const PLACEHOLDERS = ['your_', 'your-', 'xxxx', 'changeme', 'placeholder', 'example', 'redacted', 'replace_me', 'insert'];

export const rules: RuleSpec[] = [
  // ---------------------------------------------------------------- npm / yarn
  {
    id: 'npm-access-token',
    description: 'npm access token (granular, automation, publish, read-only)',
    regex: String.raw`\b(npm_[0-9A-Za-z]{36})${END}`,
    keywords: ['npm_'],
    entropy: 3,
    tags: ['npm', 'token', 'registry'],
    tps: [
      'NPM_TOKEN=npm_' + 't7HRSbyUBjLYp5Y8wDx7QtQL6veecQP1mwru',
      '//registry.npmjs.org/:_authToken=npm_' + 'YNrsJKOxEpD9J3DyqzhkMcWVi9bL2YUwhCKO',
    ],
    fps: [
      'NPM_TOKEN=npm_' + 'x'.repeat(36),
      'echo $npm_config_registry $npm_package_version',
      'NPM_TOKEN=npm_' + 't7HRSbyUBjLYp5Y8wDx7QtQL6vee',
    ],
  },
  {
    id: 'npm-npmrc-auth-token',
    description: 'Registry auth token written literally in .npmrc (_authToken) or .yarnrc.yml (npmAuthToken)',
    regex: String.raw`(?:_authToken|npmAuthToken)["']?\s*[:=]\s*["']?(?=[0-9A-Za-z._+\/=-]{0,511}[0-9])([0-9A-Za-z._+\/=-]{8,512})(?![0-9A-Za-z._+\/=-])`,
    keywords: ['_authtoken', 'npmauthtoken'],
    entropy: 3,
    tags: ['npm', 'yarn', 'token', 'registry'],
    allowlists: [{ description: 'placeholders', stopwords: PLACEHOLDERS }],
    tps: [
      '//registry.npmjs.org/:_authToken=' + 'b04efc61-4a6f-4549-a14b-7a7bbc3a7504',
      '//npm.pkg.github.com/:_authToken=' + 'hMBzGRu96kRiXsXX3bPps911pOYyiQmC',
      'npmRegistries:\n  "https://npm.example.com":\n    npmAuthToken: "' + 'mQQj0r7BEe7L6k2RllcLZ4CEhd3sndo7"',
    ],
    fps: [
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      '//registry.npmjs.org/:_authToken=YOUR_NPM_TOKEN',
      '  npmAuthToken: "${NPM_AUTH_TOKEN}"',
      '//registry.npmjs.org/:_authToken=your_token_1234',
    ],
  },
  {
    id: 'npm-npmrc-legacy-auth',
    description: 'Basic credentials in .npmrc (_auth = base64 user:pass, _password = base64 password)',
    regex: String.raw`(?:^|[\s:])_(?:auth|password)\s*=\s*["']?([0-9A-Za-z+\/]{8,512}={0,2})(?![0-9A-Za-z+\/=])`,
    keywords: ['_auth', '_password'],
    entropy: 3,
    tags: ['npm', 'password', 'registry'],
    tps: [
      '_auth=' + 'ZGVwbG95Ym90OlE3dk4ya0xwOXhXbTRSelQ=',
      '//nexus.example.com/repository/npm/:_password=' + 'aFYzcUw4c1Awd1hlNktkMkpt',
    ],
    fps: ['_auth=${NPM_AUTH}', 'db_password=' + 'aFYzcUw4c1Awd1hlNktkMkpt', '_auth=' + 'AAAAAAAAAAAA'],
  },
  // ---------------------------------------------------------------- Python / Ruby / .NET / Rust / Clojure / Elixir / PHP
  {
    id: 'pypi-upload-token',
    description: 'PyPI upload (API) token',
    regex: String.raw`\b(pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,1000})${TAIL}`,
    keywords: ['pypi-ageichlwas5vcmc'],
    entropy: 3.5,
    tags: ['pypi', 'python', 'token', 'registry'],
    tps: [
      'TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc' + 'T4jOGu_B1he9LcLTwiEdDfgvBC93FrfF-LowEid3I_r-2Rfz9xvlRNyLgfCmP1XPnFTtIxWUfHFP4lKrIuV90Yqr1yIQNBNSGqPlmpALBv2OBtAjDtHf2aFsbdT_FBBlrJUep0r5jXujTdJ046M6dR56SDm9fB_o',
      '[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc' + 'J0p9ewIg3Qf79KJaPdwj-ksYcCnvqc5dOh-MfsU5YFGUw2pEOFs6Hj6eyJSE74guzbCSPdOaRF8sIHzx4W0ugaTPTeY2',
    ],
    fps: ['password = pypi-AgEIcHlwaS5vcmc' + 'A'.repeat(80), 'password = pypi-AgEIcHlwaS5vcmc<rest-of-token>', 'password = pypi-AgEIcHlwaS5vcmc' + 'T4jOGu_B1he9'],
  },
  {
    id: 'pypi-test-upload-token',
    description: 'TestPyPI upload (API) token',
    regex: String.raw`\b(pypi-AgENdGVzdC5weXBp[0-9A-Za-z_-]{50,1000})${TAIL}`,
    keywords: ['pypi-agendgvzdc5wexbp'],
    entropy: 3.5,
    tags: ['pypi', 'python', 'token', 'registry'],
    tps: [
      'TEST_PYPI_TOKEN=pypi-AgENdGVzdC5weXBp' + 'J0p9ewIg3Qf79KJaPdwj-ksYcCnvqc5dOh-MfsU5YFGUw2pEOFs6Hj6eyJSE74guzbCSPdOaRF8sIHzx4W0ugaTPTeY2-m4Pmy4SGZhk6BsTiKXtv_CLR_vbks7lAfhPOX0ESNpRewnj',
      '[testpypi]\npassword = pypi-AgENdGVzdC5weXBp' + 'T4jOGu_B1he9LcLTwiEdDfgvBC93FrfF-LowEid3I_r-2Rfz9xvlRNyLgfCmP1XPnFTtIx',
    ],
    fps: ['password = pypi-AgENdGVzdC5weXBp' + 'x'.repeat(80), 'password = pypi-AgENdGVzdC5weXBp...'],
  },
  {
    id: 'rubygems-api-key',
    description: 'RubyGems.org API key',
    regex: String.raw`\b(rubygems_[0-9a-f]{48})${END}`,
    keywords: ['rubygems_'],
    entropy: 3,
    tags: ['rubygems', 'ruby', 'api-key', 'registry'],
    tps: [
      'GEM_HOST_API_KEY=rubygems_' + '15e54e0012e10a30e04efde1ef19baa6194145ec28368dd7',
      '---\n:rubygems_api_key: rubygems_' + '732ae91b28705d58e7fd07f9f1b99cd34a6c284838bed9ce',
    ],
    fps: [':rubygems_api_key: rubygems_' + '0'.repeat(48), ':rubygems_api_key: rubygems_' + '15e54e0012e10a30e04efde1'],
  },
  {
    id: 'nuget-api-key',
    description: 'NuGet.org API key',
    regex: String.raw`\b(oy2[0-9a-z]{43})${END}`,
    keywords: ['oy2'],
    entropy: 3,
    tags: ['nuget', 'dotnet', 'api-key', 'registry'],
    tps: [
      'dotnet nuget push pkg.nupkg --api-key oy2' + '5jhdnmh52gyfuvb09scisi0var5yal7m3u1io1olz02 --source https://api.nuget.org/v3/index.json',
      'NUGET_API_KEY: "oy2' + 'jkh31djbxlj6wrpaauwekbcejxqfdl0mqfc9h0wkv56"',
    ],
    fps: ['NUGET_API_KEY=oy2' + 'a'.repeat(43), 'NUGET_API_KEY=oy2' + '5jhdnmh52gyfuvb09sc', 'NUGET_API_KEY=oy2' + '5JHDNMH52GYFUVB09SCISI0VAR5YAL7M3U1IO1OLZ02'],
  },
  {
    id: 'nuget-config-cleartext-password',
    description: 'Clear-text package source password in NuGet.config',
    regex: String.raw`<add\s+key\s*=\s*"ClearTextPassword"\s+value\s*=\s*"([^"$%\s][^"]{5,255})"`,
    flags: 'i',
    keywords: ['cleartextpassword'],
    entropy: 3,
    tags: ['nuget', 'dotnet', 'password', 'registry'],
    allowlists: [{ description: 'placeholders', stopwords: PLACEHOLDERS }],
    tps: [
      '<add key="ClearTextPassword" value="' + 'kapillB8RQVHO0rG4RlfSRKs" />',
      '    <add key="ClearTextPassword" value="' + 'b04efc61-4a6f-4549-a14b-7a7bbc3a7504"/>',
    ],
    fps: [
      '<add key="ClearTextPassword" value="%NUGET_FEED_PAT%" />',
      '<add key="ClearTextPassword" value="$(FeedPassword)" />',
      '<add key="ClearTextPassword" value="YOUR_PERSONAL_ACCESS_TOKEN" />',
    ],
  },
  {
    id: 'crates-io-api-token',
    description: 'crates.io API token',
    regex: String.raw`\b(cio(?=[0-9A-Za-z]{0,31}[0-9])[0-9A-Za-z]{32})${END}`,
    keywords: ['cio'],
    keywordTail: 32,
    entropy: 3.5,
    tags: ['crates-io', 'rust', 'token', 'registry'],
    tps: [
      'CARGO_REGISTRY_TOKEN=cio' + 'dRpCRqqOW9YfB2CLo9mmzZKyPZaGbIGT',
      '[registry]\ntoken = "cio' + 'sP17W3ntdI18AH8piCOJhGcyHdBzaO0M"',
    ],
    fps: ['CARGO_REGISTRY_TOKEN=cio' + 'x'.repeat(32), 'class cioStatusReportHandlerFactoryImplX {}', 'CARGO_REGISTRY_TOKEN=cio' + 'dRpCRqqOW9YfB2CLo9mmzZKy'],
  },
  {
    id: 'clojars-deploy-token',
    description: 'Clojars deploy token',
    regex: String.raw`\b(CLOJARS_[0-9A-Za-z]{60})${END}`,
    keywords: ['clojars_'],
    entropy: 3,
    tags: ['clojars', 'clojure', 'token', 'registry'],
    tps: [
      'CLOJARS_PASSWORD=CLOJARS_' + '3473e879bff510525242deda8f5adecd41f65b3750faae1dde0115c16c0e',
      ':password "CLOJARS_' + '203861c1e19e1394eb070191328a75cdfbc1e9d179f4b94964c7430dc2d5"',
    ],
    fps: ['CLOJARS_PASSWORD=CLOJARS_' + '0'.repeat(60), 'CLOJARS_USERNAME=me', 'CLOJARS_PASSWORD=CLOJARS_' + '3473e879bff510525242'],
  },
  {
    id: 'hexpm-api-key',
    description: 'Hex.pm API key (32 hex with Hex context)',
    regex: String.raw`(?:hex[_\-]?api[_\-]?key|hex\.?pm[\w.\-]{0,20}?(?:key|secret|token))${ASSIGN}([0-9a-f]{32})${END}`,
    flags: 'i',
    keywords: ['hex_api_key', 'hexapikey', 'hex-api-key', 'hexpm', 'hex.pm'],
    entropy: 3,
    tags: ['hex', 'elixir', 'api-key', 'registry'],
    tps: ['HEX_API_KEY=' + 'c720f3f1eb6124ba5e83e96d51676bbb', 'hexpm_token: "' + 'f071644c6266e9af6973ea8ec25124b7"'],
    fps: ['HEX_API_KEY=' + '0'.repeat(32), 'HEX_API_KEY=${{ secrets.HEX_API_KEY }}', 'HEX_API_KEY=' + 'c720f3f1eb6124ba5e83e96d51676bbbff'],
  },
  {
    id: 'packagist-token',
    description: 'Private Packagist authentication token (prefixed, with CRC32 checksum)',
    regex: String.raw`\b(packagist_[a-z]{3}_[0-9a-f]{68})${END}`,
    keywords: ['packagist_'],
    entropy: 3,
    tags: ['packagist', 'php', 'composer', 'token', 'registry'],
    tps: [
      'COMPOSER_AUTH=\'{"http-basic":{"repo.packagist.com":{"username":"token","password":"packagist_ort_' + '4dc2b379d473ecdfbfc5a525cc714128f8bc8aeecf5e12268bbf50d4b604ad13dfdf"}}}\'',
      'composer config --global --auth http-basic.repo.packagist.com token packagist_uut_' + '4dc2b379d473ecdfbfc5a525cc714128f8bc8aeecf5e12268bbf50d4b604ad13dfdf',
    ],
    fps: ['password: packagist_ort_' + '0'.repeat(68), 'password: packagist_ort_<token>', 'password: packagist_ort_' + '4dc2b379d473ecdfbfc5a525cc714128'],
  },
  {
    id: 'packagist-legacy-token',
    description: 'Private Packagist authentication token (legacy 60 hex, with context)',
    regex: String.raw`packagist(?:[\w.\-]{0,25}?(?:token|key|secret|password)[\w.\-]{0,10}${ASSIGN}|[^\n]{0,100}?"password"\s*:\s*"|\.com\s+[\w@.\-]{1,64}\s+["']?)([0-9a-f]{60})${END}`,
    flags: 'i',
    keywords: ['packagist'],
    entropy: 3,
    tags: ['packagist', 'php', 'composer', 'token', 'registry'],
    tps: [
      '"repo.packagist.com": {"username": "token", "password": "' + '41d8ff342c66907043bcf80d833dedf150cdb32bd016babf7597b7a0cab7"}',
      'composer config --global --auth http-basic.repo.packagist.com token ' + '41d8ff342c66907043bcf80d833dedf150cdb32bd016babf7597b7a0cab7',
      'PACKAGIST_TOKEN=' + '3473e879bff510525242deda8f5adecd41f65b3750faae1dde0115c16c0e',
    ],
    fps: [
      '"repo.packagist.com": {"username": "token", "password": "' + '0'.repeat(60) + '"}',
      'PACKAGIST_TOKEN=${PACKAGIST_TOKEN}',
      'PACKAGIST_TOKEN=' + '41d8ff342c66907043bcf80d833dedf1',
    ],
  },
  // ---------------------------------------------------------------- Docker / containers
  {
    id: 'docker-hub-pat',
    description: 'Docker Hub personal or organization access token',
    regex: String.raw`\b(dckr_(?:pat|oat)_[0-9A-Za-z_-]{27,64})${TAIL}`,
    keywords: ['dckr_pat_', 'dckr_oat_'],
    entropy: 3,
    tags: ['docker', 'token', 'registry'],
    tps: [
      'echo dckr_pat_' + '8ibVg2e3LVjBH3L9V6ynTqlVeMa | docker login -u builder --password-stdin',
      'DOCKERHUB_TOKEN: "dckr_oat_' + 'z-V0a662N_b9WHqFEOD63jW8LK9"',
    ],
    fps: ['DOCKER_TOKEN=dckr_pat_xxxxx', 'DOCKERHUB_TOKEN=dckr_pat_' + 'x'.repeat(27), 'DOCKERHUB_TOKEN=dckr_pat_test'],
  },
  {
    id: 'docker-config-auth',
    description: 'Registry credentials in a Docker config.json "auths" block (base64 user:password or identity token)',
    // The lookbehind (checked only once a value has matched) ties the entry to an "auths" block.
    regex: String.raw`"(?:auth|identitytoken)"\s*:\s*"([0-9A-Za-z+\/._-]{12,2048}={0,2})"(?<="auths"\s*:\s*\{[^]{0,3000})`,
    keywords: ['"auths"'],
    multiline: true,
    entropy: 3,
    tags: ['docker', 'password', 'registry'],
    tps: [
      '{\n  "auths": {\n    "registry.example.com": {\n      "auth": "' + 'ZGVwbG95Ym90OlE3dk4ya0xwOXhXbTRSelQ="\n    }\n  }\n}',
      '{"auths":{"ghcr.io":{"auth":"' + 'Y2ktcm9ib3Q6aFYzcUw4c1Awd1hlNktkMkpt"},"quay.io":{"auth":""}}}',
    ],
    fps: [
      '{\n  "auths": {\n    "https://index.docker.io/v1/": {}\n  },\n  "credsStore": "desktop"\n}',
      '{"auths": {"registry.example.com": {"auth": ""}}}',
      '{"auth": "' + 'ZGVwbG95Ym90OlE3dk4ya0xwOXhXbTRSelQ="}',
      '{"auths": {"registry.example.com": {"auth": "${REGISTRY_AUTH}"}}}',
    ],
  },
  {
    id: 'docker-login-password',
    description: 'Password passed on the command line to docker/podman/buildah login',
    regex: String.raw`\b(?:docker|podman|buildah)\s+login\b[^\n]{0,200}?\s(?:-p|--password)(?:\s+|=)["']?([^\s"'$\-][^\s"']{5,127})`,
    keywords: ['docker login', 'podman login', 'buildah login'],
    entropy: 3,
    tags: ['docker', 'password', 'registry'],
    allowlists: [{ description: 'placeholders', stopwords: PLACEHOLDERS }],
    tps: [
      'docker login -u deploy -p ' + 'hV3qL8sP0wXe6Kd2Jm registry.example.com',
      'podman login quay.io --username ci --password=' + 'Q7vN2kLp9xWm4RzT',
    ],
    fps: [
      'echo "$TOKEN" | docker login -u deploy --password-stdin',
      'docker login -u deploy -p $DOCKER_PASSWORD',
      'docker login -u deploy -p "${{ secrets.DOCKER_PASSWORD }}"',
      'docker login -u deploy -p password',
    ],
  },
  // ---------------------------------------------------------------- JFrog Artifactory
  {
    id: 'jfrog-api-key',
    description: 'JFrog Artifactory API key',
    regex: String.raw`\b(AKCp[0-9A-Za-z]{69})${END}`,
    keywords: ['akcp'],
    entropy: 3.5,
    tags: ['jfrog', 'artifactory', 'api-key', 'registry'],
    tps: [
      'ARTIFACTORY_API_KEY=AKCp' + '7fiOSDa26w7586pI2Pm7t1ffBuSIfBwmqNP5YKKI9eKvRDn8bLssShxTYZMu0TmGKmL8M',
      'curl -H "X-JFrog-Art-Api: AKCp' + 'o832HBtUsxaifnKrozPorv7SPjGhW8ODQoItBUSmAGgVGYJ93rU1xQy3mOqjuBXISQzaj" https://acme.jfrog.io/artifactory/api/repositories',
    ],
    fps: ['ARTIFACTORY_API_KEY=AKCp' + 'x'.repeat(69), 'ARTIFACTORY_API_KEY=AKCp' + '7fiOSDa26w7586pI2Pm7t1ffBuSIfBwmqNP5'],
  },
  {
    id: 'jfrog-reference-token',
    description: 'JFrog reference (identity) token',
    regex: String.raw`\b(cmVmdGtu[0-9A-Za-z+\/]{56})(?![0-9A-Za-z_+\/=-])`,
    keywords: ['cmvmdgtu'],
    entropy: 3.5,
    tags: ['jfrog', 'artifactory', 'token', 'registry'],
    tps: [
      'JFROG_ACCESS_TOKEN=' + 'cmVmdGtuOjAxOjE4OTM0NTYwMDA6WHE3TG0yVnA5Ums0V3M4VG4zWWI2SGMxSmQ1',
      'curl -H "Authorization: Bearer ' + 'cmVmdGtuOjAxOjE5MjQ5OTIwMDA6QWIzQ2Q1RWY3R2g5SWoyS2w0TW42T3A4UXIw" https://acme.jfrog.io/artifactory/api/system/ping',
    ],
    fps: ['JFROG_ACCESS_TOKEN=' + 'cmVmdGtu' + 'A'.repeat(56), 'JFROG_ACCESS_TOKEN=' + 'cmVmdGtuOjAxOjE4OTM0NTYwMDA6'],
  },
  {
    id: 'jfrog-access-token',
    description: 'JFrog Platform access token (JWT with the JFrog "ver":"2" header)',
    regex: String.raw`\b(eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOi[0-9A-Za-z_-]{10,400}\.[0-9A-Za-z_-]{20,4000}\.[0-9A-Za-z_-]{20,1000})${TAIL}`,
    keywords: ['eyj2zxiioiiyiiwidhlwijoisldui'],
    entropy: 3.5,
    tags: ['jfrog', 'artifactory', 'token', 'jwt', 'registry'],
    tps: [
      'JF_ACCESS_TOKEN=' + 'eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOiJZazNYdzlMcTJacDhSdDVWbjFNczRKaDdHZDBGYjZDYyJ9' + '.eyJzdWIiOiJqZnJ0QDAxYWJjZDJlZjMvdXNlcnMvY2ktYm90Iiwic2NwIjoiYXBwbGllZC1wZXJtaXNzaW9ucy91c2VyIiwiYXVkIjoiKkAqIiwiaXNzIjoiamZydEAwMWFiY2QyZWYzIiwiZXhwIjoxOTI0OTkyMDAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjVmMGM5ZTJhLTdiMWQtNGM4ZS05YTNmLTJkNmI4ZTFjNGE3ZiJ9' + '.HljmPUTs92xggtXUFE8CCUZogBrln8BmYL5ydpQNS6ryX5LkQXodVcUS1liVt8NCkCLevhPUPE-xWyHCslrN0K',
      'jf c add --access-token="' + 'eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOiJZazNYdzlMcTJacDhSdDVWbjFNczRKaDdHZDBGYjZDYyJ9' + '.eyJzdWIiOiJqZnJ0QDAxYWJjZDJlZjMvdXNlcnMvY2ktYm90In0' + '.T4jOGu_B1he9LcLTwiEdDfgvBC93FrfF-LowEid3I_r-2Rfz9xvlRNyLgfCmP1XPnFTtIx"',
    ],
    fps: [
      'JF_ACCESS_TOKEN=' + 'eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOi...',
      'JF_ACCESS_TOKEN=' + 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.T4jOGu_B1he9LcLTwiEdDfgvBC93FrfF',
    ],
  },
  // ---------------------------------------------------------------- Maven / Gradle / Sonatype
  {
    id: 'maven-settings-password',
    description: 'Server password in Maven settings.xml (<server> … <password>)',
    regex: String.raw`<server>(?:(?!<\/server>)[^]){0,1000}?<password>\s*([^<\s$\{][^<]{3,255}?)\s*<\/password>`,
    keywords: ['<server>'],
    multiline: true,
    entropy: 3,
    tags: ['maven', 'sonatype', 'password', 'registry'],
    allowlists: [{ description: 'placeholders', stopwords: PLACEHOLDERS }],
    tps: [
      '<servers>\n  <server>\n    <id>nexus-releases</id>\n    <username>deployer</username>\n    <password>' + 'kapillB8RQVHO0rG4RlfSRKs</password>\n  </server>\n</servers>',
      '<server><id>ossrh</id><username>jdoe</username><password>' + 'Q7vN2kLp9xWm4RzT</password></server>',
    ],
    fps: [
      '<server>\n  <id>nexus</id>\n  <username>${env.NEXUS_USER}</username>\n  <password>${env.NEXUS_PASSWORD}</password>\n</server>',
      '<server>\n  <id>central</id>\n  <password>{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u+9EF1iFQyJQ=}</password>\n</server>',
      '<server>\n  <id>central</id>\n  <password>your-password</password>\n</server>',
      '<server>\n  <id>a</id>\n</server>\n<proxy><password>' + 'kapillB8RQVHO0rG4RlfSRKs</password></proxy>',
    ],
  },
  {
    id: 'sonatype-ossrh-password',
    description: 'Sonatype OSSRH / Maven Central portal password or user token (Gradle properties, env)',
    regex: String.raw`(?:ossrh|sonatype|mavenCentral)[\w.\-]{0,20}?(?:password|token|pass)[\w.\-]{0,10}${ASSIGN}(?=[^\s"']{0,127}[0-9])([0-9A-Za-z+\/=._~!@#%^&*-]{8,128})(?=["'\s;,]|$)`,
    flags: 'i',
    keywords: ['ossrh', 'sonatype', 'mavencentral'],
    entropy: 3,
    tags: ['sonatype', 'maven', 'password', 'registry'],
    allowlists: [{ description: 'placeholders', stopwords: PLACEHOLDERS }],
    tps: [
      'ossrhPassword=' + 'hV3qL8sP0wXe6Kd2Jm',
      'ORG_GRADLE_PROJECT_mavenCentralPassword: "' + 'MgpE4eWAC4yabDNZ5QWs4QTE1NgUX6GE"',
    ],
    fps: [
      'password = project.findProperty("ossrhPassword")',
      'ossrhPassword = project.ossrhPassword',
      'SONATYPE_PASSWORD=${{ secrets.SONATYPE_PASSWORD }}',
      'mavenCentralPassword=YOUR_TOKEN_PASSWORD1',
    ],
  },
  {
    id: 'gradle-plugin-portal-key',
    description: 'Gradle Plugin Portal publishing key or secret',
    regex: String.raw`gradle[._]publish[._](?:key|secret)${ASSIGN}([0-9A-Za-z]{32})${END}`,
    flags: 'i',
    keywords: ['gradle.publish', 'gradle_publish'],
    entropy: 3,
    tags: ['gradle', 'api-key', 'registry'],
    tps: ['gradle.publish.key=' + 'hMBzGRu96kRiXsXX3bPps911pOYyiQmC', 'GRADLE_PUBLISH_SECRET: "' + 'mQQj0r7BEe7L6k2RllcLZ4CEhd3sndo7"'],
    fps: ['gradle.publish.key=' + 'x'.repeat(32), 'gradle.publish.secret=${GRADLE_PUBLISH_SECRET}'],
  },
  // ---------------------------------------------------------------- CircleCI
  {
    id: 'circleci-personal-token',
    description: 'CircleCI personal API token',
    regex: String.raw`\b(CCIPAT_[0-9A-Za-z]{22}_[0-9a-f]{40})${END}`,
    keywords: ['ccipat_'],
    entropy: 3,
    tags: ['circleci', 'ci', 'token'],
    tps: [
      'CIRCLE_TOKEN=CCIPAT_' + '8v3Q4arK3GHIFJ8qPoZ2aF_' + '021cf3f1c8c13f6032fbe604f2bb149a5471545e',
      'curl -H "Circle-Token: CCIPAT_' + '1vvvDTyjwXWTN3MVFVCvWC_' + 'd07dea8e5157053e242a1fd62b5e39b326056282" https://circleci.com/api/v2/me',
    ],
    fps: ['CIRCLE_TOKEN=CCIPAT_' + 'x'.repeat(22) + '_' + '0'.repeat(40), 'CIRCLE_TOKEN=CCIPAT_...'],
  },
  {
    id: 'circleci-project-token',
    description: 'CircleCI project API token',
    regex: String.raw`\b(CCIPRJ_[0-9A-Za-z]{22}_[0-9a-f]{40})${END}`,
    keywords: ['cciprj_'],
    entropy: 3,
    tags: ['circleci', 'ci', 'token'],
    tps: [
      'CIRCLE_PROJECT_TOKEN=CCIPRJ_' + 'Uas2YQyiqtrikX5rISj976_' + 'd1a107bc74c70a84e933cf0d10374469d9e504a0',
      'token: "CCIPRJ_' + 'azlYfzerT7pxDWjNjio7r9_' + 'a56604c436d0a766b9c08e57ecebb9748f9989ed"',
    ],
    fps: ['token: CCIPRJ_' + 'x'.repeat(22) + '_' + '0'.repeat(40), 'token: CCIPRJ_' + 'Uas2YQyiqtrikX5rISj976'],
  },
  {
    id: 'circleci-legacy-token',
    description: 'CircleCI API token (legacy 40 hex, with context)',
    regex: String.raw`circle[_\-]?(?:ci)?[\w.\-]{0,20}?(?:token|key)[\w.\-]{0,10}${ASSIGN}([0-9a-f]{40})${END}`,
    flags: 'i',
    keywords: ['circle'],
    entropy: 3,
    tags: ['circleci', 'ci', 'token'],
    tps: [
      'CIRCLECI_TOKEN=' + '1f4d924412116515fb6c96520c76274ddcc54a7c',
      'curl -H "Circle-Token: ' + 'a56f432ec79e4783bf45c591579d6e55b1fb812f" https://circleci.com/api/v2/me',
    ],
    fps: ['CIRCLECI_TOKEN=' + '0'.repeat(40), 'CIRCLE_SHA1=' + '1f4d924412116515fb6c96520c76274ddcc54a7c', 'CIRCLECI_TOKEN=$CIRCLECI_TOKEN'],
  },
  // ---------------------------------------------------------------- Buildkite
  {
    id: 'buildkite-api-token',
    description: 'Buildkite API access token or OAuth refresh token',
    regex: String.raw`\b(bku[ar]_${BUILDKITE_BODY})`,
    keywords: ['bkua_', 'bkur_'],
    entropy: 3.5,
    tags: ['buildkite', 'ci', 'token'],
    tps: [
      'BUILDKITE_API_TOKEN=bkua_MTA.' + 'd1a107bc74c70a84e933cf0d10374469d9e504a0',
      'curl -H "Authorization: Bearer bkua_' + 'a56604c436d0a766b9c08e57ecebb9748f9989ed" https://api.buildkite.com/v2/user',
    ],
    fps: ['BUILDKITE_API_TOKEN=bkua_' + '*'.repeat(40), 'BUILDKITE_API_TOKEN=bkua_' + 'x'.repeat(44), 'bkua_encoded-token'],
  },
  {
    id: 'buildkite-agent-token',
    description: 'Buildkite agent token (cluster, queue, registration, session or job token)',
    regex: String.raw`\b((?:bkaa|bkar|bkct|bkcqt|bkaj|bkjat)_${BUILDKITE_BODY})`,
    keywords: ['bkaa_', 'bkar_', 'bkct_', 'bkcqt_', 'bkaj_', 'bkjat_'],
    entropy: 3.5,
    tags: ['buildkite', 'ci', 'token'],
    tps: [
      'token="bkct_MTA.' + 'bEQ0rZnT7dDsKUnTuQau2d0kx0jQjZooYZPzmCGw23Hqow7vdtgBLYQyQuA9"',
      'BUILDKITE_AGENT_TOKEN=bkar_' + 'mQQj0r7BEe7L6k2RllcLZ4CEhd3sndo7hMBzGRu96k',
      'buildkite-agent bootstrap --acquire-job bkjat_' + 'eyJhbGciOiJIUzUxMiJ9.eyJqb2JfaWQiOiIwMTk2In0.HljmPUTs92xggtXUFE8CCUZogBrln8BmYL5ydpQNS6ry',
    ],
    fps: ['token="bkct_..."   # cluster token from step above', 'BUILDKITE_AGENT_TOKEN=bkar_' + 'x'.repeat(40), 'bkjat_encoded-token'],
  },
  {
    id: 'buildkite-pipeline-token',
    description: 'Buildkite pipeline trigger/access, packages registry, portal or token-exchange token',
    regex: String.raw`\b((?:bktr|bkat|bkrt|bkpt|bkpat|bkps|bktx)_${BUILDKITE_BODY})`,
    keywords: ['bktr_', 'bkat_', 'bkrt_', 'bkpt_', 'bkpat_', 'bkps_', 'bktx_'],
    entropy: 3.5,
    tags: ['buildkite', 'ci', 'token'],
    tps: [
      'curl -X POST "https://webhook.buildkite.com/deliver/bktr_' + 'MgpE4eWAC4yabDNZ5QWs4QTE1NgUX6GEkapillB8"',
      'BUILDKITE_PACKAGES_TOKEN=bkrt_' + 'bEQ0rZnT7dDsKUnTuQau2d0kx0jQjZooYZPzmCGw',
    ],
    fps: ['BUILDKITE_PACKAGES_TOKEN=bkrt_' + 'x'.repeat(40), 'BUILDKITE_PACKAGES_TOKEN=bkrt_<token>'],
  },
  {
    id: 'buildkite-legacy-token',
    description: 'Buildkite API (40 hex) or agent (50 hex) token without prefix, with context',
    regex: String.raw`buildkite[\w.\-]{0,25}?(?:token|key)[\w.\-]{0,10}${ASSIGN}([0-9a-f]{40}|[0-9a-f]{50})${END}`,
    flags: 'i',
    keywords: ['buildkite'],
    entropy: 3,
    tags: ['buildkite', 'ci', 'token'],
    tps: [
      'export BUILDKITE_ACCESS_TOKEN="' + 'd07dea8e5157053e242a1fd62b5e39b326056282"',
      'BUILDKITE_AGENT_TOKEN=' + '9182c853a46e196377138869d37188c01bec95861d3cd9ead0',
    ],
    fps: ['BUILDKITE_AGENT_TOKEN=' + '0'.repeat(50), 'BUILDKITE_COMMIT=' + 'd07dea8e5157053e242a1fd62b5e39b326056282', 'BUILDKITE_AGENT_TOKEN=' + '9182c853a46e196377138869d37188c0'],
  },
  // ---------------------------------------------------------------- other CI/CD and code-quality services
  {
    id: 'travisci-token',
    description: 'Travis CI API token (with context)',
    regex: String.raw`travis[\w.\-]{0,20}?(?:token|key)[\w.\-]{0,10}${ASSIGN}(?=[0-9A-Za-z_-]{0,21}[0-9])([0-9A-Za-z_-]{22})${TAIL}`,
    flags: 'i',
    keywords: ['travis'],
    entropy: 3,
    tags: ['travis-ci', 'ci', 'token'],
    tps: ['TRAVIS_API_TOKEN=' + 'jasa1k2gTd2C6KIrXaTwsd', 'travis_token: "' + 'b0QNSxh82s12aUuBjl9bfY"'],
    fps: ['TRAVIS_TOKEN=YOUR_TRAVIS_TOKEN_HERE_', 'TRAVIS_TOKEN=' + 'x'.repeat(22), 'TRAVIS_TOKEN=${TRAVIS_TOKEN}'],
  },
  {
    id: 'codecov-token',
    description: 'Codecov upload token (UUID with context)',
    regex: String.raw`(?:codecov[\w.\-]{0,20}?token[\w.\-]{0,10}${ASSIGN}|codecov[^\n]{0,100}?\s(?:-t|--token)(?:\s+|=)["']?|codecov\.io\/[^\s"']{0,200}?[?&]token=)(${UUID})\b`,
    flags: 'i',
    keywords: ['codecov'],
    entropy: 3,
    tags: ['codecov', 'ci', 'token'],
    tps: [
      'CODECOV_TOKEN=' + '1af2e4a8-719a-4eca-86c2-3e780add4b39',
      'bash <(curl -s https://codecov.io/bash) -t ' + '77b0a207-6bbf-44bf-871c-b3134911b28f',
      'codecov.yml: codecov_token: "' + 'acfb2403-ca6e-410b-9d7c-3d137977cb81"',
    ],
    fps: ['CODECOV_TOKEN=' + '00000000-0000-0000-0000-000000000000', 'CODECOV_TOKEN=${{ secrets.CODECOV_TOKEN }}', 'CODECOV_TOKEN=<codecov-upload-token>'],
  },
  {
    id: 'snyk-api-token',
    description: 'Snyk API token (UUID with context)',
    regex: String.raw`(?:snyk[\w.\-]{0,20}?(?:token|key|auth)[\w.\-]{0,10}${ASSIGN}|snyk\s+auth\s+["']?)(${UUID})\b`,
    flags: 'i',
    keywords: ['snyk'],
    entropy: 3,
    tags: ['snyk', 'token'],
    tps: ['SNYK_TOKEN=' + 'b04efc61-4a6f-4549-a14b-7a7bbc3a7504', 'snyk auth ' + '1af2e4a8-719a-4eca-86c2-3e780add4b39'],
    fps: ['SNYK_TOKEN=' + '00000000-0000-0000-0000-000000000000', 'SNYK_TOKEN=${{ secrets.SNYK_TOKEN }}', 'SNYK_ORG_ID=' + '77b0a207-6bbf-44bf-871c-b3134911b28f'],
  },
  {
    id: 'sonarqube-token',
    description: 'SonarQube / SonarCloud user, project-analysis or global-analysis token',
    regex: String.raw`\b(sq[upa]_[0-9a-f]{40})${END}`,
    keywords: ['squ_', 'sqp_', 'sqa_'],
    entropy: 3,
    tags: ['sonarqube', 'sonarcloud', 'token'],
    tps: [
      'SONAR_TOKEN=squ_' + 'd07dea8e5157053e242a1fd62b5e39b326056282',
      'mvn sonar:sonar -Dsonar.token=sqp_' + '1f4d924412116515fb6c96520c76274ddcc54a7c',
      'sonar.token=sqa_' + 'a56f432ec79e4783bf45c591579d6e55b1fb812f',
    ],
    fps: ['SONAR_TOKEN=squ_' + '0'.repeat(40), 'SONAR_TOKEN=squ_' + 'd07dea8e5157053e242a', 'SONAR_TOKEN=squ_<token>'],
  },
  {
    id: 'sonarqube-legacy-token',
    description: 'SonarQube / SonarCloud token without prefix (40 hex, with context)',
    regex: String.raw`sonar[\w.\-]{0,20}?(?:token|login|password)[\w.\-]{0,10}${ASSIGN}([0-9a-f]{40})${END}`,
    flags: 'i',
    keywords: ['sonar'],
    entropy: 3,
    tags: ['sonarqube', 'sonarcloud', 'token'],
    tps: ['sonar.login=' + '021cf3f1c8c13f6032fbe604f2bb149a5471545e', 'SONAR_TOKEN: "' + 'a56604c436d0a766b9c08e57ecebb9748f9989ed"'],
    fps: ['sonar.login=' + '0'.repeat(40), 'sonar.projectKey=' + '021cf3f1c8c13f6032fbe604f2bb149a5471545e', 'sonar.login=${SONAR_TOKEN}'],
  },
  {
    id: 'octopus-deploy-api-key',
    description: 'Octopus Deploy API key',
    regex: String.raw`(?<![\w.\-/])(API-(?=[A-Z]{0,33}[0-9])[A-Z0-9]{26,34})${TAIL}`,
    keywords: ['api-'],
    entropy: 3,
    tags: ['octopus-deploy', 'api-key'],
    tps: [
      'OCTOPUS_API_KEY=API-' + '85UXJASBMAM80LVHDS74OA1LRN',
      'curl -H "X-Octopus-ApiKey: API-' + 'YZXYTYJOI6TIWBUOKAS1959MY8" https://octopus.example.com/api/projects',
    ],
    fps: [
      'OCTOPUS_API_KEY=API-' + 'XXXXXXXXXXXXXXXXXXXXXXXXXX',
      'see API-DOCUMENTATIONREFERENCEGUIDE for details',
      'msgstr "GSSAPI-' + 'VIRHEKAPSELOINTIMERKKIJONO2"',
      'OCTOPUS_API_KEY=API-' + '85UXJASBMAM80',
    ],
  },
  {
    id: 'harness-api-key',
    description: 'Harness personal access token or service account token',
    regex: String.raw`\b((?:pat|sat)\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z]{24}\.[0-9A-Za-z]{20})${END}`,
    keywords: ['pat.', 'sat.'],
    entropy: 3,
    tags: ['harness', 'ci', 'api-key'],
    tps: [
      'HARNESS_API_KEY=pat.' + '9yvgSAasy7HeRbjTqmh1aa.' + '8wAodmGexhNX7tVr7uPc6Kv2.' + 'A1a3kh1f8BJazzT1vUtM',
      'x-api-key: sat.' + 'jasa1k2gTd2C6KIrXaTwsd.' + 'kapillB8RQVHO0rG4RlfSRKs.' + 'dRpCRqqOW9YfB2CLo9mm',
    ],
    fps: [
      'HARNESS_API_KEY=pat.' + 'x'.repeat(22) + '.' + 'x'.repeat(24) + '.' + 'x'.repeat(20),
      'HARNESS_API_KEY=pat.<account>.<token>.<secret>',
      'import compat.utils.helpers',
    ],
  },
  {
    id: 'bitrise-token',
    description: 'Bitrise personal access or workspace API token (with context)',
    regex: String.raw`bitrise[\w.\-]{0,25}?(?:token|key|pat)[\w.\-]{0,10}${ASSIGN}([0-9A-Za-z_-]{40,120})${TAIL}`,
    flags: 'i',
    keywords: ['bitrise'],
    entropy: 3.5,
    tags: ['bitrise', 'ci', 'token'],
    tps: [
      'BITRISE_TOKEN=' + 'HljmPUTs92xggtXUFE8CCUZogBrln8BmYL5ydpQNS6ryX5LkQXodVcUS1liVt8NCkCLevhPUPE-xWyHCslrN0K',
      'bitrise_api_token: "' + 'nFieGgxtd331ESRc9UJPuiG2IZkE8a6SUveloRx2WsJHa72WKxlSPa6sSSFGyRS360EinXAt2BkKfR2rkG3Q6JT9"',
    ],
    fps: ['BITRISE_TOKEN=' + 'x'.repeat(86), 'BITRISE_TOKEN=$BITRISE_TOKEN', 'BITRISE_APP_SLUG=' + 'HljmPUTs92xggtXUFE8CCUZogBrln8BmYL5ydpQN'],
  },
  {
    id: 'drone-ci-token',
    description: 'Drone CI personal token or RPC secret (with context)',
    regex: String.raw`drone[\w.\-]{0,20}?(?:token|secret)[\w.\-]{0,10}${ASSIGN}(?=[0-9A-Za-z]{0,31}[0-9])([0-9A-Za-z]{32})${END}`,
    flags: 'i',
    keywords: ['drone'],
    entropy: 3,
    tags: ['drone', 'ci', 'token'],
    tps: ['DRONE_TOKEN=' + 'hMBzGRu96kRiXsXX3bPps911pOYyiQmC', 'DRONE_RPC_SECRET: "' + 'c720f3f1eb6124ba5e83e96d51676bbb"'],
    fps: ['DRONE_TOKEN=' + 'x'.repeat(32), 'DRONE_TOKEN=${DRONE_TOKEN}', 'DRONE_COMMIT_SHA=' + 'c720f3f1eb6124ba5e83e96d51676bbb'],
  },
  {
    id: 'jenkins-api-token',
    description: 'Jenkins API token (32-34 hex, with Jenkins context)',
    regex: String.raw`(?:jenkins[\w.\-]{0,25}?(?:token|api[_\-]?key|password|pass|pwd|secret)[\w.\-]{0,10}${ASSIGN}|:\/\/[^\s:@\/]{1,64}:(?=[0-9a-f]{32,34}@[\w.\-]{0,100}jenkins)|-u\s+["']?[^\s:"']{1,64}:(?=[0-9a-f]{32,34}["']?\s+\S{0,100}jenkins))([0-9a-f]{32,34})${END}`,
    flags: 'i',
    keywords: ['jenkins'],
    entropy: 3,
    tags: ['jenkins', 'ci', 'token'],
    tps: [
      'JENKINS_API_TOKEN=' + '11cd32b21e5169467992288dbf88ab8398',
      'curl -u admin:' + '119b23000afc3ddb9ced3ead95b969dc6a https://jenkins.example.com/job/build/buildWithParameters',
      'git clone https://ci:' + 'f64a7ef4e589966ead35e832dc760890@jenkins.internal.example.com/scm/repo.git',
    ],
    fps: ['JENKINS_API_TOKEN=' + '0'.repeat(34), 'JENKINS_API_TOKEN=${JENKINS_API_TOKEN}', 'JENKINS_BUILD_ID=' + '11cd32b21e5169467992288dbf88ab8398'],
  },
  {
    id: 'postman-api-key',
    description: 'Postman API key',
    regex: String.raw`\b(PMAK-[0-9a-f]{24}-[0-9a-f]{34})${END}`,
    keywords: ['pmak-'],
    entropy: 3,
    tags: ['postman', 'api-key'],
    tps: [
      'POSTMAN_API_KEY=PMAK-' + 'a0e3a181f4e7292deabc32ba-' + 'cd32b21e5169467992288dbf88ab83986d',
      'curl -H "X-Api-Key: PMAK-' + 'a0e3a181f4e7292deabc32ba-' + '9b23000afc3ddb9ced3ead95b969dc6a15" https://api.getpostman.com/me',
    ],
    fps: ['POSTMAN_API_KEY=PMAK-' + '0'.repeat(24) + '-' + '0'.repeat(34), 'POSTMAN_API_KEY=PMAK-<your-key>', 'POSTMAN_API_KEY=PMAK-' + 'a0e3a181f4e7292deabc32ba'],
  },

  // ---------------------------------------------------------------- after gitleaks' rules
  // Vendors whose tokens gitleaks' rules find and these rules did not (measured on gitleaks' own
  // samples, test/unit/gitleaks-samples.test.ts). Each regex, keyword list and entropy floor is
  // gitleaks' (github.com/gitleaks/gitleaks, config/gitleaks.toml; MIT License, Copyright (c)
  // 2019 Zachary Rice), the samples are made up. Most are the vendor's name, an assignment and a
  // value of the vendor's shape; a value may sit on the line after its name
  // (<twitterSecret>\n  value\n</twitterSecret>), so those are multiline with a one-line window.
  // Left out, as not secret: OAuth client IDs and access IDs, and keys made to ship in client code
  // (see LEFT_OUT in that test).
  {
    id: 'jfrog-identity-token',
    description: 'JFrog identity token next to a jfrog / artifactory / bintray name',
    regex: String.raw`(?:jfrog|artifactory|bintray|xray)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{64})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['jfrog', 'artifactory', 'bintray', 'xray'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['jfrog', 'gitleaks'],
    tps: ['JFROG_TOKEN=wmept8eskpgko5lra3y78twmq8llfs0q' + 'v24i26c3ke4sk2p14lwzhq41jf1l420a', '"jfrog_key": "wmept8eskpgko5lra3y78twmq8llfs0q' + 'v24i26c3ke4sk2p14lwzhq41jf1l420a"', '<jfrogSecret>\n    wmept8eskpgko5lra3y78twmq8llfs0q' + 'v24i26c3ke4sk2p14lwzhq41jf1l420a\n</jfrogSecret>'],
    fps: ['JFROG_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'JFROG_TOKEN=wmept8eskpgko5lra3y78twmq8llfs0q'],
  },
  {
    id: 'sidekiq-secret',
    description: 'Sidekiq secret next to a bundle_enterprise__contribsys__com / bundle_gems__contribsys__com name',
    regex: String.raw`(?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-f0-9]{8}:[a-f0-9]{8})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['sidekiq', 'gitleaks'],
    tps: ['BUNDLE_ENTERPRISE__CONTRIBSYS__COM_TOKEN=44922417:' + '8a62d9f8', '"BUNDLE_ENTERPRISE__CONTRIBSYS__COM_key": "44922417:' + '8a62d9f8"', '<BUNDLE_ENTERPRISE__CONTRIBSYS__COMSecret>\n    44922417:' + '8a62d9f8\n</BUNDLE_ENTERPRISE__CONTRIBSYS__COMSecret>'],
    fps: ['BUNDLE_ENTERPRISE__CONTRIBSYS__COM_TOKEN=xxxxxxxx:xxxxxxxx', 'BUNDLE_ENTERPRISE__CONTRIBSYS__COM_TOKEN=44922417'],
  },
  {
    id: 'sonar-api-token',
    description: 'Sonar API token next to a sonar name',
    regex: String.raw`(?:sonar[_.-]?(login|token))(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}((?:squ_|sqp_|sqa_)?[a-z0-9=_\-]{40})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    secretGroup: 2,
    keywordThen: KEYED_THEN,
    keywords: ['sonar'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['sonar', 'gitleaks'],
    tps: ['SONAR_TOKEN=squ_o89-ood9uvcj8vu6er' + 'czofecbr2545qb9cgyt=z='],
    fps: ['SONAR_TOKEN=xxx_xxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=x=', 'SONAR_TOKEN=squ_o89-ood9uvcj8vu6er'],
  },
  {
    id: 'codecov-access-token',
    description: 'Codecov access token next to a codecov name',
    regex: String.raw`(?:codecov)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{32})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['codecov'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['codecov', 'gitleaks'],
    tps: ['CODECOV_TOKEN=txsnz3snt3hg5skc' + 'qxdha3epfw4v780m', '"codecov_key": "txsnz3snt3hg5skc' + 'qxdha3epfw4v780m"', '<codecovSecret>\n    txsnz3snt3hg5skc' + 'qxdha3epfw4v780m\n</codecovSecret>'],
    fps: ['CODECOV_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'CODECOV_TOKEN=txsnz3snt3hg5skc'],
  },
];
