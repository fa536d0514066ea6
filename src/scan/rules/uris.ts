// Credentials inside connection URIs and connection strings, from each scheme's documented URI
// form `scheme://user:password@host[:port][/db][?options]` (RFC 3986 userinfo): PostgreSQL (libpq
// connection URIs, also SQLAlchemy `postgresql+driver://`), MySQL/MariaDB, MongoDB (incl.
// `mongodb+srv`), Redis (`redis://:password@host`, `rediss://`), AMQP/RabbitMQ, SQL Server
// (`mssql://`, `sqlserver://`), ClickHouse, CockroachDB, Neo4j/Bolt, NATS, LDAP; JDBC URLs with a
// `password=` parameter and Oracle's `jdbc:oracle:thin:user/password@`; ADO.NET/ODBC/libpq
// key=value connection strings (`Server=…;Password=…;`); Kafka SASL JAAS configs; and basic-auth
// userinfo in http(s), ftp, ssh and mail URLs. The secret is the password.
// Placeholders (`password`, `${DB_PASSWORD}`, `****`, `<password>`), default passwords
// (`postgres:postgres`, `guest:guest`), a password equal to the user, and example.com hosts are
// allowed.
import type { AllowlistSpec, RuleSpec } from '../rule.ts';
import { NOT_LITERAL, PLACEHOLDER_STOPWORDS, PLACEHOLDER_VALUE_REGEXES, WEAK_VALUE_REGEX } from './generic.ts';

// userinfo: the user has no ':' or '@'; the password may hold ':' and '@' (the last '@' before the
// host wins) but no '/', '?', whitespace, quotes or angle brackets, and is at least 4 characters
// (6 in web URLs).
const USER = String.raw`[^\s:@/?#'"\x60<>\\]{0,128}`;
const pass = (min: number): string => String.raw`([^\s/?'"\x60<>\\]{${min},256})`;
// host: a bracketed IPv6 literal or a DNS name / IPv4, optional port, then the end of the authority.
const HOST = String.raw`(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9_][A-Za-z0-9_\-]{0,62}(?:\.[A-Za-z0-9_\-]{1,63}){0,10})(?::\d{1,5})?(?![\w\-@]|\.[\w\-])`;
const uri = (scheme: string, min = 4): string => String.raw`(?<![\w+.\-])(?:${scheme})://${USER}:${pass(min)}@${HOST}`;

const VALUE_ALLOWLISTS: AllowlistSpec[] = [
  { description: 'placeholder words', stopwords: PLACEHOLDER_STOPWORDS },
  { description: 'references and masks', regexes: PLACEHOLDER_VALUE_REGEXES },
  {
    description: 'well-known default passwords, a port number, an e-mail address (anonymous FTP)',
    regexes: [WEAK_VALUE_REGEX, String.raw`^\d{1,5}$`, String.raw`^[\w.+\-]+(?:@|%40)[\w\-]+(?:\.[\w\-]+)+$`],
  },
];
const URI_ALLOWLISTS: AllowlistSpec[] = [
  ...VALUE_ALLOWLISTS,
  {
    description: 'password equal to the user, or a documentation host',
    regexTarget: 'match',
    regexes: [
      String.raw`://([^:/@\s]+):\1@`,
      String.raw`://(?:anonymous|ftp):`,
      String.raw`@(?:[\w\-]+\.)*(?:example\.(?:com|org|net)|[\w\-]+\.(?:example|invalid))(?::\d+)?$`,
    ],
  },
];

// Shared look-alikes for every URI rule: a URI with no password, a port instead of userinfo, an
// scp-style git remote, an e-mail address.
const COMMON_FPS = ['https://db.internal:8080/path', 'git@github.com:org/repo.git', 'contact ops@company.io for access'];

