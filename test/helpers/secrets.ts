// Fake credentials shaped like real ones, assembled at run time so this file holds none whole.
export const FAKE = {
  githubPat: (n = 0) => 'ghp_' + `k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9n${String.fromCharCode(65 + n)}`,
  githubApp: 'ghs_' + 'P3qR7sT1uV5wX9yZ2aB6cD0eF4gH8iJ2kL6m',
  githubOauth: 'gho_' + 'Zr4mK8pL2vQ9xT6wY1sB3nC7dF0gH5jA2eM4',
};

/** Deterministic characters from an alphabet, so each test plants its own value and a failure reproduces. */
function pseudoRandom(seed: string, length: number, alphabet: string): string {
  let state = 2166136261;
  for (const c of seed) state = Math.imul(state ^ c.charCodeAt(0), 16777619) >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Fake credentials of several vendors' shapes, one distinct value per seed. */
export const PLANT = {
  github: (seed: string) => 'ghp' + '_' + pseudoRandom(seed, 36, ALNUM),
  aws: (seed: string) => 'AK' + 'IA' + pseudoRandom(seed, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  slack: (seed: string) => 'xo' + 'xb-' + pseudoRandom(seed, 11, '0123456789') + '-' + pseudoRandom(`${seed}.`, 12, '0123456789') + '-' + pseudoRandom(`${seed}..`, 24, ALNUM),
  stripe: (seed: string) => 'sk' + '_live_' + pseudoRandom(seed, 24, ALNUM),
  dropbox: (seed: string) => 'sl.' + 'u.' + pseudoRandom(seed, 140, `${ALNUM}_-`),
};
