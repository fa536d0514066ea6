// Generic credentials without a vendor prefix: a secret-ish name (password, passwd, pwd, pass,
// passphrase; secret, client_secret, secret_key, private_key, credentials; api_key, access_key,
// auth_key, app_key; token, auth_token, access_token, …) assigned a literal value in env files,
// YAML, JSON, TOML, INI, properties, XML and code (`=`, `:`, `:=`, `=>`, `?=`, `define('K', 'v')`,
// `put("k", "v")`, `<add key="…Password" value="…"/>`, `<password>…</password>`), plus HTTP
// `Authorization: Bearer/Basic` headers and `curl -u user:password`.
// Without a prefix to anchor on these are the main false-positive risk, so they are conservative:
// a minimum length, an entropy floor, a digit or symbol for passwords, and allowlists for
// placeholders, template/variable references, identifiers, paths, URLs, hashes, encrypted
// values (sops, jasypt, Spring {cipher}, ansible-vault) and well-known default passwords.
import type { AllowlistSpec, RuleSpec } from '../rule.ts';

/** Regex source matching `word` in any letter case (allowlist regexes take no flags). */
export function ci(word: string): string {
  return [...word]
    .map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\\-]/g, '\\$&')))
    .join('');
}

/** Case-insensitive substrings that mark a value as a placeholder or a documentation value. */
export const PLACEHOLDER_STOPWORDS = [
  'example', 'sample', 'changeme', 'change_me', 'change-me', 'changeit', 'placeholder', 'redacted', 'dummy', 'fake',
  'your_', 'your-', 'yourpass', 'yourkey', 'yoursecret', 'yourtoken', 'notreal', 'not_real', 'not-real',
  'insert_', 'insert-', 'replace_', 'replace-', 'replaceme', 'password', 'passwd', 'secret',
  // sequences people type as fillers
  '0123456789', '123456789', 'abcdefghij', 'abcdef0123',
  // RFC 6749 (OAuth 2.0) example values, quoted in countless tests and docs
  '2yotnfzfejr1zcsicmwpaa', 'jbswy3dpehpk3pxp' /* the TOTP secret of every authenticator tutorial */, 'tgzv3jokf0xg5qx2tlkwia', 'splxlobezqqybys6wxsbia', 'czzcagrsa3f0mzpnwdfmqmf0m2jw', 'gx1fbat3bv',
  'mf_9.b5f-4.1jqm' /* RFC 6750's bearer token */,
  // NuGet's documentation's example passwords; a public key gitleaks lists among its stop words
  'hal+9ooo_da!sy', '33f!!lloppa', '6fe4476ee5a1832882e326b506d14126',
];

/** Values that are references or masks, not literals. */
export const PLACEHOLDER_VALUE_REGEXES = [
  // Interpolation anywhere: ${X}, $(cmd), {{ x }}, %(x)s, #{x}, <%= x %>
  String.raw`\$\{|\$\(|\{\{|\}\}|%\(|#\{|<%|%>`,
  String.raw`^\$[A-Za-z_][\w.]*$`, // $var, $DB_PASS
  String.raw`^%[A-Za-z_][\w.]*%$`, // %VAR%
  String.raw`^%[sdvq]$`,
  String.raw`^\{[\w.\-]*\}$`, // {password}, {0}
  String.raw`^(?:__|@)[\w.\-]+(?:__|@)$`, // __TOKEN__, @db.password@ (build-time substitution)
  String.raw`^\[[^\]]*\]$`, // [password]
  String.raw`^_[a-z_]+_$`, // _description_ (docstring templates)
  String.raw`^<[^>]*>$`,
  String.raw`^[*xX.?_#•\-]+$`, // masks
  String.raw`\*{3,}|\.{3}|…|x{5,}|X{5,}|#{4,}`, // masked or elided
  // test as a word: test123, my_test_pw, unitTest9, TEST (not "latest", "contest")
  String.raw`(?:^|[^A-Za-z])[Tt][Ee][Ss][Tt]|[a-z]Test|TEST`,
  // P@ssw0rd and friends; your@login, YourToken1
  String.raw`[Pp][Aa@4][Ss$5][Ss$5][Ww][Oo0][Rr][Dd]`,
  String.raw`^(?:[Yy]our|YOUR)(?:[\W_A-Z]|$)`,
];

const WEAK_WORDS = [
  'pass', 'p4ss', 'p@ss', 'pa55', 'pw', 'pwd', 'root', 'admin', 'administrator', 'postgres', 'postgresql', 'pg', 'mysql', 'mariadb', 'maria',
  'guest', 'redis', 'mongo', 'mongodb', 'neo4j', 'rabbit', 'rabbitmq', 'amqp', 'user', 'username', 'default', 'dev',
  'develop', 'development', 'local', 'localhost', 'foo', 'bar', 'foobar', 'baz', 'qux', 'qwerty', 'letmein', 'welcome',
  'demo', 'clickhouse', 'kafka', 'nats', 'ldap', 'ftp', 'anonymous', 'none', 'null', 'nil', 'empty', 'super',
  'supersecret', 'topsecret', 'mysecret', 's3cr3t', 's3cret', 'hunter', 'sa', 'app', 'db', 'database', 'docker', 'vagrant',
  'ubuntu', 'pi', 'raspberry', 'oracle', 'tiger', 'scott', 'manager', 'system', 'sys', 'elastic', 'keycloak', 'minio',
  'minioadmin', 'grafana', 'airflow', 'superset', 'django', 'rails', 'api', 'service', 'svc', 'staging', 'prod', 'my',
  'abc', 'todo', 'tbd', 'secure', 'private', 'login', 'access',
];
/** Well-known default or toy passwords: a weak word, optionally joined to another or to a few digits. */
export const WEAK_VALUE_REGEX =
  String.raw`^(?:${WEAK_WORDS.map(ci).join('|')}|\d{1,4})(?:[_\-.]?(?:${WEAK_WORDS.map(ci).join('|')}|\d{1,10}))?[!@#$.]?$`;

