// Source hosts other than GitHub (GitHub is in github.ts).
// - GitLab: the token prefixes listed in GitLab's "Token overview / Token prefixes" doc (glpat-,
//   gldt-, glrt-/glrtr-, GR1348941, glcbt-, glptt-, glft-, glimt-, glagent-, gloas-, glsoat-,
//   glffct-, _gitlab_session=). Legacy bodies are 20 base64url characters (a few types longer);
//   routable tokens (lib/authn/token_field/generator/routable_token.rb) are
//   <prefix><base64url payload>.<2-char version>.<2-char base36 length><7-char base36 CRC32>,
//   the older one-dot framing omits ".<version>".
// - Atlassian: Bitbucket app passwords (ATBB + 32 base62), Atlassian API tokens (ATATT3xFfGF0…)
//   and Bitbucket repository/project/workspace access tokens (ATCTT3xFfGN0…), both ending in
//   "=" + 8 uppercase hex checksum.
// - Azure DevOps PATs: legacy 52-character lowercase base32 (needs context) and the 84-character
//   identifiable format (52 random base62 + "JQQJ9" signature block + "AZDO" at offset 76).
// - Gitea/Forgejo (40 hex), SourceHut, Gitee (32 hex): no prefix, so vendor context is required.
// - JetBrains YouTrack/Hub permanent tokens: perm:<b64 user>.<b64 name>.<30 random>.
// Sample values below are fake.
import type { RuleSpec } from '../rule.ts';
import { KEYED_ASSIGN, KEYED_THEN } from './keyed.ts';

/** Right boundary for base64url-alphabet tokens. */
const TAIL = String.raw`(?![0-9A-Za-z_-])`;
/** GitLab routable token body: base64url payload, optional version, length + CRC32 in base36. */
const ROUTABLE = String.raw`[0-9A-Za-z_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}`;
/** Assignment between a context word and a value: `key = "`, `key: '`, `"key": "`. */
const ASSIGN = String.raw`["']?\s*(?::{1,3}=|\.=|[:=])\s*["']?`;

/** A GitLab token with a fixed prefix: legacy body of the given shape, or the routable form. */
function gitlabToken(prefix: string, legacyBody: string): string {
  return String.raw`\b(${prefix}(?:${legacyBody}|${ROUTABLE}))${TAIL}`;
}

