// Private key material and signed tokens:
// - PEM private key blocks (RFC 7468 labels: `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC 1),
//   `DSA PRIVATE KEY`, `PRIVATE KEY` / `ENCRYPTED PRIVATE KEY` (PKCS#8), `OPENSSH PRIVATE KEY`
//   (OpenSSH's PROTOCOL.key), `PGP PRIVATE KEY BLOCK` (RFC 4880 armor), the ssh.com
//   `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----` (RFC 4716-style)), found whole from BEGIN to END
//   with a base64 body of at least 64 characters, so a documentation line with `...` does not fire;
// - the same block as one JSON/YAML string with escaped newlines (GCP service-account JSON);
// - PuTTY `.ppk` files (PuTTY-User-Key-File-2/3, from PuTTY's documented ppk format);
// - committed key stores and SSH private key files, by path (.p12/.pfx/.jks/.keystore/.ppk, id_rsa…);
// - JSON Web Tokens (RFC 7519 compact JWS: base64url header and payload that are JSON objects,
//   so both start `eyJ` = `{"`, and a signature).
// The key bodies below come from throwaway keys generated for these samples (openssl genpkey,
// ssh-keygen, gpg, puttygen), shortened; each BEGIN/END line is assembled so that this file does
// not itself read as a key.
import type { RuleSpec } from '../rule.ts';

const DASHES = '-----';
const begin = (label: string): string => DASHES + 'BEGIN ' + label + DASHES;
const end = (label: string): string => DASHES + 'END ' + label + DASHES;
const pem = (label: string, body: string[], nl = '\n'): string => [begin(label), ...body, end(label)].join(nl) + nl;

// Throwaway key bodies (shortened).
const RSA_BODY = [
  'MIICXQIBAAKBgQCzK5BhkIP43cvPJndjC+c5ImfdJBf5rKFNua4X4OCt1bOMxvGO',
  'L/xNAcAVdQ95KRvKYBgBsbur7lcqPed0LYX1ITQbhrc43y8DF0IWJtaXvXbd9fUI',
  'beGTrFboJJsROzydWHUbYywqc476wY4EDTOjIFEzcaOY1TA7ECSka9WqRwIDAQAB',
  'Eku1YZi7aRVWKMz5zygFX0tuKIksuVcAzkcoGJCmwzHS',
];
const EC_BODY = [
  'MHcCAQEEIIqjsX391MiMZUeIvHslGCM5QCoQMfLDGNQDwWHGbMPgoAoGCCqGSM49',
  'AwEHoUQDQgAERYC8H8ZiSF7g5RMytbIMHQmodrHHpRsC7BXvSdvG9QRZyo55+mRV',
  'VyIF/S5NhVcG+qvili/6nmT+rT+tb7wr4A==',
];
const PKCS8_BODY = [
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgiqOxff3UyIxlR4i8',
  'eyUYIzlAKhAx8sMY1APBYcZsw+ChRANCAARFgLwfxmJIXuDlEzK1sgwdCah2scel',
  'GwLsFe9J28b1BFnKjnn6ZFVXIgX9Lk2FVwb6q+KWL/qeZP6tP61vvCvg',
];
const DSA_BODY = [
  'MIIBywIBAAKBgQDHv1hgrY/WqceU7FVOx9rqLjstXo++ehc3NYaw0158cCHVDttd',
  'NV6qCUJy3BKcD35zcFLTSBKE92cfqWhJZ3IuSuJ0bBLy5MUhSv4B61zeE8fmChY6',
  'sn+Htapl/x/OlECOjNj+dG/3zwqtSl6o1bHEiKvXlkdbTOM7oLyWcmcPzwIdAK0o',
];
const ENCRYPTED_BODY = [
  'MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjTtgYma+3p4QICCAAw',
  'DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEE2X6dUBoTedWjUdzJfB4zUEgZBg',
  'v48lEm3X44PFNILe3pQCwUYG9HKi9I7NbC0QzhgDOXsbU9VLVfYxiFv3YlVpGqal',
];
const OPENSSH_BODY = [
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACD6FGHtkhVihcgMUEMTaAdza12YlFGDq4qhoJygzUidbQAAAJCELxfDhC8X',
  'wwAAAAtzc2gtZWQyNTUxOQAAACD6FGHtkhVihcgMUEMTaAdza12YlFGDq4qhoJygzUidbQ',
  'AAAEB+uuQR3kKozFCnTQOzm4L9n8xAlRKo4mR1y1d9ddcko/oUYe2SFWKFyAxQQxNoB3Nr',
  'XZiUUYOriqGgnKDNSJ1tAAAAB3Jvb3RAdm0BAgMEBQY=',
];
const PGP_BODY = [
  'Comment: throwaway sample key',
  '',
  'lFgEawUGDRYJKwYBBAHaRw8BAQdAtgmklbnn/TLWVTP2Y7HfekyRCunAOQzMjF9h',
  'vGMkCHQAAQDpOJ3PaqE1vXUjO2KoGWh7WNZxHK92nJnin2ACJFnPcg8atCBUZXN0',
  'pnU1xbSF2WdPpAD+KstGTZEreCxkoIEbtFfaXEe1hb4l0qdBOPD8liiMC5ABAItt',
  '=UzBH',
];
const CERT_BODY = [
  'MIIBcjCCARmgAwIBAgIUarmOvvntMF2jmoQcCWwBOaak9NowCgYIKoZIzj0EAwIw',
  'DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjQwMzM1NTFaFw0yNjExMjUwMzM1NTFa',
  'MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARFgLwf',
];
const PUBLIC_BODY = [
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCzK5BhkIP43cvPJndjC+c5Imfd',
  'JBf5rKFNua4X4OCt1bOMxvGOL/xNAcAVdQ95KRvKYBgBsbur7lcqPed0LYX1ITQb',
  'caOY1TA7ECSka9WqRwIDAQAB',
];