const ENCRYPTED_OR_HASHED = [
  String.raw`^(?:ENC|enc)[\[(]`, // sops ENC[...], jasypt ENC(...)
  String.raw`^\{cipher\}`, // Spring Cloud Config
  String.raw`^!vault|^\$ANSIBLE_VAULT`,
  String.raw`^\{[A-Za-z0-9+/=]{16,}\}$`, // Maven settings-security encrypted password
  String.raw`^\$(?:2[abxy]?|argon2(?:id|i|d)|[1567]|pbkdf2[\w\-]*|scrypt|sha(?:256|512)?)\$`, // crypt(3), bcrypt, argon2
  String.raw`^(?:pbkdf2_sha256|bcrypt_sha256|argon2|md5|sha1|sha256|sha512|sha512-|sha256-|sha1-)[$:]`,
  String.raw`^\$[\w\-]{1,20}\$`, // any other modular-crypt hash: $md5$, $sha1$, $p5k2$
  String.raw`^\{(?:[Cc][Rr][Yy][Pp][Tt]|S?SHA\d*|S?MD5|PBKDF2[\w\-]*|ARGON2\w*|BCRYPT)\}`, // LDAP {SSHA}… hashes
  String.raw`^\*[0-9A-F]{40}$`, // MySQL PASSWORD() hash
  String.raw`^(?:vault|op|sm|awssm|gcpsm|azkv|secret|secretsmanager|ref\+[a-z]+|arn:aws:secretsmanager):`, // secret-manager references
  String.raw`^projects/[\w\-]+/`, // GCP resource names (Secret Manager, KMS)
  String.raw`^@Microsoft\.KeyVault\(`,
];

/** Right-hand sides that are code, words or names rather than a literal secret. */
export const NOT_LITERAL = [
  // Words and identifiers: credentials, Required., **DEPRECATED**, user_password,
  // _convert_oauth2_credentials, dbPassword, nameID, AWSAccessKeyId, DB_PASS, my-secret-name,
  // Access-Control-Allow-Credentials, config.db.password, ed25519.Ed25519PrivateKey, a.b:Class
  // (member-path segments are words with at most one run of digits, so a dotted random token is not one)
  String.raw`^[A-Za-z][a-z]*(?:-[a-z]+)*[.:!?*]?$`,
  String.raw`^[A-Z]+[.:!?]?$`,
  String.raw`^\*\*\w+\*\*$`,
  String.raw`^_{0,2}[a-z][a-z0-9]*(?:_[a-z0-9]+)+_{0,2}[=.:]?$`,
  String.raw`^_{0,2}[A-Z][A-Z0-9]*(?:[_\-][A-Z0-9]+)+$`,
  String.raw`^_{0,2}[a-z]+(?:[A-Z]{1,5}[a-z]{2,})*[A-Z]{0,5}\d?[.:]?$`,
  // PascalCase type names, acronyms included: _RSAPrivateKey, PKCS7PrivateKeyTypes, OAuth2Credentials
  // (letters only with a word of three lower-case letters or more, or words of two lower-case
  // letters or more with digits only at their ends, so Ab9Cd8Ef7-style random strings are not
  // names; a trailing T is a type parameter: _AzureApiKeyT)
  String.raw`^(?=.*[a-z]{3})_{0,2}(?:[A-Z]{1,4}[a-z]+){2,}(?:[A-Z]{1,2}[a-z]?|ID)?[.:]?$`,
  String.raw`^_{0,2}(?:[A-Z]{1,4}[a-z]{2,}\d?|[A-Z]{2,5}\d{1,2}(?=[A-Z][a-z])){2,}(?:[A-Z][a-z]|ID|T)?[.:]?$`,
  // a type named with a leading acronym: AWSCredentials, SMTPConnectionCredentials
  String.raw`^_{0,2}[A-Z]{2,5}(?:[A-Z][a-z]{2,}\d?)+[.:]?$`,
  // a sigil and a name: ?NonExpressionParenEnd (a tokenizer state), :response-time (a log format token)
  String.raw`^[?:#@!][A-Za-z][a-z]*(?:-?[A-Za-z][a-z]+)*$`,
  String.raw`\|(?:None|null|undefined)$|^(?:None|null|undefined)\|`, // type unions: ABCTuplet|None
  String.raw`^[A-Z][a-z]+(?:-[A-Z][a-z]+)+$`,
  // member paths, also negated: config.db.password, !!request.withCredentials
  String.raw`^!{0,2}[A-Za-z_$][A-Za-z_$]*(?:\d{1,6}[A-Za-z_$]*)?(?:(?:\.|::|->|:)[A-Za-z_$][A-Za-z_$]*(?:\d{1,6}[A-Za-z_$]*)?)+[.:]?$`,
  // Slugs, hostnames, key paths, e-mail addresses: auth-request-type/it, .credential, sql-component.googleapis.com
  String.raw`^\.?[a-z][a-z\-_./:]*$`,
  String.raw`^(?:[a-z0-9\-]+\.)+(?:com|org|net|io|dev|app|cloud|internal|local|co|ai|gov|edu)$`,
  String.raw`^[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+$`,
  // Code: function calls, indexing, operators, format strings, regexes
  String.raw`^[\w.$:]+\(.*\)$`,
  String.raw`^[A-Za-z_][\w.]*\[[^\]]*\]`,
  String.raw`\)\)|\)\{|=>|!=|==(?!=*$)|&&|\|\||[\w$\])]=(?:void|null|this|new|function)\b`,
  String.raw`(?:^|[^%])%[\-+0 #]?\d*(?:\.\d+)?[sdfirx](?![A-Za-z0-9])`,
  String.raw`^\^\S*\$$|\(\?[=!:<]|\.\*|\.\+|\{\d+,\d*\}`,
  // URLs, file paths, key files, numbers/dates/versions
  String.raw`^[A-Za-z][\w+.\-]*://|^urn:`,
  // (an absolute path is lower-case or starts at a well-known root, so base64 starting with '/' is not one)
  String.raw`^(?:~|\.{1,2})/[\w.\-/]+$|^(?:/[a-z0-9_.\-]+){2,}/?$|^[A-Za-z]:\\`,
  String.raw`^/(?:etc|run|var|home|usr|opt|tmp|mnt|srv|data|secrets|app|Users|root|vault|config|certs?|keys?)/[\w.\-/]*$`,
  String.raw`^[\w\-./]+\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|conf|cfg|ini|properties|xml|toml|der|pub|asc|gpg)$`,
  String.raw`^[\d.:,/\-+ ]+$`,
  String.raw`^[A-Za-z][\w.\-]*[-:]v?\d+(?:\.\d+)+$`, // an artifact and its version: jjwt-jackson-0.11.2
  // Booleans and nulls
  `^(?:${['true', 'false', 'null', 'nil', 'none', 'undefined', 'yes', 'no', 'on', 'off', 'required', 'optional'].map(ci).join('|')})$`,
];