export const rules: RuleSpec[] = [
  {
    id: 'gitlab-pat',
    description: 'GitLab personal, project, group or impersonation access token (legacy format)',
    regex: String.raw`\b(glpat-[0-9A-Za-z_-]{20})${TAIL}`,
    keywords: ['glpat-'],
    entropy: 3,
    tags: ['gitlab', 'token'],
    tps: [
      'GITLAB_TOKEN=glpat-' + 'cjz8cPb1Yo3bs_OZy1AE',
      'curl --header "PRIVATE-TOKEN: glpat-' + 'VI3KGFtm_W-L4kzzqndj" https://gitlab.example.com/api/v4/projects',
      'git clone https://oauth2:glpat-' + '_LEx2bM03plBtzcByDl1@gitlab.com/group/repo.git',
    ],
    fps: [
      'GITLAB_TOKEN=glpat-' + 'xxxxxxxxxxxxxxxxxxxx',
      'token: glpat-' + 'cjz8cPb1Yo3bs_OZ',
      'token: glpat-' + 'cjz8cPb1Yo3bs_OZy1AEextra99',
      'GITLAB_TOKEN=glpat-<your-token>',
    ],
  },
  {
    id: 'gitlab-pat-routable',
    description: 'GitLab personal, project or group access token (routable format)',
    regex: String.raw`\b(glpat-${ROUTABLE})${TAIL}`,
    keywords: ['glpat-'],
    entropy: 3.5,
    tags: ['gitlab', 'token'],
    tps: [
      'GITLAB_TOKEN=glpat-' + 'qhb4m2IcHTJgqi2e-UEsP6W7EfYiOciE3OakBI' + '.01.0w' + 'ffhoa51',
      '"token": "glpat-' + 'B_5WsnXKVmn8r-M3yliEjJgK0BMP5rTJ3KoJwQXj' + '.sxw7814ed"',
    ],
    fps: [
      'GITLAB_TOKEN=glpat-' + 'cjz8cPb1Yo3bs_OZy1AE',
      'glpat-' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' + '.01.0w' + 'xxxxxxxxx',
      'see glpat-<payload>.01.<crc> in the docs',
    ],
  },
  {
    id: 'gitlab-deploy-token',
    description: 'GitLab deploy token',
    regex: gitlabToken('gldt-', '[0-9A-Za-z_-]{20}'),
    keywords: ['gldt-'],
    entropy: 3,
    tags: ['gitlab', 'token'],
    tps: [
      'CI_DEPLOY_PASSWORD=gldt-' + 't0u_3ugsKoFyc5koIHVn',
      'password: "gldt-' + '8qFTj-bAtN9xFqBbGHZE4vTWwpunIH' + '.01.0u' + 'a81kd9x"',
    ],
    fps: ['CI_DEPLOY_PASSWORD=gldt-' + 'xxxxxxxxxxxxxxxxxxxx', 'gldt-' + 't0u_3ugsKo'],
  },
  {
    id: 'gitlab-runner-auth-token',
    description: 'GitLab runner authentication token',
    regex: gitlabToken('glrtr?-', String.raw`(?:t\d_)?[0-9A-Za-z_-]{20}`),
    keywords: ['glrt-', 'glrtr-'],
    entropy: 3,
    tags: ['gitlab', 'token', 'ci'],
    tps: [
      'gitlab-runner register --url https://gitlab.com --token glrt-' + 'O6THBFirZu2gkqv8FRkq',
      '  token = "glrt-t1_' + 'Z7dzRsKjHfOzarYwDDI3"',
      'token = "glrtr-' + 'Rj6EphaSW1WxYikxKhnA"',
      'RUNNER_TOKEN=glrt-t3_' + '_3ujiK3ZUmIIWelixcuFfQHh27zcNR9nqpA3rChuQ0mV' + '.01.1a' + '0sj3l2k',
    ],
    fps: ['token = "glrt-' + 'xxxxxxxxxxxxxxxxxxxx"', 'token = "glrt-REPLACE_ME"'],
  },
  {
    id: 'gitlab-runner-registration-token',
    description: 'GitLab runner registration token (deprecated registration workflow)',
    regex: String.raw`\b(GR1348941[0-9A-Za-z_-]{20})${TAIL}`,
    keywords: ['gr1348941'],
    entropy: 3,
    tags: ['gitlab', 'token', 'ci'],
    tps: [
      'gitlab-runner register --registration-token "GR1348941' + 'm0WUqTzN2fy4WX2W3etU"',
      'REGISTRATION_TOKEN=GR1348941' + 'Jv_8TR4uSjo8Dr_nTKEe',
    ],
    fps: ['--registration-token "GR1348941' + 'xxxxxxxxxxxxxxxxxxxx"', 'REGISTRATION_TOKEN=GR1348941'],
  },
  {
    id: 'gitlab-cicd-job-token',
    description: 'GitLab CI/CD job token',
    regex: gitlabToken('glcbt-', String.raw`(?:[0-9A-Za-z]{1,5}_)?[0-9A-Za-z_-]{20}`),
    keywords: ['glcbt-'],
    entropy: 3,
    tags: ['gitlab', 'token', 'ci'],
    tps: ['CI_JOB_TOKEN=glcbt-64_' + 'YXSjiBJKQSYL0R3SeSpQ', 'curl -H "JOB-TOKEN: glcbt-' + 'NEnPZaM1VnRigv4HKiEuUx5D' + 'w6w4.01.0u' + 'b7q2ml0"'],
    fps: ['CI_JOB_TOKEN=glcbt-64_' + 'xxxxxxxxxxxxxxxxxxxx', 'CI_JOB_TOKEN=glcbt-<token>'],
  },
  {
    id: 'gitlab-pipeline-trigger-token',
    description: 'GitLab pipeline trigger token',
    regex: gitlabToken('glptt-', '[0-9a-f]{40}'),
    keywords: ['glptt-'],
    entropy: 3,
    tags: ['gitlab', 'token', 'ci'],
    tps: [
      'curl -X POST -F token=glptt-' + '6a021481a55fe55ccae2a4cd2f1c2f96ae0ff894 -F ref=main https://gitlab.com/api/v4/projects/1/trigger/pipeline',
      'TRIGGER_TOKEN: "glptt-' + 'c258cd8f8ea5fb21c794c7e00454b0fa847f3024"',
    ],
    fps: ['token=glptt-' + '0000000000000000000000000000000000000000', 'token=glptt-' + '6a021481a55fe55ccae2'],
  },
  {
    id: 'gitlab-feed-token',
    description: 'GitLab feed (RSS/Atom/calendar) token',
    regex: gitlabToken('glft-', '[0-9A-Za-z_-]{20}'),
    keywords: ['glft-'],
    entropy: 3,
    tags: ['gitlab', 'token'],
    tps: [
      'https://gitlab.com/dashboard/issues.atom?feed_token=glft-' + 'Rj6EphaSW1WxYikxKhnA&state=opened',
      'feed_token: glft-' + 'cjz8cPb1Yo3bs_OZy1AE',
    ],
    fps: ['feed_token: glft-' + 'xxxxxxxxxxxxxxxxxxxx', 'feed_token: glft-abc'],
  },
  {
    id: 'gitlab-incoming-mail-token',
    description: 'GitLab incoming email token',
    regex: gitlabToken('glimt-', '[0-9A-Za-z_-]{20,25}'),
    keywords: ['glimt-'],
    entropy: 3,
    tags: ['gitlab', 'token'],
    tps: [
      'incoming_email_token: "glimt-' + 'fHEO1VPI3-rf6OiIv3x7VBOFO"',
      'INCOMING_TOKEN=glimt-' + 'fHEO1VPI3-rf6OiIv3x7VBOFO',
    ],
    fps: ['INCOMING_TOKEN=glimt-' + 'xxxxxxxxxxxxxxxxxxxxxxxxx', 'INCOMING_TOKEN=glimt-short'],
  },
  {
    id: 'gitlab-agent-token',
    description: 'GitLab agent for Kubernetes token',
    regex: gitlabToken('glagent-', '[0-9A-Za-z_-]{50}'),
    keywords: ['glagent-'],
    entropy: 3,
    tags: ['gitlab', 'token', 'kubernetes'],
    tps: [
      'helm upgrade --install agent gitlab/gitlab-agent --set config.token=glagent-' + 'oiVQEyLhU1TQhwVi9QUEHpu9gqLelrrouvkefuo7txa3cLUPwl',
      'config:\n  token: "glagent-' + 'oiVQEyLhU1TQhwVi9QUEHpu9gqLelrrouvkefuo7txa3cLUPwl"',
    ],
    fps: ['config.token=glagent-' + 'x'.repeat(50), 'config.token=glagent-' + 'oiVQEyLhU1TQhwVi9QUE'],
  },
  {
    id: 'gitlab-oauth-app-secret',
    description: 'GitLab OAuth application secret',
    regex: gitlabToken('gloas-', '[0-9A-Za-z_-]{64}'),
    keywords: ['gloas-'],
    entropy: 3,
    tags: ['gitlab', 'secret', 'oauth'],
    tps: [
      'GITLAB_APP_SECRET=gloas-' + '9Xxso8f7hHgHn6RxqX1EEc1y-e42CMir1pnFb2pmB9Vjt-2qgStLK7aOvPw9ve0n',
      '  app_secret: "gloas-' + '9Xxso8f7hHgHn6RxqX1EEc1y-e42CMir1pnFb2pmB9Vjt-2qgStLK7aOvPw9ve0n"',
    ],
    fps: ['GITLAB_APP_SECRET=gloas-' + '0'.repeat(64), 'GITLAB_APP_SECRET=gloas-' + '9Xxso8f7hHgHn6RxqX1EEc1y'],
  },
  {
    id: 'gitlab-scim-token',
    description: 'GitLab SCIM token',
    regex: gitlabToken('glsoat-', '[0-9A-Za-z_-]{20}'),
    keywords: ['glsoat-'],
    entropy: 3,
    tags: ['gitlab', 'token'],
    tps: ['Authorization: Bearer glsoat-' + 'O6THBFirZu2gkqv8FRkq', 'SCIM_TOKEN="glsoat-' + 'm0WUqTzN2fy4WX2W3etU"'],
    fps: ['SCIM_TOKEN="glsoat-' + 'xxxxxxxxxxxxxxxxxxxx"', 'SCIM_TOKEN="glsoat-${SCIM}"'],
  },
  {
    id: 'gitlab-feature-flag-client-token',
    description: 'GitLab feature flags client (Unleash instance) token',
    regex: gitlabToken('glffct-', '[0-9A-Za-z_-]{20}'),
    keywords: ['glffct-'],
    entropy: 3,
    tags: ['gitlab', 'token'],
    tps: ['UNLEASH_INSTANCE_ID=glffct-' + 'Jv_8TR4uSjo8Dr_nTKEe', 'instanceId: "glffct-' + 'Z7dzRsKjHfOzarYwDDI3"'],
    fps: ['UNLEASH_INSTANCE_ID=glffct-' + 'xxxxxxxxxxxxxxxxxxxx', 'UNLEASH_INSTANCE_ID=glffct-'],
  },
  {
    id: 'gitlab-session-cookie',
    description: 'GitLab session cookie',
    regex: String.raw`_gitlab_session=([0-9a-z]{32})(?![0-9A-Za-z_])`,
    keywords: ['_gitlab_session='],
    entropy: 3,
    tags: ['gitlab', 'session'],
    tps: [
      'curl -H "Cookie: _gitlab_session=' + 'c2d59453a7578851da817725f4c7e454" https://gitlab.example.com/',
      'Set-Cookie: _gitlab_session=' + 'bd7f83cfdedf46f2b8017448b7e5be05; path=/; HttpOnly',
    ],
    fps: ['Cookie: _gitlab_session=' + '0'.repeat(32), 'Cookie: _gitlab_session=<session>'],
  },
  {
    id: 'bitbucket-app-password',
    description: 'Bitbucket Cloud app password',
    regex: String.raw`\b(ATBB[0-9A-Za-z]{32})(?![0-9A-Za-z_])`,
    keywords: ['atbb'],
    entropy: 3,
    tags: ['bitbucket', 'atlassian', 'password'],
    tps: [
      'BITBUCKET_APP_PASSWORD=ATBB' + '9cxn0z34a4Euypzdw4uUCAwb' + '50482FFB',
      'git clone https://jdoe:ATBB' + 'i8N4fG7iqmXtS3LNawciPGT9' + '1A645EDD@bitbucket.org/team/repo.git',
    ],
    fps: ['BITBUCKET_APP_PASSWORD=ATBB' + 'x'.repeat(32), 'BITBUCKET_APP_PASSWORD=ATBB' + '9cxn0z34a4Euypzd'],
  },
  {
    id: 'bitbucket-access-token',
    description: 'Bitbucket Cloud repository, project or workspace access token',
    regex: String.raw`\b(ATCTT3xFfGN0[0-9A-Za-z_=-]{20,400}=[0-9A-F]{8})(?![0-9A-Za-z_=-])`,
    keywords: ['atctt3xffgn0'],
    entropy: 3.5,
    tags: ['bitbucket', 'atlassian', 'token'],
    tps: [
      'BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0' + '205AteuP2u8EGz3CY7onaj7-bQYowwhm5T3ISCFw5b00Tmt1ueYCvEETHeqou0HpcYX60gBCm1eXZmmpS81WzHQ9E_FO_QMO_pw5Gch4-bDgiULkCVIAD-8UhjrIuijX1I5CHIe7Gt67RxjIad6CC2' + '=CD0C6834',
      'curl -H "Authorization: Bearer ATCTT3xFfGN0' + 'I0hseU1QYPt5idsGqcS8VWISY_AVJ1k1Sggzg0Xl_0wcIYePwcF_4sa2_cDORUn7g5j0fyXesXhroWiPF201GXA9ra19HyuK9bHbQehN' + '=C22E6DBC" https://api.bitbucket.org/2.0/repositories',
    ],
    fps: ['BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0' + 'x'.repeat(120) + '=00000000', 'BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0...'],
  },
  {
    id: 'atlassian-api-token',
    description: 'Atlassian Cloud API token (Jira, Confluence, Bitbucket)',
    regex: String.raw`\b(ATATT3xFfGF0[0-9A-Za-z_=-]{20,400}=[0-9A-F]{8}|ATATT3[0-9A-Za-z_=-]{186})(?![0-9A-Za-z_=-])`,
    keywords: ['atatt3xffgf0'],
    entropy: 3.5,
    tags: ['atlassian', 'jira', 'confluence', 'token'],
    tps: [
      'JIRA_API_TOKEN=ATATT3xFfGF0' + 'LZvuUVIpHXXV4Twi4ae0nX-avoW2ZdhfRESBwgUKBUeZG_TOZVp5_-9pECFiqS_QxQu9EH6DMS83ZQnVQoige1Gufg7b56r4VrGosLcqsA3WmYB8dqKdoCXW96WFca_VCw7K0vQAz5NofG2Msm-amh' + '=1A645EDD',
      'jira = JIRA(server, basic_auth=("me@example.com", "ATATT3xFfGF0' + 'jQUwhridcmanIpUzy6aPatVBz4eE6Fd1PExgOyOJWAWLRhbrlX4RQVYoW8EheEclhe_pWkLvOq8b07SnrrbB2Qic65sCun' + '=50482FFB"))',
    ],
    fps: ['JIRA_API_TOKEN=ATATT3xFfGF0' + 'A'.repeat(150) + '=AAAAAAAA', 'JIRA_API_TOKEN=ATATT3xFfGF0<rest-of-token>'],
  },
  {
    id: 'gitea-access-token',
    description: 'Gitea / Forgejo / Codeberg access token (40 hex with vendor context)',
    regex: String.raw`(?:gitea|forgejo|codeberg)[\w.\-]{0,25}?(?:token|api[_\-]?key|pat|password|secret)[\w.\-]{0,10}${ASSIGN}([0-9a-f]{40})(?![0-9A-Za-z_])`,
    flags: 'i',
    keywords: ['gitea', 'forgejo', 'codeberg'],
    entropy: 3,
    tags: ['gitea', 'forgejo', 'token'],
    tps: [
      'GITEA_TOKEN=' + '649a7dc0c75109a555c6bfdf7acb1d62d8b07021',
      'forgejo_api_token: "' + '129b0549f3135bdce9652313625000b0304f7253"',
      '{"codeberg_token": "' + '6a021481a55fe55ccae2a4cd2f1c2f96ae0ff894"}',
    ],
    fps: [
      'GITEA_TOKEN=' + '0'.repeat(40),
      'GITEA_COMMIT_SHA=' + '649a7dc0c75109a555c6bfdf7acb1d62d8b07021',
      'GITEA_TOKEN=${GITEA_TOKEN}',
      'GITEA_TOKEN=' + '649a7dc0c75109a555c6bfdf7acb1d62',
    ],
  },
  {
    id: 'azure-devops-pat',
    description: 'Azure DevOps personal access token (legacy 52-character base32, with context)',
    regex: String.raw`(?:(?:azure[_.\- ]?devops|\bazdo|\bado[_.\-]|vsts|system[_.]accesstoken)[\w.\- ]{0,25}?${ASSIGN}|:\/\/[^\s:@\/]{0,64}:(?=[a-z2-7]{52}@(?:dev\.azure\.com|[\w-]{1,64}\.visualstudio\.com)))([a-z2-7]{52})\b`,
    flags: 'i',
    keywords: ['devops', 'azdo', 'ado_', 'ado-', 'ado.', 'vsts', 'accesstoken', 'dev.azure.com', 'visualstudio.com'],
    entropy: 3.5,
    tags: ['azure', 'azure-devops', 'token'],
    tps: [
      'AZURE_DEVOPS_PAT=' + 'zorudlmaqgtqrqn5x3qm6ax5erd7vuuu74uhfufhvnginbdfbitc',
      'git clone https://build:' + 'zorudlmaqgtqrqn5x3qm6ax5erd7vuuu74uhfufhvnginbdfbitc@dev.azure.com/contoso/web/_git/web',
      'ado_token: "' + 'zorudlmaqgtqrqn5x3qm6ax5erd7vuuu74uhfufhvnginbdfbitc"',
    ],
    fps: [
      'AZURE_DEVOPS_PAT=' + 'a'.repeat(52),
      'AZURE_DEVOPS_PAT=$(System.AccessToken)',
      'PAT=' + 'zorudlmaqgtqrqn5x3qm6ax5erd7vuuu74uhfufhvnginbdfbitc',
      'git clone https://build:' + 'zorudlmaqgtqrqn5x3qm6ax5erd7vuuu74uhfufhvnginbdfbitc@example.com/repo.git',
    ],
  },
  {
    id: 'azure-devops-pat-identifiable',
    description: 'Azure DevOps personal access token (84-character identifiable format)',
    regex: String.raw`\b([0-9A-Za-z]{52}JQQJ9[9DH][0-9A-Za-z][A-L][0-9A-Za-z]{16}AZDO[0-9A-Za-z]{4})(?![0-9A-Za-z_])`,
    keywords: ['azdo'],
    entropy: 3.5,
    tags: ['azure', 'azure-devops', 'token'],
    tps: [
      'AZURE_DEVOPS_EXT_PAT=' + 'nT1LnPRjPxY5sqNFlIfHGuvfk9IzyigouiRwsqP5uDzk7E1m1kCg' + 'JQQJ99BC' + 'ACAAAAAyQg7nU7T3' + 'AZDO' + 'nARp',
      'pat = "' + 'p2NYKcxUxmxMLa9rNsgZjm37gS0UJjROO25D8ODYdflx24b6ehtJ' + 'JQQJ99BF' + 'ACAAAAAemcPbKDCG' + 'AZDO' + '7SZs"',
    ],
    fps: [
      'AZURE_DEVOPS_EXT_PAT=' + 'A'.repeat(52) + 'JQQJ99BC' + 'A'.repeat(16) + 'AZDO' + 'AAAA',
      'AZURE_DEVOPS_EXT_PAT=' + 'nT1LnPRjPxY5sqNFlIfHGuvfk9IzyigouiRwsqP5uDzk7E1m1kCg' + 'JQQJ99BC' + 'ACAAAAAyQg7nU7T3' + 'ACOG' + 'nARp',
      'the AZDO signature marks Azure DevOps tokens',
    ],
  },
  {
    id: 'sourcehut-token',
    description: 'SourceHut (sr.ht) personal access / OAuth token, with context',
    regex: String.raw`(?:sourcehut|srht|sr\.ht)[\w.\-]{0,25}?(?:token|key|secret|pat)[\w.\-]{0,10}${ASSIGN}([0-9A-Za-z+\/_-]{40,300}={0,2})(?![0-9A-Za-z+\/_=-])`,
    flags: 'i',
    keywords: ['sourcehut', 'srht', 'sr.ht'],
    entropy: 3,
    tags: ['sourcehut', 'token'],
    tps: [
      'SRHT_TOKEN=' + 'iEOtGoFY9f/kwcbOMXvsBnrOkL9MVQrLRRMrfdQu0Jt1YAdSrhk4uJTssgQ+oz5Ug/7lbsPOx7pcFNT1cFTfhR9Z/aKKA1vh5WaJ',
      'sourcehut_access_token: "' + '1C2fNGDq925r0wCkTs1SES4cA7VrbmlTQnHpYmMsWF3JrYGh9GbKzlTv7qcIUFoqe6O1x2x3dd7FV0yWQhn9CDk="',
    ],
    fps: ['SRHT_TOKEN=' + 'A'.repeat(100), 'SRHT_TOKEN=${SRHT_TOKEN}', 'SRHT_TOKEN=too-short-value'],
  },
  {
    id: 'gitee-access-token',
    description: 'Gitee private / OAuth access token (32 hex with context)',
    regex: String.raw`(?:gitee[\w.\-]{0,25}?(?:token|key|secret|pat|password)[\w.\-]{0,10}${ASSIGN}|gitee\.com\/[^\s"']{0,200}?[?&]access_token=)([0-9a-f]{32})(?![0-9A-Za-z_])`,
    flags: 'i',
    keywords: ['gitee'],
    entropy: 3,
    tags: ['gitee', 'token'],
    tps: [
      'GITEE_TOKEN=' + 'f64a7ef4e589966ead35e832dc760890',
      'curl "https://gitee.com/api/v5/user/repos?access_token=' + 'f071644c6266e9af6973ea8ec25124b7&page=1"',
    ],
    fps: ['GITEE_TOKEN=' + '0'.repeat(32), 'GITEE_TOKEN=<your-gitee-token>', 'GITEE_TOKEN=' + 'f64a7ef4e589966ead35e832dc760890ab'],
  },
  {
    id: 'jetbrains-permanent-token',
    description: 'JetBrains YouTrack / Hub permanent token',
    regex: String.raw`\b(perm[:\-][0-9A-Za-z+\/=_-]{2,120}\.[0-9A-Za-z+\/=_-]{2,120}\.[0-9A-Za-z]{30})(?![0-9A-Za-z])`,
    keywords: ['perm:', 'perm-'],
    entropy: 3,
    tags: ['jetbrains', 'youtrack', 'token'],
    tps: [
      'Authorization: Bearer perm:' + 'amRvZQ==.Q0ktdG9rZW4=.' + '8etPOJtsY3hTGxnY1MSR2VLnWoGarV',
      'YOUTRACK_TOKEN=perm-' + 'YnVpbGRib3Q=.NDQtMTI=.' + 'h4cZt6nESOpQuyHb9MjzZfnQSZSM46',
    ],
    fps: [
      'YOUTRACK_TOKEN=perm:' + 'amRvZQ==.Q0ktdG9rZW4=.' + 'x'.repeat(30),
      'YOUTRACK_TOKEN=perm:<your-token>',
      'chmod perm-644.conf.bak',
    ],
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
    id: 'bitbucket-client-secret',
    description: 'Bitbucket client secret next to a bitbucket name',
    regex: String.raw`(?:bitbucket)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9=_\-]{64})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['bitbucket'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['bitbucket', 'gitleaks'],
    tps: ['BITBUCKET_TOKEN=a0rpvi01vs5f4v6x9ecgpsa44l==xyg-' + 'ueuvewyi2_ei_h=w_u7_zhgxpek92ms=', '"bitbucket_key": "a0rpvi01vs5f4v6x9ecgpsa44l==xyg-' + 'ueuvewyi2_ei_h=w_u7_zhgxpek92ms="', '<bitbucketSecret>\n    a0rpvi01vs5f4v6x9ecgpsa44l==xyg-' + 'ueuvewyi2_ei_h=w_u7_zhgxpek92ms=\n</bitbucketSecret>'],
    fps: ['BITBUCKET_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxx==xxx-xxxxxxxxx_xx_x=x_xx_xxxxxxxxxxx=', 'BITBUCKET_TOKEN=a0rpvi01vs5f4v6x9ecgpsa44l==xyg-'],
  },
  {
    id: 'atlassian-legacy-api-token',
    description: 'Atlassian (Jira, Confluence) legacy API token (24 characters) next to an Atlassian name',
    regex: String.raw`(?:(?-i:ATLASSIAN|[Aa]tlassian)|(?-i:CONFLUENCE|[Cc]onfluence)|(?-i:JIRA|[Jj]ira))(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{20}[a-f0-9]{4})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['atlassian', 'confluence', 'jira'],
    multiline: true,
    windowLines: 1,
    entropy: 3.5,
    tags: ['atlassian', 'gitleaks'],
    tps: ['ATLASSIAN_TOKEN=xd1zkhqnaq37' + 'khrwuszf802c', '"atlassian_key": "xd1zkhqnaq37' + 'khrwuszf802c"', '<atlassianSecret>\n    xd1zkhqnaq37' + 'khrwuszf802c\n</atlassianSecret>'],
    fps: ['ATLASSIAN_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx', 'ATLASSIAN_TOKEN=xd1zkhqnaq37'],
  },
];