const PRIVATE_LABEL = String.raw`(?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?`;
// `-----BEGIN X PRIVATE KEY-----`, or the ssh.com `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`.
const PEM_BEGIN = String.raw`-{4,5} ?BEGIN ${PRIVATE_LABEL} ?-{4,5}`;
const PEM_END = String.raw`-{4,5} ?END ${PRIVATE_LABEL} ?-{4,5}`;
// RFC 1421 / RFC 4880 / RFC 4716 headers: `Proc-Type: 4,ENCRYPTED`, `DEK-Info: …`, `Version: …`, `Comment: …`.
const PEM_HEADERS = String.raw`(?:\s{0,8}[A-Za-z][A-Za-z0-9\-]{0,30}: ?[^\r\n]{0,200}){0,8}`;
// An escaped line break inside a JSON/YAML string: \n or \r\n, possibly double-escaped.
const ESC_NL = String.raw`(?:\\{1,2}r)?\\{1,2}n`;
// The end of one string literal and the start of the next, in code that spells a key one line per
// literal: "…\n" + "…" (Java, JS, Go), "…" . "…" (PHP), "…" & "…" (VB), adjacent literals (C,
// Python), or items of an array.
const CONT = String.raw`["'\x60]\s{0,20}(?:[+.&,]\s{0,20})?[bu]?["'\x60]`;
// One unit of an escaped body: a base64 character, an escaped newline (maybe closing the literal),
// or a bare literal break.
const ESC_UNIT = String.raw`(?:[A-Za-z0-9+/=]|${ESC_NL}(?:${CONT})?|${CONT})`;

// A body that is mostly one repeated character, or xxxx…, is a placeholder, not key material
// (real bodies have runs of at most ~10 equal characters: OpenSSH's zero-length fields).
// The placeholder test looks at the key material only, never at header lines such as
// `Comment: xxxxxxxx`, which a real key can carry. The headers are taken by a lookahead and a
// back-reference (an atomic group), so backtracking cannot hand them to the body test.
const PLACEHOLDER_AFTER = (headers: string) => String.raw`^(?=(${headers}))\1[\s\S]*?(?:([A-Za-z0-9+/=])\2{15,}|[xX]{6,})`;