const PATHS_NOT_CONFIG: AllowlistSpec = {
  description: 'minified, generated and translation files',
  paths: [
    String.raw`\.(?:min\.js|min\.css|map|svg|lock|sum|po|pot|xliff|xlf|arb|strings)$`,
    String.raw`(?:^|/)(?:locales?|i18n|l10n|translations?|lang)/`,
  ],
};

const COMMON_ALLOWLISTS: AllowlistSpec[] = [
  { description: 'placeholder words', stopwords: PLACEHOLDER_STOPWORDS },
  { description: 'references, masks, encrypted or hashed values, identifiers, paths', regexes: [...PLACEHOLDER_VALUE_REGEXES, ...ENCRYPTED_OR_HASHED, ...NOT_LITERAL] },
  { description: 'well-known default passwords', regexes: [WEAK_VALUE_REGEX] },
  PATHS_NOT_CONFIG,
];

// --- the assignment regex ---------------------------------------------------------------------
// KEY ends the name (optionally with one digit: PASSWORD2), then an optional type annotation
// (`password: str =`, `var pw string =`), then the operator; or the name is the quoted first
// argument of a call (`define('DB_PASSWORD', '…')`, `props.put("password", "…")`), or an XML
// attribute pair (`key="SmtpPassword" value="…"`).
/** netrc's token separator: blanks with at most one line break among them. */
const NETRC_GAP = String.raw`(?:[ \t]{1,64}|[ \t]{0,64}\r?\n[ \t]{0,64})`;
const KEY_END = String.raw`(?:[_\-.]?\d)?(?![A-Za-z0-9_])`;
const TYPE = String.raw`(?:\s{0,4}:\s{0,4}(?:str|string|String|SecretStr|Optional\[str\])|\s{1,4}(?:string|String|str))?`;
const OP = String.raw`(?:["'\]]{0,2}\s{0,4}(?::=|=>|\?=|\|\|=|=(?!=)|:(?!:))|["']\s{1,4}value\s{0,4}=)`;
// An unquoted value that is code, not a literal: in source code the right-hand side of a
// secret-ish name is as often a variable, a property, a call or a type as a string. Quoted values
// are literals whatever they hold; unquoted ones are code when they are
//  - a member expression with optional chaining or on this/self (`options?.credentials`, `this.token`),
//  - a comment (`/*#__PURE__*/function`) or a regex literal (`/^Unexpected token/`),
//  - a name or member expression followed by what only follows an operand in code: `,` `)` `}` `]`
//    (an object property, an argument), a ternary `?`, `&&`, `||`, `??`, a comparison, a type
//    union or intersection (`Foo & {`, `Foo | null`),
//  - a name followed by an operator word: `instanceof`, `as`, `satisfies`, `in`, `of`, `is`, and in
//    Python `if`, `or`, `and` (`key = userKey if userKey else None`),
//  - a name followed by `;` after ` = ` or `:` (a statement or an interface member; a connection
//    string's `Password=Xk9vQ2mL;` has no space before its `=`),
//  - another assignment (`MYSQL_PASSWORD= FILTER=integration npm test`).
// (A name followed by the end of the line stays a value: `API_KEY=a3f5c9e1b7d2` in an env file.)
const IDENT = String.raw`[A-Za-z_$][\w$]*`;
const MEMBER_TAIL = String.raw`(?:\??\.#?[A-Za-z_$][\w$]*|\??\.?\[[^\]\s]{1,80}\]|!(?=[.\[]))`;
const OPERAND = String.raw`!{0,2}${IDENT}(?:${MEMBER_TAIL})*`;
export const CODE_VALUE = String.raw`(?:(?:this|self)\.|${OPERAND}\?\.|/[*/^]|${OPERAND}[ \t]{0,4}(?:[,)}\]]|\?[?\s]|&&|\|\||={3}|!==?|==(?=[ \t]{0,4}[\w$(!])|[&|][ \t])|${OPERAND}[ \t]{1,4}(?:instanceof|as|satisfies|in|of|is|if|or|and)[ \t]|(?<=\s=[ \t]{0,4}|:=?[ \t]{0,4})${OPERAND}[ \t]{0,4};(?:\s|$)|[A-Z_][A-Z0-9_]*=(?!=))`;
// The value: group 1 the opening quote (maybe none), group 2 the secret. Quoted: anything but
// whitespace, quotes and backslashes up to the same quote. Unquoted: also stops at , ; ( ) { } [ ] < >
// and must end there (so `getPassword()` or `ENV["X"]` is not a value); `&name=` ends it too (a query
// string); and it is not code (CODE_VALUE).
const value = (min: number, max: number): string =>
  String.raw`\s{0,4}(["'\x60]?)((?<=["'\x60])[^\s"'\x60\\]{${min},${max}}(?=["'\x60])|(?<!["'\x60])(?![=>|])(?!${CODE_VALUE})(?:[^\s"'\x60\\,;(){}\[\]<>&]|&(?![\w.\-]{1,40}=)(?=[^\s"'\x60\\,;(){}\[\]<>&])){${min},${max}}(?=[\s,;)}\]"'\x60&]|$))\1`;
const assignment = (keys: string, min: number, max: number): string =>
  String.raw`(?:(?<=[\w$]\s{0,2}\(\s{0,4}["'][\w.\-]{0,40})(?:${keys})${KEY_END}["']\s{0,4},(?=\s{0,4}["'])|(?:${keys})${KEY_END}${TYPE}${OP})` + value(min, max);