export const rules: RuleSpec[] = [
  {
    id: 'postgres-uri-password',
    description: 'PostgreSQL connection URI with a password',
    regex: uri(String.raw`postgres(?:ql)?(?:\+[a-z0-9]+)?|pgsql`),
    flags: 'i',
    keywords: ['postgres://', 'postgresql://', 'postgres+', 'postgresql+', 'pgsql://'],
    tags: ['postgres', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: [
      'DATABASE_URL=postgres://app:' + 'Zq8vT2mK9pL4@db.prod.internal:5432/app?sslmode=require',
      'SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://report:' + 'N7v!qR3zKp8w@10.0.3.12/analytics"',
      'url: "postgresql://svc_etl:' + 'hK4%40pL9%23wQ2@pg-replica.internal/warehouse"',
      'conn = psycopg.connect("postgres://app:' + 'Tr0ub4dor&3xK9@db:5432/app")',
    ],
    fps: [
      'postgres://user:password@localhost:5432/mydb',
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
      'postgres://user:pass@localhost/db',
      'postgres://app:****@db.prod.internal/app',
      'postgres://app:<password>@db.prod.internal/app',
      'postgres://user:@localhost/db',
      'postgres://postgres:postgres@db:5432/app',
      'postgres://app:Zq8vT2mK9pL4@db.example.com/app',
      'postgres://localhost:5432/app',
      ...COMMON_FPS,
    ],
  },
  {
    id: 'mysql-uri-password',
    description: 'MySQL / MariaDB connection URI with a password',
    regex: uri(String.raw`(?:mysql|mysqlx|mariadb)(?:\+[a-z0-9]+)?`),
    flags: 'i',
    keywords: ['mysql://', 'mysqlx://', 'mysql+', 'mariadb://', 'mariadb+'],
    tags: ['mysql', 'mariadb', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: [
      'DATABASE_URL="mysql://wp:' + 'Xk7#qP2vLm9w@mysql.internal:3306/wordpress"',
      "engine = create_engine('mysql+pymysql://etl:" + "gH4tY8nQw2z@10.1.2.3/sales')",
      'jdbc:mysql://billing:' + 'Rk4nQ7vZ2xL9@db1.internal:3306/billing',
      'mariadb://root:' + 'p9Vx!2Lq@7Rz@maria.internal/app',
    ],
    fps: ['mysql://root:root@localhost:3306/app', 'mysql://user:your_password@host/db', 'mysql://wp:$WP_DB_PASS@mysql/wordpress', 'mysql://root:@127.0.0.1/test', ...COMMON_FPS],
  },
  {
    id: 'mongodb-uri-password',
    description: 'MongoDB connection string (mongodb:// or mongodb+srv://) with a password',
    regex: uri(String.raw`mongodb(?:\+srv)?`),
    flags: 'i',
    keywords: ['mongodb://', 'mongodb+srv://'],
    tags: ['mongodb', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: [
      'MONGO_URL=mongodb+srv://api-svc:' + 'Lm4Pq9Vx2Kz7Rt3W@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority',
      'mongodb://admin:' + 'Qw3rT7zLp9x@mongo-0.mongo:27017,mongo-1.mongo:27017/app?replicaSet=rs0&authSource=admin',
    ],
    fps: [
      'mongodb+srv://<username>:<password>@cluster0.mongodb.net/test',
      'mongodb://mongo:27017/app',
      'mongodb://admin:admin@localhost:27017',
      'mongodb+srv://user:xxxxxxxx@cluster0.ab1cd.mongodb.net/',
      ...COMMON_FPS,
    ],
  },
  {
    id: 'redis-uri-password',
    description: 'Redis connection URI (redis://, rediss://) with a password',
    regex: uri(String.raw`redis(?:s|\+sentinel|-sentinel)?`),
    flags: 'i',
    keywords: ['redis://', 'rediss://', 'redis+sentinel://', 'redis-sentinel://'],
    tags: ['redis', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: [
      'REDIS_URL=redis://:' + 'hK4pL9wQ2zX7@redis.prod.internal:6379/0',
      'CELERY_BROKER_URL = "rediss://default:' + 'Vq2mLz7wK9xB@cache-prod.abc123.use1.cache.amazonaws.com:6380"',
    ],
    fps: ['redis://localhost:6379/0', 'redis://:${REDIS_PASSWORD}@redis:6379', 'redis://:redis@redis:6379', 'redis://default:changeme@redis', ...COMMON_FPS],
  },
  {
    id: 'amqp-uri-password',
    description: 'AMQP / RabbitMQ connection URI with a password',
    regex: uri('amqps?'),
    flags: 'i',
    keywords: ['amqp://', 'amqps://'],
    tags: ['amqp', 'rabbitmq', 'broker', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['BROKER_URL=amqp://orders:' + 'Rk4nQ7vZ2xL9@rabbitmq.internal:5672/orders', "amqps://svc-mail:" + "T8zQ2wLp5xK9@b-1234.mq.eu-west-1.amazonaws.com:5671"],
    fps: ['amqp://guest:guest@localhost:5672//', 'amqp://user:pass@rabbit/', 'amqp://rabbitmq:5672', ...COMMON_FPS],
  },
  {
    id: 'mssql-uri-password',
    description: 'SQL Server connection URI (mssql://, sqlserver://) with a password',
    regex: uri(String.raw`(?:mssql|sqlserver)(?:\+[a-z0-9]+)?`),
    flags: 'i',
    keywords: ['mssql://', 'mssql+', 'sqlserver://'],
    tags: ['mssql', 'sqlserver', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['DSN = "sqlserver://reporting:' + 'Gh7~Qp2Lm9Vx@sql01.corp.internal:1433?database=finance"', 'mssql+pyodbc://etl:' + 'Zt8Vx4Lm9Qp2@dwh.internal/stage?driver=ODBC+Driver+18'],
    fps: ['sqlserver://sa:<YourStrong!Passw0rd>@localhost:1433', 'mssql://user:password@server/db', 'sqlserver://sql01.corp.internal:1433', ...COMMON_FPS],
  },
  {
    id: 'clickhouse-uri-password',
    description: 'ClickHouse connection URI with a password',
    regex: uri(String.raw`clickhouses?(?:\+[a-z0-9]+)?`),
    flags: 'i',
    keywords: ['clickhouse'],
    tags: ['clickhouse', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['CLICKHOUSE_URL=clickhouse://events:' + 'Wq8sB1yH5jD0@ch.internal:9000/analytics', 'clickhouse+native://reader:' + 'Km9Qw3zJx6Lp@10.4.0.7:9440/default?secure=true'],
    fps: ['clickhouse://default:@localhost:9000/default', 'clickhouse://clickhouse:clickhouse@ch:9000', ...COMMON_FPS],
  },
  {
    id: 'cockroachdb-uri-password',
    description: 'CockroachDB (SQLAlchemy cockroachdb://) connection URI with a password',
    regex: uri(String.raw`cockroach(?:db)?(?:\+[a-z0-9]+)?`),
    flags: 'i',
    keywords: ['cockroach'],
    tags: ['cockroachdb', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['cockroachdb://ledger:' + 'Zk3pQ9vL2mN7@free-tier.gcp-us-central1.cockroachlabs.cloud:26257/bank?sslmode=verify-full', 'cockroachdb+psycopg2://svc:' + 'Qp2Lm9Vx4Zt8@crdb.internal:26257/app'],
    fps: ['cockroachdb://root@localhost:26257/defaultdb?sslmode=disable', 'cockroachdb://user:password@host:26257/db', ...COMMON_FPS],
  },
  {
    id: 'neo4j-uri-password',
    description: 'Neo4j / Bolt connection URI with a password',
    regex: uri(String.raw`(?:neo4j|bolt)(?:\+s|\+ssc)?`),
    flags: 'i',
    keywords: ['neo4j://', 'neo4j+s', 'bolt://', 'bolt+s'],
    tags: ['neo4j', 'database', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['NEO4J_URI=neo4j+s://neo4j:' + 'Hx9Lq2Vm7Kp4Wz@a1b2c3d4.databases.neo4j.io', 'bolt://graph:' + 'T5kP2vL8qX3m@graph.internal:7687'],
    fps: ['neo4j://neo4j:neo4j@localhost:7687', 'bolt://localhost:7687', 'neo4j+s://neo4j:<password>@a1b2c3d4.databases.neo4j.io', ...COMMON_FPS],
  },
  {
    id: 'nats-uri-password',
    description: 'NATS connection URL with a password',
    regex: uri('nats'),
    flags: 'i',
    keywords: ['nats://'],
    tags: ['nats', 'broker', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['NATS_URL=nats://orders:' + 'Rk4nQ7vZ2xL9@nats.internal:4222', 'servers: ["nats://svc:' + 'Lm9Qp2Zt8Vx4@nats-0.nats:4222"]'],
    fps: ['nats://localhost:4222', 'nats://user:pass@localhost:4222', 'nats://derek:${NATS_PASS}@nats:4222', ...COMMON_FPS],
  },
  {
    id: 'ldap-uri-password',
    description: 'LDAP URL with a bind password in the userinfo',
    regex: uri('ldaps?'),
    flags: 'i',
    keywords: ['ldap://', 'ldaps://'],
    tags: ['ldap', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: ['LDAP_URL=ldaps://svc-ldap:' + 'Vq2mLz7wK9xB@dc01.corp.internal:636', 'ldap://cn=binder,dc=corp,dc=internal:' + 'Tq6zLk8Vr3@ldap.corp.internal'],
    fps: ['ldap://ldap.corp.internal:389/dc=corp,dc=internal', 'ldaps://admin:admin@localhost', 'ldap://cn=admin,dc=example,dc=org:secret@openldap', ...COMMON_FPS],
  },
  {
    id: 'jdbc-url-password',
    description: 'JDBC URL with a password= parameter',
    regex: String.raw`\bjdbc:[a-z][\w:+\-]{1,40}[^\s'"\x60<>]{0,500}?[;?&:]password=([^;&\s'"\x60<>]{4,256})`,
    flags: 'i',
    keywords: ['jdbc:'],
    tags: ['jdbc', 'database', 'password'],
    allowlists: VALUE_ALLOWLISTS,
    tps: [
      'spring.datasource.url=jdbc:sqlserver://sql01.corp.internal:1433;databaseName=finance;user=etl;password=' + 'Gh7~Qp2Lm9Vx;encrypt=true',
      'url: "jdbc:postgresql://db.internal:5432/app?user=app&password=' + 'Zq8vT2mK9pL4&ssl=true"',
      'jdbc:mysql://db1.internal:3306/billing?user=billing&password=' + 'Rk4nQ7vZ2xL9',
    ],
    fps: [
      'jdbc:postgresql://db.internal:5432/app?user=app&password=${DB_PASSWORD}',
      'jdbc:sqlserver://localhost:1433;databaseName=test;user=sa;password=<YourStrong@Passw0rd>',
      'jdbc:mysql://localhost:3306/app?user=root&password=secret',
      'jdbc:postgresql://db.internal:5432/app',
    ],
  },
  {
    id: 'jdbc-oracle-password',
    description: 'Oracle JDBC thin/OCI URL with user/password@',
    regex: String.raw`\bjdbc:oracle:(?:thin|oci8?):[^\s/@:'"]{1,64}/([^\s@'"\x60<>]{4,256})@`,
    flags: 'i',
    keywords: ['jdbc:oracle'],
    tags: ['jdbc', 'oracle', 'database', 'password'],
    allowlists: VALUE_ALLOWLISTS,
    tps: ['db.url=jdbc:oracle:thin:billing/' + 'Xk7qP2vLm9w@//ora-prod.internal:1521/BILL', '"jdbc:oracle:thin:etl/' + 'Tq6zLk8Vr3@ora01:1521:ORCL"'],
    fps: ['jdbc:oracle:thin:scott/tiger@localhost:1521:orcl', 'jdbc:oracle:thin:@//ora-prod.internal:1521/BILL', 'jdbc:oracle:thin:user/password@host:1521:sid'],
  },
  {
    id: 'connection-string-password',
    description: 'Password in an ADO.NET / ODBC / libpq key=value connection string (with Server=/Data Source=/host= context)',
    regex:
      String.raw`(?<![\w\-])(?:password|pwd)\s{0,4}=\s{0,4}([^;'"\s{}<>,()\[\]=]{4,256})(?=[;'"\s]|$)` +
      String.raw`(?:(?<=(?:server|data source|datasource|host|hostname|address|addr|network address|dsn|driver|initial catalog|dbname)\s{0,4}=[^\r\n]{0,600})|(?=[^\r\n]{0,600}?(?<![\w\-])(?:server|data source|datasource|host|hostname|address|addr|network address|dsn|driver|initial catalog|dbname)\s{0,4}=))`,
    flags: 'i',
    keywords: ['password', 'pwd'],
    tags: ['database', 'connection-string', 'password'],
    allowlists: [...VALUE_ALLOWLISTS, { description: 'code, not a literal', regexes: NOT_LITERAL }],
    tps: [
      '"DefaultConnection": "Server=sql01.corp.internal;Database=Finance;User Id=finance_app;Password=' + 'Gh7~Qp2Lm9Vx;TrustServerCertificate=True"',
      'Data Source=tcp:prod.database.windows.net,1433;Initial Catalog=orders;User ID=svc;Password=' + 'Zq8vT2mK9pL4;Encrypt=True;',
      'DRIVER={ODBC Driver 18 for SQL Server};SERVER=dwh.internal;UID=etl;PWD=' + 'Rk4nQ7vZ2xL9',
      'conn = psycopg2.connect("host=db.internal port=5432 dbname=app user=app password=' + 'Tr0ub4dor&3xK9")',
      'Password=' + 'Lm9Qp2Zt8Vx4;User ID=svc;Server=sql02.corp.internal;Database=hr',
    ],
    fps: [
      'Server=localhost;Database=app;User Id=sa;Password=<YourStrong@Passw0rd>;',
      'Server=(localdb)\\mssqllocaldb;Database=app;Trusted_Connection=True;',
      'Server=db;Database=app;User Id=app;Password=${DB_PASSWORD};',
      'Server=myServerAddress;Database=myDataBase;User Id=myUsername;Password=myPassword;',
      'password=' + 'Zq8vT2mK9pL4',
      'Host=localhost;Username=postgres;Password=postgres;Database=app',
      'Server=db;Database=app;User Id=app;Password=$(DbPassword);',
      'def connect(self, host=None, port=None, user=None, password=None):',
      'conn = connect(host=cfg.host, user=cfg.user, password=cfg.db_pass)',
    ],
  },
  {
    id: 'kafka-jaas-password',
    description: 'Password in a Kafka / ZooKeeper SASL JAAS login module config',
    regex: String.raw`LoginModule\s{1,20}required\b[^;]{0,600}?\bpassword\s{0,4}=\s{0,4}(["'])([^"'\s]{4,256})\1`,
    secretGroup: 2,
    multiline: true,
    keywords: ['loginmodule'],
    tags: ['kafka', 'broker', 'password'],
    allowlists: VALUE_ALLOWLISTS,
    tps: [
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="orders-svc" password="' + 'Vq2mLz7wK9xB";',
      'KafkaClient {\n  org.apache.kafka.common.security.scram.ScramLoginModule required\n  username="etl"\n  password="' + 'T8zQ2wLp5xK9";\n};',
    ],
    fps: [
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret";',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$KAFKA_USER" password="${KAFKA_PASSWORD}";',
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="<password>";',
    ],
  },
  {
    id: 'basic-auth-url',
    description: 'Username and password in the userinfo of an http(s), ftp, ssh or mail URL',
    regex: uri(String.raw`(?:git\+)?(?:https?|s?ftps?|ssh|svn\+ssh|smtps?|imaps?|pop3s?)`, 6),
    flags: 'i',
    keywords: ['http://', 'https://', 'ftp://', 'ftps://', 'ssh://', 'smtp://', 'smtps://', 'imap://', 'imaps://', 'pop3://', 'pop3s://'],
    keywordThen: String.raw`${USER}:${pass(6)}@`,
    tags: ['basic-auth', 'url', 'password'],
    allowlists: URI_ALLOWLISTS,
    tps: [
      'git clone https://deploy-bot:' + 'Zk3pQ9vL2mN7xR4t@git.corp.internal/platform/infra.git',
      'pip install --extra-index-url https://ci:' + 'Xk7qP2vLm9wR@pypi.corp.internal/simple/ internal-lib',
      'EMAIL_URL=smtp://alerts%40corp.io:' + 'Gh7~Qp2Lm9Vx@smtp.mailgun.org:587',
      'ftp://backup:' + 'Rk4nQ7vZ2xL9@10.0.8.20/nightly/',
      'proxy = "http://squid:' + 'T8zQ2wLp5xK9@proxy.corp.internal:3128"',
    ],
    fps: [
      'http://username:password@proxy.corp.internal:3128',
      'https://user:pass@host/path',
      'https://${GH_USER}:${GH_TOKEN}@github.com/org/repo.git',
      'https://oauth2:$CI_JOB_TOKEN@gitlab.com/group/project.git',
      'https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/org/repo',
      'https://admin:admin@localhost:8443/',
      'http://localhost:8080@evil.host/',
      'https://api.corp.internal:8443/v1/items?owner=ops@corp.io',
      'https://alice:Xk7qP2vLm9wR@example.com/',
      'ftp://anonymous:ops%40corp.io@ftp.corp.internal/pub/',
      'http://wrong:info@127.0.0.1:8080/',
      'see https://en.wikipedia.org/wiki/Basic_access_authentication',
      ...COMMON_FPS,
    ],
  },
];