// The BEGIN line and headers of a key inside string literals, up to its body.
const ESCAPED_PEM_HEAD =
  `-{5}BEGIN ${PRIVATE_LABEL}-{5}(?:${ESC_NL}(?:${CONT})?|${CONT})` +
  String.raw`(?:[A-Za-z][A-Za-z0-9\-]{0,30}: [^\\"'\r\n]{0,120}${ESC_NL}(?:${CONT})?){0,6}(?:${ESC_NL}(?:${CONT})?)?`;

// Assembled so that this file holds no string that looks like a JWT.
const jwtHeaderHs = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const jwtHeaderRs = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0';
const jwtPayload1 = 'eyJzdWIiOiI0ZjFjOWEyZSIsIm5hbWUiOiJzdmMtZGVwbG95IiwiaWF0IjoxNzE4MDAwMDAwLCJleHAiOjE3MTgwODY0MDB9';
const jwtPayload2 = 'eyJpc3MiOiJodHRwczovL2F1dGguaW50ZXJuYWwiLCJhdWQiOiJhcGkiLCJzY29wZSI6InJlYWQgd3JpdGUiLCJpYXQiOjE3MTgwMDAwMDB9';
// The jwt.io / RFC-style documentation payload {"sub":"1234567890","name":"John Doe",...}.
const JWT_DOCS_PAYLOAD = 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIi';

