// GitHub token formats, from GitHub's documented prefixes: ghp_ (classic PAT), github_pat_
// (fine-grained PAT), gho_ (OAuth access), ghu_ (user-to-server), ghs_ (server-to-server /
// app installation), ghr_ (refresh). The 30-character body after the prefix plus a 6-character
// checksum make 36 characters of base62. Sample values below are fake.
import type { RuleSpec } from '../rule.ts';

const TAIL = String.raw`(?![0-9A-Za-z_])`;

export const rules: RuleSpec[] = [
  {
    id: 'github-pat',
    description: 'GitHub personal access token (classic)',
    regex: String.raw`\b(ghp_[0-9A-Za-z]{36})${TAIL}`,
    keywords: ['ghp_'],
    entropy: 3,
    tags: ['github', 'token'],
    tps: ['GITHUB_TOKEN=ghp_' + 'k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9nB'],
    fps: ['ghp_' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'see ghp_ tokens in the docs', 'ghp_' + 'k7Q2mX9vL4pR8sT1wY6zA3bC5dE0'],
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    regex: String.raw`\b(github_pat_(?:[0-9A-Za-z]{22}_[0-9A-Za-z]{59}|\w{82}))${TAIL}`,
    keywords: ['github_pat_'],
    entropy: 3,
    tags: ['github', 'token'],
    tps: ['token: github_pat_' + '11ABCDEFG0aBcDeFgHiJkL_' + 'mN0pQrStUvWxYz1234567890aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678'],
    fps: ['github_pat_' + 'XXXXXXXXXXXXXXXXXXXXXX_' + 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'github_pat_<your-token>'],
  },
  {
    id: 'github-oauth',
    description: 'GitHub OAuth access token',
    regex: String.raw`\b(gho_[0-9A-Za-z]{36})${TAIL}`,
    keywords: ['gho_'],
    entropy: 3,
    tags: ['github', 'token'],
    tps: ['"access_token": "gho_' + 'Zr4mK8pL2vQ9xT6wY1sB3nC7dF0gH5jA2eM4"'],
    fps: ['gho_' + '000000000000000000000000000000000000'],
  },
  {
    id: 'github-app-token',
    description: 'GitHub App user-to-server or installation token',
    regex: String.raw`\b((?:ghu|ghs)_[0-9A-Za-z]{36})${TAIL}`,
    keywords: ['ghu_', 'ghs_'],
    entropy: 3,
    tags: ['github', 'token'],
    tps: ['Authorization: token ghs_' + 'P3qR7sT1uV5wX9yZ2aB6cD0eF4gH8iJ2kL6m', 'ghu_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'],
    fps: ['ghs_' + 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  },
  {
    id: 'github-refresh-token',
    description: 'GitHub refresh token',
    regex: String.raw`\b(ghr_[0-9A-Za-z]{36,76})${TAIL}`,
    keywords: ['ghr_'],
    entropy: 3,
    tags: ['github', 'token'],
    tps: ['refresh=ghr_' + 'Xy9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0Ed9Cb8Aa7Zz6Yy5Xx4Ww3Vv2Uu1Tt0Ss9Rr8Qq7Pp6Oo'],
    fps: ['ghr_' + 'short'],
  },
];