/** Keyword variants for a two-word name joined by _, -, . or nothing. */
const joined = (a: string, b: string): string[] => ['_', '-', '.', ''].map((sep) => a + sep + b);

// Password names without the i flag, so that a bare "pass" must be its own word (db_pass, dbPass,
// DB_PASS) and "bypass"/"compass"/"passport" are not names.
const PASSWORD_KEYS = String.raw`[Pp]ass(?:word|wd|phrase)|PASS(?:WORD|WD|PHRASE)|[Pp]wd|PWD|(?<![A-Za-z])pass|Pass|PASS`;
const SECRET_KEYS = String.raw`secret(?:[_\-.]?key(?:[_\-.]?base)?)?|private[_\-.]?key|(?<!with)credentials?|(?:encryption|signing|master|hmac)[_\-.]?key`;
const API_KEY_KEYS = String.raw`(?:api|access|auth|app|subscription)[_\-.]?key`;
// Tokens that are not credentials: pagination cursors, CSRF form tokens, tokenizer special tokens,
// push-notification device tokens, design tokens, AWS-style idempotency/request tokens
// (ClientToken, ClientRequestToken, ChangeToken).
// (Each is a suffix of the name before "token"; the (?<!…) guards keep admin_token, exchange_token,
// transaction_token and async_token credentials.)
const NOT_CREDENTIAL_TOKEN = [
  'page', 'next', 'prev', 'previous', 'csrf', 'xsrf', 'continuation', 'cancellation', '(?<!a)sync', 'resume', 'pagination',
  'cursor', 'max', '(?<!ad)min', 'num', 'eos', 'bos', 'pad', 'unk', 'sep', 'cls', 'mask', 'start', 'stop', 'special',
  'verification', 'device', 'push', 'fcm', 'apns', 'registration', 'design', 'color', 'colour', 'lexer', 'parser', 'syntax',
  'idempotency', 'input', 'output', 'request', '(?<!ex)change', '(?<!trans)action', 'grant', 'client',
  'authenticity' /* Rails' CSRF form token */, 'public',
];
const TOKEN_KEYS = String.raw`(?<!(?:${NOT_CREDENTIAL_TOKEN.join('|')})[_\-.\s]?)token`;
/** A curl command, and up to five more lines of it (a command continued after \ or ^ or not). */
const CURL = String.raw`\bcurl\b[^\n]{0,300}?(?:\n[^\n]{0,300}?){0,5}?\s`;