export const rules: RuleSpec[] = [
  {
    id: 'private-key',
    description: 'PEM-armored private key block (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH, PGP, SSH2)',
    regex: `${PEM_BEGIN}${PEM_HEADERS}[A-Za-z0-9+/=\\s]{64,65536}${PEM_END}`,
    keywords: ['private key'],
    multiline: true,
    tags: ['private-key', 'key'],
    allowlists: [{ description: 'placeholder body', regexes: [PLACEHOLDER_AFTER(`${PEM_BEGIN}${PEM_HEADERS}`)] }],
    tps: [
      pem('RSA PRIVATE KEY', ['Comment: xxxxxxxxxxxxxxxx', 'Proc-Type: AAAAAAAAAAAAAAAAAAAA', ...RSA_BODY]),
      pem('RSA PRIVATE KEY', RSA_BODY),
      pem('EC PRIVATE KEY', EC_BODY),
      pem('DSA PRIVATE KEY', DSA_BODY),
      pem('PRIVATE KEY', PKCS8_BODY),
      pem('ENCRYPTED PRIVATE KEY', ENCRYPTED_BODY),
      pem('OPENSSH PRIVATE KEY', OPENSSH_BODY),
      pem('PGP PRIVATE KEY BLOCK', PGP_BODY),
      // Legacy OpenSSL encryption headers before the body.
      pem('RSA PRIVATE KEY', ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,6B7D3F1C2A9E4B5D8F0A1C3E5B7D9F2A', '', ...RSA_BODY]),
      // ssh.com / RFC 4716-style framing.
      ['---- ' + 'BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', 'Comment: "rsa-key-20240612"', ...RSA_BODY, '---- ' + 'END SSH2 ENCRYPTED PRIVATE KEY ----'].join('\n'),
      // Indented in a YAML block scalar (a Kubernetes manifest, an Ansible var), CRLF line ends.
      'tls:\n  key: |\n' + pem('PRIVATE KEY', PKCS8_BODY).split('\n').map((l) => (l ? '    ' + l : l)).join('\n') + 'other: value\n',
      'const key = `' + pem('EC PRIVATE KEY', EC_BODY, '\r\n') + '`;',
      // Base64 of the whole PEM (a Kubernetes Secret's data): found in the decoded text.
      'data:\n  tls.key: ' + Buffer.from(pem('RSA PRIVATE KEY', RSA_BODY)).toString('base64') + '\n',
    ],
    fps: [
      pem('PUBLIC KEY', PUBLIC_BODY),
      pem('CERTIFICATE', CERT_BODY),
      pem('PGP PUBLIC KEY BLOCK', PGP_BODY),
      'ssh-ed25519 ' + 'AAAAC3NzaC1lZDI1NTE5AAAAIPoUYe2SFWKFyAxQQxNoB3NrXZiUUYOriqGgnKDNSJ1t deploy@ci',
      'ssh-rsa ' + 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQCLDt2+D8jDASwBCbWoATKTTIsD1tsxrg9tyX+VYAs4V+cqzjYsQnwMtqmFjiia5AJZReZKCROTKJ8obfpEQ6pYjcNSM9a user@host',
      '# the file must start with ' + begin('RSA PRIVATE KEY'),
      'if (text.startsWith("' + begin('OPENSSH PRIVATE KEY') + '")) return "openssh";',
      pem('RSA PRIVATE KEY', ['MIIEpAIBAAKCAQEA...', '...']),
      pem('PRIVATE KEY', ['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']),
      pem('PRIVATE KEY', ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAA']),
      pem('EC PRIVATE KEY', ['<your private key here>']),
      pem('PRIVATE KEY', ['MHcCAQEEIIqjsX391MiMZUeIvHslGCM5']),
      'Paste your private key (' + begin('PRIVATE KEY') + ' ... ' + end('PRIVATE KEY') + ') below.',
    ],
  },
  {
    id: 'private-key-escaped',
    description: 'PEM private key inside string literals: escaped newlines (JSON/YAML/env, e.g. a GCP service-account file) or one literal per line in code',
    regex:
      ESCAPED_PEM_HEAD +
      `${ESC_UNIT}{64,65536}` +
      `-{5}END ${PRIVATE_LABEL}-{5}`,
    keywords: ['private key'],
    multiline: true,
    tags: ['private-key', 'key', 'gcp'],
    allowlists: [{ description: 'placeholder body', regexes: [PLACEHOLDER_AFTER(ESCAPED_PEM_HEAD)] }],
    tps: [
      '  "private_key": "' + pem('PRIVATE KEY', RSA_BODY, '\\n') + '",',
      'PRIVATE_KEY="' + pem('EC PRIVATE KEY', EC_BODY, '\\n').slice(0, -2) + '"',
      'signing_key: "' + pem('RSA PRIVATE KEY', RSA_BODY, '\\r\\n') + '"',
      // JSON embedded in a JSON string: the escapes are doubled.
      '{"credentials": "{\\"private_key\\": \\"' + pem('PRIVATE KEY', PKCS8_BODY, '\\\\n') + '\\"}"}',
      // One literal per line, in Python, Java and Go.
      'KEY = (\n' + [begin('EC PRIVATE KEY'), ...EC_BODY, end('EC PRIVATE KEY')].map((l) => '    "' + l + '\\n"').join('\n') + '\n)',
      'String key = ' + [begin('RSA PRIVATE KEY'), ...RSA_BODY, end('RSA PRIVATE KEY')].map((l) => '"' + l + '\\n"').join(' +\n    ') + ';',
      'var key = []string{' + [begin('PRIVATE KEY'), ...PKCS8_BODY, end('PRIVATE KEY')].map((l) => '"' + l + '"').join(', ') + '}',
    ],
    fps: [
      '"private_key": "' + begin('PRIVATE KEY') + '\\nMIIE...\\n' + end('PRIVATE KEY') + '\\n"',
      '"private_key": "' + begin('PRIVATE KEY') + '\\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n' + end('PRIVATE KEY') + '\\n"',
      '"public_key": "' + pem('PUBLIC KEY', PUBLIC_BODY, '\\n') + '"',
      '"cert": "' + pem('CERTIFICATE', CERT_BODY, '\\n') + '"',
      '"private_key": "<paste ' + begin('PRIVATE KEY') + ' block here>"',
      'const markers = ["' + begin('PRIVATE KEY') + '", "' + end('PRIVATE KEY') + '"];',
      '"' + begin('RSA PRIVATE KEY') + '\\nMIIEpAIBAAKCAQEA1234",  // truncated, no END',
      '"PrivateKey": "' + begin('DSA PRIVATE KEY') + '<a very long private key string>' + end('DSA PRIVATE KEY') + '",',
    ],
  },
  {
    id: 'putty-private-key',
    description: 'PuTTY private key file (PuTTY-User-Key-File-2/3)',
    regex: String.raw`PuTTY-User-Key-File-[23]: [\w\-@.]{1,64}\r?\n(?:[^\r\n]{0,300}\r?\n){2,40}?Private-Lines: \d{1,3}\r?\n[A-Za-z0-9+/=]{40,128}(?:\r?\n[A-Za-z0-9+/=]{1,128}(?=\s|$)){0,400}`,
    keywords: ['putty-user-key-file'],
    multiline: true,
    tags: ['private-key', 'putty', 'key'],
    allowlists: [{ description: 'placeholder body', regexes: [PLACEHOLDER_AFTER(String.raw`[\s\S]*?Private-Lines: \d{1,3}\r?\n`)] }],
    tps: [
      [
        'PuTTY-User-Key-File-' + '3: ssh-ed25519',
        'Encryption: none',
        'Comment: deploy-key',
        'Public-Lines: 2',
        'AAAAC3NzaC1lZDI1NTE5AAAAIKyZArR0BJmdooUKfL/SxM6+WM7abiPAzuAqiX3s',
        'Qx+V',
        'Private-Lines: 1',
        'AAAAIDiDK/p/GMwD/yoH1gmKb0RIDd9SnmFoMNXRT4LcLEg2',
        'Private-MAC: 6f4d6956a1aac5cbdb8b0c906c15098f6765f38b90d40519882b24e729087308',
      ].join('\n'),
      [
        'PuTTY-User-Key-File-' + '2: ssh-rsa',
        'Encryption: none',
        'Comment: rsa-key',
        'Public-Lines: 2',
        'AAAAB3NzaC1yc2EAAAADAQABAAAAgQCLDt2+D8jDASwBCbWoATKTTIsD1tsxrg9t',
        '4jXO/iTIkQ==',
        'Private-Lines: 3',
        'AAAAgEIl3TdW/NI+UXdg7gewIiXNiGdYIka8nNxFuKoO2OeBcRZ8p2pgafAGSBee',
        '6xPbGH7s8EIRlT0wWp15y04DvhjRrhsB3hliFN1hhamQ6TVUO/x6iLGPi85VlVb1',
        'HWwn',
        'Private-MAC: 3911447b9e66df2bbf281fcaa227a7fed1734339',
      ].join('\r\n'),
    ],
    fps: [
      'A .ppk file starts with "PuTTY-User-Key-File-' + '3: ssh-ed25519" and has Public-Lines and Private-Lines.',
      ['PuTTY-User-Key-File-' + '3: ssh-ed25519', 'Encryption: none', 'Comment: x', 'Public-Lines: 1', 'AAAA...', 'Private-Lines: 1', '...'].join('\n'),
      ['PuTTY-User-Key-File-' + '3: ssh-ed25519', 'Encryption: none', 'Comment: x', 'Public-Lines: 1', 'AAAA', 'Private-Lines: 1', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'].join('\n'),
    ],
  },
  {
    id: 'private-key-file',
    description: 'Committed key store or SSH private key file (.p12, .pfx, .jks, .keystore, .ppk, id_rsa, id_ed25519, …)',
    // Paths only. Case variants are spelled out: path regexes carry no flags.
    path: String.raw`(?:^|/)(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:[_\-][\w\-]{1,40})?|[^/]+\.(?:[pP]12|[pP][fF][xX]|pkcs12|[jJ][kK][sS]|jceks|bcfks|keystore|ppk))$`,
    tags: ['private-key', 'file'],
    allowlists: [
      {
        description: 'trust stores hold only certificates; the Android debug keystore is a well-known development key',
        paths: [String.raw`(?:^|/)[^/]*(?:[tT]rust[sS]tore|TRUSTSTORE|cacerts)[^/]*$`, String.raw`(?:^|/)debug\.keystore$`],
      },
    ],
    tps: [
      'deploy/certs/client.p12',
      'certs/SERVER.PFX',
      'src/main/resources/keystore.jks',
      'android/app/release.keystore',
      'keys/jenkins.ppk',
      'home/ci/.ssh/id_rsa',
      'id_ed25519',
      '.ssh/id_ecdsa_sk',
      'ops/id_rsa_deploy',
    ],
    fps: [
      '.ssh/id_rsa.pub',
      'home/ci/.ssh/id_ed25519.pub',
      'ops/id_rsa_deploy.pub',
      'docs/keystore.md',
      'src/p12_utils.ts',
      'src/crypto/id_rsa_test.go',
      'certs/truststore.jks',
      'android/app/debug.keystore',
      'certs/server.crt',
      '.ssh/known_hosts',
    ],
  },
  {
    id: 'jwt',
    description: 'JSON Web Token (signed: base64url JSON header and payload, and a signature)',
    regex: String.raw`(?<![A-Za-z0-9_\-])(eyJ[A-Za-z0-9_\-]{8,2048}\.eyJ[A-Za-z0-9_\-]{8,8192}\.[A-Za-z0-9_\-]{16,2048})(?![A-Za-z0-9_\-])`,
    keywords: ['eyj'],
    entropy: 3.5,
    tags: ['jwt', 'token'],
    allowlists: [
      {
        description: 'placeholder signature, or the jwt.io documentation token',
        regexes: [String.raw`\.([A-Za-z0-9_\-])\1{7,}$`, String.raw`\.(?:[sS]ignature|SIGNATURE|[yY]our[\w\-]*)$`, JWT_DOCS_PAYLOAD],
      },
    ],
    tps: [
      'Authorization: Bearer ' + jwtHeaderHs + '.' + jwtPayload1 + '.erE8yUiv63w2F9tL0A_g3aLWydeEO3kmSVQ1nNX10MY',
      'SERVICE_TOKEN=' + jwtHeaderRs + '.' + jwtPayload2 + '.pl87Y9TY4cVvUhN6JbVzFZbJ6IaVAxKn4qwUPiZNGdsHCJujE7OA6U3BJPmLWmH_Y3_VOoZ1_eMgmFes-SPFfw',
      '{"id_token": "' + jwtHeaderHs + '.' + jwtPayload2 + '.Qk3vT8nW2pL5xR9mZ1cB7yH4jD6fG0sA3eK8uN2qV5w"}',
      'https://app.internal/callback#access_token=' + jwtHeaderRs + '.' + jwtPayload1 + '.Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo&token_type=bearer',
    ],
    fps: [
      // A lone segment: a header, or base64 of some JSON.
      'const header = "' + jwtHeaderHs + '";',
      'payload: ' + jwtPayload1,
      // Placeholder signatures.
      jwtHeaderHs + '.' + jwtPayload1 + '.xxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      jwtHeaderHs + '.' + jwtPayload1 + '.signature',
      jwtHeaderHs + '.' + jwtPayload1 + '.<signature>',
      // Unsigned (alg none) token: nothing to forge.
      'eyJhbGciOiJub25lIn0' + '.' + jwtPayload1 + '.',
      // The jwt.io documentation token.
      'Authorization: Bearer ' + jwtHeaderHs + '.' + JWT_DOCS_PAYLOAD + 'wiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'Bearer eyJhbGciOi...',
    ],
  },
];
