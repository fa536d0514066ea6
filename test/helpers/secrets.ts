// Fake credentials shaped like real ones, assembled at run time so this file holds none whole.
export const FAKE = {
  githubPat: (n = 0) => 'ghp_' + `k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9n${String.fromCharCode(65 + n)}`,
  githubApp: 'ghs_' + 'P3qR7sT1uV5wX9yZ2aB6cD0eF4gH8iJ2kL6m',
  githubOauth: 'gho_' + 'Zr4mK8pL2vQ9xT6wY1sB3nC7dF0gH5jA2eM4',
};