export const rules: RuleSpec[] = [
  {
    id: 'generic-password',
    description: 'Password assigned a literal value (env, YAML, JSON, properties, code)',
    regex: assignment(PASSWORD_KEYS, 8, 200),
    secretGroup: 2,
    keywords: ['pass', 'pwd'],
    keywordThen: String.raw`(?:word|wd|phrase|WORD|WD|PHRASE)?${KEY_END}`,
    entropy: 2.75,
    tags: ['generic', 'password'],
    allowlists: [
      ...COMMON_ALLOWLISTS,
      // A password needs a digit, a symbol or mixed case: a plain word (also a translation:
      // "Passwort", "Contraseña", "ПАРОЛЬ") is not one.
      {
        description: 'a plain word',
        regexes: [String.raw`^[A-Z\u00C0-\u00DE\u0391-\u03A9\u0410-\u042F]?[a-z\u00DF-\u024F\u03AC-\u03FF\u0430-\u045F]+[.:!?*]?$|^[A-Z\u00C0-\u00DE\u0391-\u03A9\u0410-\u042F]+$`],
      },
      { description: 'the word password in other languages', stopwords: ['passwort', 'kennwort', 'contrase', 'wachtwoord', 'senha', 'parola', 'salasana', 'adgangskode', 'heslo', 'haslo', 'jelszo', 'sifre'] },
    ],
    tps: [
      'DB_PASSWORD=' + 'Tr0ub4dor&3xK9',
      'export MYSQL_ROOT_PASSWORD="' + 'k9#Vq2!mLz7w"',
      '  password: ' + 'Xy7$kQ2pLm',
      '{"username": "svc", "password": "' + 'N7v!qR3zKp8w"}',
      'spring.datasource.password=' + 'gH4%tY8nQw2z',
      "$password = '" + "Zq8@Lm3#Vt6p';",
      "define( 'DB_PASSWORD', '" + "p9Vx!2Lq@7Rz' );",
      'dbPass := "' + 'Qw3rT7!zLp9x"',
      ':password => "' + 'R4t$7Lm!Qz2v",',
      '<add key="SmtpPassword" value="' + 'Fq7!Lm2@Vx9z" />',
      '    password: str = "' + 'Hn5#Wq8zLp2v"',
      'smtp_pass = "' + 'Jx6&Km9!Qw3z"',
      'PGPASSWORD=' + 'Bz4@Nq7!Wx2m psql -h db -U app',
      'mysqldump --password=' + 'Lk8#Vr3!Tq6z app > dump.sql',
      'props.put("password", "' + 'Cv9!Wq4@Zm7x");',
      'Server=db;Database=app;User Id=sa;Password=' + 'Qm7!vZ2xR4;',
      'Server=db;User Id=app;Password=' + 'Xk9vQ2mL7wRt;',
    ],
    fps: [
      'password = user_password',
      'password: ${DB_PASSWORD}',
      '"password": "{{ vault_db_password }}"',
      'password = os.environ["DB_PASSWORD"]',
      '  password: process.env.DB_PASSWORD,',
      'password = os.getenv("DB_PASSWORD")',
      'DB_PASSWORD=changeme123',
      'password: "********"',
      '"password": "<your-password>"',
      'password = "example-P4ss!"',
      'password: null',
      'password_file: /run/secrets/db_password',
      'PASSWORD=/run/secrets/db',
      '"password": "Passwort",',
      'password: "Contraseña"',
      'password: "^(?=.*[A-Z])(?=.*[0-9]).{8,}$"',
      'if password == "hunter22x9":',
      "password: '$2b$12$KIXQJ1uPVZqL1Xh5eW7bUeC8g7mYh0nJq9z3r1sT5vW7xY9zA1bC2'",
      'password: ENC[AES256_GCM,data:Tr8xQ2,iv:Zk3p,tag:Lm9v,type:str]',
      'password = getpass.getpass("Password: ")',
      'PASSWORD=$(openssl rand -base64 24)',
      'password: test1234!',
      'bypass = "Xk9!mQ2vLp7w"',
      'passport = "Xk9!mQ2vLp7w"',
      'password: P@ssw0rd1',
      'password: 12345678',
      'password = "admin123"',
      'POSTGRES_PASSWORD: postgres',
      'password: Joi.string().min(8).required(),',
      'passwordHash = "Xk9!mQ2vLp7w"',
      'password: !vault |',
      'password = self.password_input.text',
      '    password: Required. Input only. The password of the service account.',
      "with mock.patch('keyring.get_password', create=True):",
      'password: your@login',
      // code: names, member expressions, operands (the value is a variable, not a literal)
      "const authPassword = authIsObject && utils.hasOwnProp(proxyAuth, 'password') ? proxyAuth.password : undefined;",
      '$ MYSQL_HOST=localhost MYSQL_PASSWORD= FILTER=integration npm test',
      'password = userSuppliedPw;',
      'const pw = { password: pwFromPrompt2, user };',
    ],
  },
  {
    id: 'generic-secret',
    description: 'Secret, client secret, secret key, private key or credentials assigned a literal value',
    regex: assignment(SECRET_KEYS, 10, 1000),
    flags: 'i',
    secretGroup: 2,
    keywords: ['secret', 'credential', ...joined('private', 'key'), ...joined('encryption', 'key'), ...joined('signing', 'key'), ...joined('master', 'key'), ...joined('hmac', 'key')],
    keywordThen: String.raw`(?:(?<=secret)(?:[_\-.]?key(?:[_\-.]?base)?)?|(?<=credential)s?)?${KEY_END}`,
    entropy: 3,
    tags: ['generic', 'secret'],
    allowlists: [
      ...COMMON_ALLOWLISTS,
      { description: "Django's development key made by startproject", regexes: [String.raw`^django-insecure-`] },
    ],
    tps: [
      '"client_secret": "' + 'q8Z3kL0pV7nR2sT5"',
      "SECRET_KEY = '" + "k3J#9vL!2qXz@8Rm+w5t'",
      'JWT_SECRET=' + '9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c',
      "config.secret = '" + "aZ4kP9qR2sT7vX1y'",
      'app.config["SECRET_KEY"] = "' + 'x7Lq2Vm9Kp4Wz8Rt"',
      'private_key: "' + '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"',
      'secret_key_base: ' + '3b7cd727ee24e8444053437c36cc66c3b7cd727ee24e8444053437c36cc66c3',
      'ENCRYPTION_KEY=' + 'Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MA==',
      '<add key="ClientSecret" value="' + 'Gh7~Qp2.Lm9_Vx4-Zt8" />',
      // a quoted value in code is a literal
      '  credentials: "' + 'Zk3pQ9vL2mN7xR4t",',
      "  clientSecret: '" + "q8Z3kL0pV7nR2sT5' }",
    ],
    fps: [
      'xhr.withCredentials = !!request.withCredentials;',
      'client_secret: ${CLIENT_SECRET}',
      '"client_secret": "your-client-secret"',
      'secret: my-secret-name',
      'SECRET_KEY = "django-insecure-k3j9vl2qxz8rmw5t7p1a4c6e0b9d3f2h"',
      'credentials: "include"',
      'secret_key = settings.SECRET_KEY',
      'client_secret = "xxxxxxxxxxxxxxxx"',
      'is_secret = True',
      'secret: "{{ .Values.secret }}"',
      'secretName: tls-cert-2024',
      'private_key: ./keys/deploy_key.pem',
      'credentials = service_account.Credentials.from_service_account_file(path)',
      'SECRET_KEY=0000000000000000',
      '    service = build("compute", "v1", credentials=credentials)',
      '  credentials: Credentials, the credentials to store.',
      'oauth2client.client.OAuth2Credentials: _convert_oauth2_credentials,',
      'def sign(private_key: ed25519.Ed25519PrivateKey, data: bytes):',
      // code: a popular HTTP client's config merging, and its kin
      '  withCredentials: defaultToConfig2,',
      '  credentials: options?.credentials,',
      '  credentials: AWSCredentials',
      '  credentials: SMTPConnectionCredentials & {',
      'type Credentials = SMTPConnectionCredentials;',
      'o.credentials=e.crossOrigin==="use-credentials"?"include":"omit";',
      'client_secret = this.clientSecret;',
      'secretKey: opts.secretKey ?? defaultSecretKey,',
      'const secret = secretFromVault2 || fallbackSecret;',
      'const sharedKeyCredential = sharedKeyCredentialOrUserDelegationKey instanceof StorageSharedKeyCredential',
    ],
  },
  {
    id: 'generic-api-key',
    description: 'API key, access key, auth key or app key assigned a literal value',
    regex: assignment(API_KEY_KEYS, 10, 1000),
    flags: 'i',
    secretGroup: 2,
    keywords: [...joined('api', 'key'), ...joined('access', 'key'), ...joined('auth', 'key'), ...joined('app', 'key'), ...joined('subscription', 'key')],
    keywordThen: KEY_END,
    entropy: 3,
    tags: ['generic', 'api-key'],
    allowlists: COMMON_ALLOWLISTS,
    tps: [
      'API_KEY=' + 'a3f5c9e1b7d24f8a9c6e0b1d2f3a4c5e',
      'curl -H "x-api-key: ' + 'Zk3pQ9vL2mN7xR4t" https://api.internal/v1/items',
      'api-key = "' + '7Hq2LmV9xK4pZ8wR"',
      'APP_KEY=' + 'base64:Zk3pQ9vL2mN7xR4tWq8sB1yH5jD0fG6a',
      'aws_secret_access_key = ' + 'Zq8vT2mK9pL4xR7nW3sB6yH1jD5fG0aC8eU2iO4k',
      '  "apiKey": "' + 'Lm4Pq9Vx2Kz7Rt3W",',
      'Ocp-Apim-Subscription-Key: ' + '0f9e8d7c6b5a49382716f5e4d3c2b1a0',
      "  apiKey: '" + "Lm4Pq9Vx2Kz7Rt3W',",
    ],
    fps: [
      'api_key = os.environ.get("API_KEY")',
      'API_KEY=YOUR_API_KEY_HERE',
      '"apiKey": "<API_KEY>"',
      'api_key: xxxxxxxxxxxxxxxxxxxx',
      'apiKey = config.apiKey',
      'api_key_id = "Lm4Pq9Vx2Kz7Rt3W"',
      'ACCESS_KEY=AKIAIOSFODNN7EXAMPLE',
      'apiKey: process.env.NEXT_PUBLIC_API_KEY,',
      'const apiKey = useApiKey();',
      "ACCESS_KEY = 'AWSAccessKeyId'",
      'new Client({ apiKey: keyFromEnv2Xz, timeout })',
      'headers["x-api-key"] = apiKeyOverride ?? defaultApiKey;',
    ],
  },
  {
    id: 'generic-token',
    description: 'Access, auth, refresh or API token assigned a literal value',
    regex: assignment(TOKEN_KEYS, 12, 2000),
    flags: 'i',
    secretGroup: 2,
    keywords: ['token'],
    keywordThen: KEY_END,
    entropy: 3,
    tags: ['generic', 'token'],
    allowlists: [
      ...COMMON_ALLOWLISTS,
      { description: 'placeholder words', stopwords: ['token'] },
      // A Telegram bot token's shape (bot id, colon, A…): telegram-bot-token reports it when it is
      // well formed; one that rule rejects (gitleaks' false samples) is no usable token.
      { description: 'Telegram-shaped values', regexes: [String.raw`^[0-9]{1,20}:A[\w-]{20,}$`] },
    ],
    tps: [
      'auth_token = "' + '5f0c2a9b8e7d4c3b2a1f0e9d8c7b6a5f"',
      '{"access_token": "' + 'Tk7pQ2xL9vM4nR8s", "token_type": "bearer"}',
      'export API_TOKEN=' + 'gT5kP2vL8qX3mZ9w',
      "refresh_token: '" + "R9mK2pL7vQ4xT8nZ3wB6'",
      'BOT_TOKEN=' + '7391045521:Zq8vT2mK9pL4xR7nW3sB6yH1jD5fG0aC8e',
      'GET https://api.internal/v1/export?access_token=' + 'Tk7pQ2xL9vM4nR8s&format=csv',
      'const token = "' + 'dG9rZW4tZm9yLXNlcnZpY2UtYWNjb3VudC05OTI=";',
      'ADMIN_TOKEN=' + 'Hq8vL2mK9pZ4xT7w',
      'exchange_token: ' + 'Wd3kP9vQ2mL7xZ4n',
      'request({ token: "' + 'Tk7pQ2xL9vM4nR8s", retries: 3 })',
    ],
    fps: [
      'csrf_token = "{{ csrf_token() }}"',
      '"nextPageToken": "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA"',
      'token: ${{ secrets.GITHUB_TOKEN }}',
      '"eos_token": "<|endoftext|>"',
      'token = tokenizer.encode(text)',
      'token_type: "Bearer"',
      'max_tokens: 4096',
      'TOKEN=test-token-123456',
      '"pad_token": "[PAD]"',
      'access_token = response.json()["access_token"]',
      'token = "your-token-here"',
      'deviceToken = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"',
      '@mock.patch("google.oauth2.id_token.verify_token", autospec=True)',
      '"access_token":"2YotnFZFEjr1zCsicMWpAA",',
      'Next page token: eav1OzQB0OM8rLdGXOEsyQWSG',
      "REQUEST_TYPE_ID_TOKEN = 'auth-request-type/it'",
      '"output_token": "Jobs[-1].JobId",',
      '  cancelToken: defaultToConfig2,',
      'var CancelToken = /*#__PURE__*/function () {',
      "const UNEXPECTED_TOKEN = /^Unexpected token '?(.)'?(,)? /i;",
      'accessToken = tokenIsRefreshed ? newAccessToken : cachedAccessToken;',
      'const token = session?.accessToken;',
      '<input type="hidden" name="authenticity_token" value="' + 'k3Jq9vL2xZ8rMw5tP1aC4eB0dF6hG7nS" />',
      'const publicToken = "' + 'Zk3pQ9vL2mN7xR4tWq8sB1yH5jD0fG6a";',
      'notes = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"',
      'nextLastSignificantToken = "?NonExpressionParenEnd";',
      "    token: ':response-time',",
      "        accessToken: 'mF_9.B5f-4.1JqM'",
      "        'Lock-Token': 'urn:uuid:a515cfa4-5da4-22e1-f5b5-00a0451e6bf7'",
      'telegram_api_token = "2158:' + 'Axa4-bmxorrxtqg9cjlux_wxewhyaex67rq"',
      '"token4": "xoxp-572370529330-573807301142-572331691188-####################"',
    ],
  },
  {
    id: 'generic-xml-credential',
    description: 'Password, secret, token or API key as the text of an XML element',
    // (AWS-style <NextToken>/<ClientToken> idempotency and pagination tokens are not credentials)
    regex: String.raw`<((?:[\w\-]{1,30}:)?[\w\-]{0,40}?(?:password|passwd|pwd|passphrase|secret|(?<!(?:client|${NOT_CREDENTIAL_TOKEN.join('|')})[_\-.]?)token|api[_\-]?key|access[_\-]?key))>\s{0,4}([^<>\s]{8,1000})\s{0,4}</\1>`,
    flags: 'i',
    secretGroup: 2,
    keywords: ['password>', 'passwd>', 'pwd>', 'passphrase>', 'secret>', 'token>', 'key>'],
    entropy: 2.75,
    tags: ['generic', 'password', 'xml'],
    allowlists: [...COMMON_ALLOWLISTS, { description: 'letters only', regexes: [String.raw`^[A-Za-z]+$`] }],
    tps: [
      '<password>' + 'Lk8#Vr3!Tq6z</password>',
      '    <ClientSecret>' + 'q8Z3kL0pV7nR2sT5</ClientSecret>',
      '<ns1:ApiKey>' + 'Zk3pQ9vL2mN7xR4t</ns1:ApiKey>',
      '<server><id>nexus</id><username>deploy</username><password>' + 'Vq2!mLz7wK9#</password></server>',
    ],
    fps: [
      '<password>${env.NEXUS_PASSWORD}</password>',
      '<password>{COQLCE6DU6GtcS5P=}</password>',
      '<password></password>',
      '<secret>true</secret>',
      '<password>changeme123</password>',
      '<token>@deploy.token@</token>',
      '<label for="password">Password</label>',
      '<NextToken>q5GwEl5bMGjKq6YmhpDLJ7hEwyWU54jJC2GQ93n61vZV4s1</NextToken>',
      '<clientToken>token-f5b56c05-09b0-4d17-8d8c-c75d8a67b806</clientToken>',
    ],
  },
  {
    id: 'authorization-bearer-token',
    description: 'Bearer (or Token-scheme) credential in an HTTP Authorization header',
    regex: String.raw`(?:\bbearer|\bauthorization["']?\s{0,4}[:=,]\s{0,4}["']?\s{0,4}token)\s{1,4}([A-Za-z0-9\-._~+/]{20,2048}=*)(?![A-Za-z0-9\-._~+/=])`,
    flags: 'i',
    keywords: ['bearer', 'authorization'],
    entropy: 3.3,
    tags: ['generic', 'token', 'http'],
    allowlists: [...COMMON_ALLOWLISTS, { description: 'placeholder words', stopwords: ['token'] }],
    tps: [
      'curl -H "Authorization: Bearer ' + '8f2c9a7e1b4d6f3a0c5e9b2d7a4f1c6e" https://api.internal/v2/jobs',
      "headers = {'Authorization': 'Bearer " + "Zk3pQ9vL2mN7xR4tWq8sB1yH'}",
      'Authorization: bearer ' + 'gT5kP2vL8qX3mZ9w.Rk4nQ7',
      'curl -H "Authorization: Token ' + '4f8e2a9c7b1d3e5f6a0b2c4d6e8f0a1b3c5d7e9f" https://api.internal/v1/',
    ],
    fps: [
      'Authorization: Bearer YOUR_ACCESS_TOKEN_HERE',
      'Authorization: Bearer ${ACCESS_TOKEN}',
      'Authorization: Bearer <token>',
      "headers: { Authorization: 'Bearer ' + token }",
      'The bearer authentication scheme is described in RFC 6750.',
      'Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxx',
      'Authorization: Bearer $(gcloud auth print-access-token)',
      'Authorization: Token 0123456789abcdef0123456789abcdef',
      'The Authorization: Token header carries the API token.',
    ],
  },
  {
    id: 'authorization-basic-credentials',
    description: 'Base64 user:password in an HTTP Basic Authorization header',
    regex: String.raw`\bauthorization\b["']?\s{0,4}[:=,]?\s{0,4}["']?\s{0,4}basic\s{1,4}([A-Za-z0-9+/]{12,1000}={0,2})(?![A-Za-z0-9+/=])`,
    flags: 'i',
    keywords: ['authorization'],
    entropy: 3,
    tags: ['generic', 'password', 'http'],
    allowlists: [
      ...COMMON_ALLOWLISTS,
      {
        // base64 of user:password, username:password, user:pass, admin:admin, admin:password,
        // test:test, foo:bar and RFC 7617's Aladdin:open sesame.
        description: 'documentation credentials',
        regexes: [String.raw`^(?:dXNlcjpwYXNzd29yZA==|dXNlcm5hbWU6cGFzc3dvcmQ=|dXNlcjpwYXNz|YWRtaW46YWRtaW4=|YWRtaW46cGFzc3dvcmQ=|dGVzdDp0ZXN0|Zm9vOmJhcg==|QWxhZGRpbjpvcGVuIHNlc2FtZQ==)$`],
      },
    ],
    tps: [
      'curl -H "Authorization: Basic ' + 'ZGVwbG95OlhrNyNxUDJ2TG05dw==" https://ci.internal/api',
      "'Authorization': 'Basic " + "c3ZjLXN5bmM6UTh2IUxtMnp' ,",
    ],
    fps: [
      'Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=',
      'Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
      'Authorization: Basic <base64(user:password)>',
      'Authorization: Basic ${BASIC_AUTH}',
      "headers['Authorization'] = 'Basic ' + btoa(user + ':' + pass)",
    ],
  },
  {
    id: 'sql-user-password',
    description: 'Password in a SQL CREATE/ALTER USER or GRANT statement (IDENTIFIED BY / WITH PASSWORD)',
    regex: String.raw`\b(?:identified\s{1,4}(?:with\s{1,4}[\w']{1,40}\s{1,4})?by|with\s{1,4}(?:encrypted\s{1,4})?password(?:\s{0,4}=)?)\s{0,4}'([^'\s]{4,256})'`,
    flags: 'i',
    entropy: 2,
    keywords: ['identified', 'password'],
    tags: ['generic', 'password', 'sql'],
    allowlists: [
      ...COMMON_ALLOWLISTS,
      { description: 'password hashes (PostgreSQL md5/SCRAM, MySQL *hex)', regexes: [String.raw`^md5[0-9a-f]{32}$`, String.raw`^SCRAM-SHA-256\$`, String.raw`^\*[0-9A-F]{40}$`] },
    ],
    tps: [
      "CREATE USER app WITH PASSWORD '" + "Zq8vT2mK9pL4';",
      "ALTER USER 'app'@'%' IDENTIFIED BY '" + "Xk7#qP2vLm9w';",
      "CREATE USER 'etl'@'10.%' IDENTIFIED WITH mysql_native_password BY '" + "Rk4nQ7vZ2xL9';",
      "CREATE LOGIN reporting WITH PASSWORD = '" + "Gh7~Qp2Lm9Vx';",
    ],
    fps: [
      "CREATE USER app WITH PASSWORD 'password';",
      "CREATE USER app WITH PASSWORD '${DB_PASSWORD}';",
      "ALTER ROLE app WITH PASSWORD 'md5a3f5c9e1b7d24f8a9c6e0b1d2f3a4c5e';",
      "CREATE USER 'app'@'%' IDENTIFIED BY :password;",
      "CREATE USER 'app'@'%' IDENTIFIED BY 'changeme';",
      "password = 'Zq8v'",
    ],
  },
  {
    id: 'curl-user-password',
    description: 'Password given to curl with -u/--user user:password',
    // The secret is the password, or the user when the password is empty (an API key as the
    // user name: `-u "sk_live_…:"`); the user may be empty, the parts quoted apart.
    regex: String.raw`${CURL}(?:-u|--user)(?:=|[ \t]{1,4})(?:["']?[^\s:"']{0,64}["']?:["']?|["'](?=[^\s:"']{4,256}:["']))((?<=:["']?)[^\s"']{4,256}|(?<=["'])[^\s:"']{4,256}(?=:["']))`,
    keywords: ['curl'],
    multiline: true,
    windowLines: 5,
    entropy: 2,
    tags: ['generic', 'password', 'curl'],
    allowlists: [...COMMON_ALLOWLISTS, { description: 'user equals password', regexTarget: 'match', regexes: [String.raw`\s["']?([^\s:"']+):\1["']?$`] }],
    tps: [
      'curl -u deploy:' + 'Xk7#qP2vLm9w https://nexus.internal/repository/releases/',
      'curl -sS --user "ci-bot:' + 'Q8v!Lm2zKp4" -X POST https://jenkins.internal/job/build',
      'curl https://api.stripe.com/v1/charges -u "' + 'Rk4nQ7vZ2xL9wT3s:"',
      'curl -u ":' + 'd2LkV78zLx!t" https://localhost:9200',
      "curl --user kevin:'" + "pRf7vG2h1L8nQkW9' -X PATCH",
      'curl -k -X POST https://cache.internal/rest/v2/caches \\\n  -H "Content-type: text/plain" \\\n  -u developer:' + 'yqDVtkqPECriaLRi',
    ],
    fps: [
      'curl -u user:pass https://example.com',
      'curl -u "$USER:$PASSWORD" https://nexus.internal',
      'curl -u admin:admin http://localhost:8080',
      'curl -u ${API_KEY}: https://api.internal',
      'curl --user username:password https://api.internal',
      'curl -u "myusername" http://localhost:15130/api/check_user/',
      'curl -XGET -i -u "${{ env.ELK_ID }}:${{ build.env.ELK_PASS }}"',
      'curl -u ":" https://localhost:9200',
    ],
  },
  {
    id: 'curl-auth-header',
    description: 'Credential in a header given to curl (-H "Authorization: …", "X-Api-Key: …", "Token: …")',
    // As gitleaks' curl-auth-header (MIT License, Copyright (c) 2019 Zachary Rice): an
    // Authorization header with or without a scheme, or a key or token header.
    regex: String.raw`${CURL}(?:-H|--header)(?:=|[ \t]{0,5})(["'])(?:Authorization:[ \t]{0,5}(?:(?:Basic|Bearer|(?:Api-)?Token)[ \t]{1,4})?|(?:X-(?:[a-z]{1,30}-)?)?(?:Api-?)?(?:Key|Token):[ \t]{0,5})([\w=~@.+/-]{8,2048})\1`,
    flags: 'i',
    secretGroup: 2,
    keywords: ['curl'],
    multiline: true,
    windowLines: 5,
    entropy: 2.75,
    tags: ['generic', 'token', 'http', 'curl'],
    allowlists: [...COMMON_ALLOWLISTS, { description: 'placeholder words', stopwords: ['token'] }],
    tps: [
      "curl --header 'Authorization: " + "5eb4223e-5008-46e5-be67-c7b8f2732305'",
      'curl -X GET \\\n     -H "apikey: ' + 'c4ed6c21-9dd5-4a05-8e3f-c56d1151cce8" \\\n     -H "Accept: application/json"',
      'curl -X POST --header "Api-Token: ' + 'Sk94HG7f6KB"',
      'curl -H "Authorization: Api-Token ' + '22cb987851bc5659l29114c62e60c79abd0d2c08" https://api.internal/use',
    ],
    fps: [
      'curl -H "Authorization: Bearer XXXXXXXXXXXX" https://example.com/micropub',
      'curl -H "Authorization: Token **********" https://domain/api',
      'curl -X GET \\\n  -H "apikey: $API_KEY" \\\n  "$API_URL/rest/v1/stats"',
      'curl -H "Authorization: Bearer <your-token>" https://api.internal',
      'curl -H "Content-Type: application/json" https://api.internal',
    ],
  },
  {
    id: 'netrc-password',
    description: 'Password in a .netrc / _netrc entry (machine ... login ... password ...)',
    // netrc separates tokens by whitespace, not by = or :, on one line or across lines.
    // Each separator holds at most one line break, so a match spans at most six lines: a short
    // window, which matters because "default" is one of the commonest words in code.
    regex: String.raw`\b(?:machine${NETRC_GAP}\S{1,256}|default)${NETRC_GAP}(?:login${NETRC_GAP}\S{1,256}${NETRC_GAP})?password${NETRC_GAP}(\S{6,256})`,
    keywords: ['machine', 'default'],
    // After "machine" a host follows; after "default" login or password (or the line ends).
    keywordThen: String.raw`(?:(?<=machine)(?:[ \t]{1,64}\S|[ \t]{0,64}\r?$)|(?<=default)(?:[ \t]{1,64}(?:login|password)|[ \t]{0,64}\r?$))`,
    multiline: true,
    windowLines: 5,
    entropy: 2.5,
    tags: ['generic', 'password', 'netrc'],
    allowlists: COMMON_ALLOWLISTS,
    tps: [
      'machine nexus.internal.example login deploy password ' + 'q7Lm2Xv9Pz4K',
      'machine api.heroku.com\n  login ops@example.org\n  password ' + 'c3f1a9e7-2b4d-4e8f',
    ],
    fps: [
      'machine github.com login octocat password changeme',
      'machine github.com login octocat password ${GITHUB_TOKEN}',
      'default login anonymous password <your-password>',
      'the machine has no password set',
    ],
  },
];
