// Messaging, chat and e-mail delivery credentials. Fixed-prefix formats, from the vendors' token
// docs: Slack xoxb- (bot), xoxp- (user), xapp- (app-level), xoxe.xoxp- / xoxe.xoxb- (rotating and
// configuration access), xoxe- (refresh), legacy xoxa/xoxo/xoxr/xoxs, incoming webhook
// (hooks.slack.com/services/T.../B.../...) and workflow / trigger webhook URLs; Discord webhook URLs;
// SendGrid SG.<22>.<43>; Mailgun key-<32 hex>; Mailchimp <32 hex>-us<N>; Brevo xkeysib- and
// xsmtpsib-; Microsoft Teams incoming webhook URLs (webhook.office.com/webhookb2/...). Formats
// that need the vendor's name on the same line: Discord bot token and client secret, Twilio API
// key SID / secret / auth token, Mailgun private key and webhook signing key, Mandrill, Telegram
// bot token, Postmark server token, Vonage/Nexmo, MessageBird, Pusher, Mattermost, Zulip,
// SparkPost, Mailjet, Resend re_, Loops, Slack signing secret. Sample values below are fake.
import type { RuleSpec } from '../rule.ts';
import { KEYED_ASSIGN, KEYED_THEN } from './keyed.ts';

/** Nothing of a token's alphabet follows: a longer run does not match partially. */
const TAIL = String.raw`(?![0-9A-Za-z_-])`;
/** The vendor name's tail, an optional closing quote, an assignment, argument separator or call paren, an optional opening quote. */
const ASSIGN = String.raw`[\w.\-(]{0,30}?["'\x60]?\s{0,3}(?:=>|:{1,3}=|\.=|[:=,(])\s{0,3}["'\x60]?`;
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
/** A UUID's layout over letters and digits (webhook ids). */
const ID36 = String.raw`[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}`;

/** A value assigned to a name matching `name` (use with flags "i"), or passed to a call. */
function ctx(name: string, value: string): string {
  return String.raw`(?:${name})(?:${ASSIGN}|${KEYED_ASSIGN})(${value})${TAIL}`;
}

/** Documentation placeholders inside webhook URLs (T00000000/B00000000/XXXXXXXX...). */
const PLACEHOLDER_URL = { description: 'placeholder webhook URLs', regexes: [String.raw`[Xx]{8,}|/T0{8}/|/B0{8}/`] };

export const rules: RuleSpec[] = [
  // --- Slack ---
  {
    id: 'slack-bot-token',
    description: 'Slack bot token (xoxb-)',
    regex: String.raw`\b(xoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?[A-Za-z0-9]{18,34})${TAIL}`,
    keywords: ['xoxb-'],
    entropy: 3,
    tags: ['slack', 'token'],
    tps: [
      'SLACK_BOT_TOKEN=xoxb-' + '938093' + '721148-' + '8497037' + '625718-' + 'gAUQSQ7TL9XA' + 'yszTpPsdQF0j',
      'app = App(token="xoxb-' + '926445' + '83503-' + '712202' + '49260-' + 'RdnEFOrZDoOl' + '45pwOuWCx7oT")',
      'slack_token: xoxb-' + '673114' + '696431-' + 'ZORqfesgwbHg' + 'DqWSSKjm2Zxb',
    ],
    fps: [
      'SLACK_BOT_TOKEN=xoxb-your-bot-token',
      'SLACK_BOT_TOKEN=xoxb-' + '000000000000-0000000000000-' + 'x'.repeat(24),
      'token = "xoxb-"',
    ],
  },
  {
    id: 'slack-user-token',
    description: 'Slack user token (xoxp-) or refreshable token (xoxe-)',
    regex: String.raw`\b(xox[pe]-[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9]{28,34})${TAIL}`,
    keywords: ['xoxp-', 'xoxe-'],
    entropy: 3,
    tags: ['slack', 'token'],
    tps: [
      'SLACK_USER_TOKEN=xoxp-' + '436704' + '770147-' + '262339' + '082722-' + '0599915' + '484687-' + '1348cf3aa0b2b610' + '3f86d24d847e553b',
      '"Authorization": "Bearer xoxp-' + '229111' + '31544-' + '841016' + '30709-' + '818192' + '300988-' + '81ad4d07d3855b08' + 'b14d2ede4cf84761"',
    ],
    fps: [
      'SLACK_USER_TOKEN=xoxp-' + '1234-5678',
      'SLACK_USER_TOKEN=xoxp-your-user-token',
    ],
  },
  {
    id: 'slack-app-token',
    description: 'Slack app-level token (xapp-)',
    regex: String.raw`\b(xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-z0-9]{40,100})${TAIL}`,
    keywords: ['xapp-'],
    entropy: 3,
    tags: ['slack', 'token'],
    tps: [
      'SLACK_APP_TOKEN=xapp-1-A0' + 'NUJV1' + '1U2F-' + '5358909' + '088915-' + 'cd37508688ef1a83140cbca67dc8c8af' + 'f7af917ce4b63ccd8c09a695a88caaad',
      'socket_mode_client = SocketModeClient(app_token="xapp-1-A0' + '8TQSI' + 'O2VM-' + '9144708' + '090775-' + '4024322356de8dc80675aa24094b81f6' + '6904c390f3a021c938517205d8e025b2")',
    ],
    fps: [
      'SLACK_APP_TOKEN=xapp-' + '1-A00000000-0000000000000-' + '0'.repeat(64),
      'SLACK_APP_TOKEN=xapp-...',
    ],
  },
  {
    id: 'slack-config-access-token',
    description: 'Slack configuration or rotating access token (xoxe.xoxp- / xoxe.xoxb-)',
    regex: String.raw`\b(xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{140,200})${TAIL}`,
    keywords: ['xoxe.xox'],
    entropy: 3.5,
    tags: ['slack', 'token'],
    tps: [
      'SLACK_CONFIG_TOKEN=xoxe.xoxp-1-' + 'YsfLGAelID6W5qe6UnuMjVVY5XTo7n2RZXq7GZ5ewarYpt2sZIsFZz4uBuTUBf724MEZH9WH3AdUbRkF0pK' + 'RgxCNM5b3LNOofMYOgICCsPtR7ASWjAjU2ZA1yFghkKl7Ktx0aet5140XUW4KSZ9bSFBWaBN6O5XEavSEuB',
      '{"token": "xoxe.xoxb-1-' + 'r9kAesB6SpVkaNNbfZDNIxPqUZRAPWnMuamJ8G1eNJqESs1lrsYE1TItlC4ApwYBVUmyweDYUmH' + 'k0prKBMSgY2DAtuhD4IjdIDNjaCBGKqDLZy3p5lVUy6q3cOwmOzo01na4fw0tRvtbiLk5nEvcHY"}',
    ],
    fps: [
      'SLACK_CONFIG_TOKEN=xoxe.xoxp-1-...',
      'return { ok: true, token: "xoxe.xoxp-' + 'rotated" };',
    ],
  },
  {
    id: 'slack-config-refresh-token',
    description: 'Slack configuration or rotating refresh token (xoxe-)',
    regex: String.raw`\b(xoxe-[0-9]-[A-Za-z0-9]{130,170})${TAIL}`,
    keywords: ['xoxe-'],
    entropy: 3.5,
    tags: ['slack', 'token'],
    tps: [
      'SLACK_REFRESH_TOKEN=xoxe-1-' + 'D6Ez1WOlWEw3gtGvuC4UAwUoZVwXqdJiE17xJtWqIg40qgxAGiW4PGSicSRDHq6b0dO4VujTB6' + '7c8PSwk76tXVjZNcTB68Ee3DNQbhzfvOMtqHygrTVTwvG0WsuUXEFjQwiDvVayNkcpiHFNKJU',
      'refresh_token: "xoxe-1-' + '4KEMnsuCXFtPUVKroecPAxKbuil64TiSTrN1nmVwcjYcnmajgP7jUM2D65mt93WeSljh9E8Abq' + 's0h8m2NandDJqQFUOWheHoyFPPvMaPTlKFD45rw8OV3XvTXtWY8hEytYRnSc323sXlvn5EkX7"',
    ],
    fps: [
      'refresh_token: "xoxe-' + 'rotated"',
      'SLACK_REFRESH_TOKEN=xoxe-1-' + 'x'.repeat(147),
    ],
  },
  {
    id: 'slack-legacy-token',
    description: 'Slack legacy workspace, refresh or session token (xoxa- / xoxo- / xoxr- / xoxs-)',
    regex: String.raw`\b(xox[aors]-(?=[0-9A-Za-z-]{0,120}[0-9])(?:[0-9]{1,14}-){0,4}[0-9A-Za-z]{8,72})(?![0-9A-Za-z-])`,
    keywords: ['xoxa-', 'xoxo-', 'xoxr-', 'xoxs-'],
    entropy: 3,
    tags: ['slack', 'token'],
    tps: [
      'SLACK_TOKEN=xoxa-2-' + '408539' + '326128-' + '938630' + '222686-' + '6996728' + '374178-' + '7d1f36ba49a991f0' + '7c24962e993456da',
      'slack_session = "xoxs-' + '329161' + '47560-' + '773568' + '04694-' + '050445' + '512832-' + '7fe65aee9e71d12da62c279c547718b0' + '1a06a0f6121e90f44e33ce2f519551f2"',
      'refresh: xoxr-' + 'MRSZmYorN3AsTzQ220ww' + 'nxWBlUAoOpSsONFXN3Ea',
    ],
    fps: [
      'hugs and kisses, xoxo-gossipgirl',
      'SLACK_TOKEN=xoxa-' + '0000000000-0000000000',
    ],
  },
  {
    id: 'slack-webhook-url',
    description: 'Slack incoming webhook URL',
    // T…/B…/secret; also, as gitleaks matches them, 43 to 56 characters of that alphabet in any layout.
    regex: String.raw`((?:https?://)?hooks\.slack\.com/(?:services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32}|(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}))${TAIL}`,
    keywords: ['hooks.slack.com/services/', 'hooks.slack.com/workflows/', 'hooks.slack.com/triggers/'],
    tags: ['slack', 'webhook'],
    allowlists: [PLACEHOLDER_URL],
    tps: [
      'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0' + 'JSJN' + 'OHY5/B0' + 'OA7M' + '01DZ/' + 'fv6qz1XrZhxP' + 'WMRB75DPXPoB',
      'requests.post("https://hooks.slack.com/services/T' + 'W2XMJ' + 'BJQ0Z/B' + '08SAK' + 'O2SHQ/' + '3xr9e7Q5vHaY' + 'lTQlfyaMxzTY", json=payload)',
    ],
    fps: [
      'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/...',
    ],
  },
  {
    id: 'slack-workflow-webhook-url',
    description: 'Slack Workflow Builder webhook or trigger URL',
    regex: String.raw`(https?://hooks\.slack\.com/(?:workflows|triggers)/T[A-Z0-9]{8,12}/(?:A[A-Z0-9]{8,12}/)?[0-9]{6,20}/[A-Za-z0-9]{24,40})${TAIL}`,
    keywords: ['hooks.slack.com/workflows/', 'hooks.slack.com/triggers/'],
    tags: ['slack', 'webhook'],
    allowlists: [PLACEHOLDER_URL],
    tps: [
      'SLACK_WORKFLOW_URL=https://hooks.slack.com/workflows/T0' + '31SC' + 'VQE7/A0' + 'DKOU' + 'XQSH/' + '903436664' + '346050376/' + 'EYRD1eVJKGjn' + 'cjVittWQfqrt',
      'url: "https://hooks.slack.com/triggers/T0' + 'U6M1' + '0ILG/' + '9779510' + '481664/' + 'c17163303631d36b' + 'e890fc834a46bb79"',
    ],
    fps: [
      'https://hooks.slack.com/workflows/T00000000/A00000000/000000000000000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'See https://hooks.slack.com/triggers/ for details',
    ],
  },
  {
    id: 'slack-signing-secret',
    description: 'Slack app signing secret (32 hex, with Slack context)',
    regex: ctx(String.raw`slack[\w.\-]{0,20}signing[_-]?secret`, '[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['slack'],
    entropy: 3,
    tags: ['slack', 'secret'],
    tps: [
      'SLACK_SIGNING_SECRET=' + '14b66cedf9145fde' + 'ad9c9c751bc4cc2f',
      'slack_signing_secret: "' + 'f7271eddcb1934da' + 'a41e610191dd6726"',
    ],
    fps: [
      'SLACK_SIGNING_SECRET=' + 'your-signing-secret',
      'SLACK_SIGNING_SECRET=' + '0'.repeat(32),
      'SLACK_CLIENT_ID=' + '043544' + '784463.' + '7989565' + '520270',
    ],
  },

  // --- Discord ---
  {
    id: 'discord-bot-token',
    description: 'Discord bot token (base64 user id . timestamp . HMAC, with Discord context)',
    regex: String.raw`(?:discord|DISCORD|Discord)[^\n]{0,80}?(?<![A-Za-z0-9_-])([MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,40})${TAIL}`,
    keywords: ['discord'],
    entropy: 3.5,
    tags: ['discord', 'token'],
    tps: [
      'DISCORD_TOKEN=MTE' + 'imhtLDRE51IJ' + '1N9zzrSvIws.G' + 'yJH' + 'Jl.' + 'mbUlJxguDY7TNjpyLjj' + 'NRbxLLogZ1neqJA2Q9-',
      'discord_client.run("OTk' + 'Qri3OSDUqiK' + 'aj9VKWKyJW.Y' + 'Hhn' + 'w6.' + 'htXScms1D9Y-Zx' + 'MT-21s4jSLoDb")',
    ],
    fps: [
      'DISCORD_TOKEN=your-bot-token-here',
      'DISCORD_TOKEN=' + 'M'.repeat(24) + '.' + 'x'.repeat(6) + '.' + 'x'.repeat(27),
      'discord.py version 2.3.2',
    ],
  },
  {
    id: 'discord-webhook-url',
    description: 'Discord webhook URL',
    regex: String.raw`(https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/(?:v\d{1,2}/)?webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,70})${TAIL}`,
    keywords: ['discord.com/api/', 'discordapp.com/api/'],
    tags: ['discord', 'webhook'],
    allowlists: [{ description: 'placeholder webhook URLs', regexes: [String.raw`[Xx]{10,}`] }],
    tps: [
      'DISCORD_WEBHOOK=https://discord.com/api/webhooks/' + '3274199646' + '416413430/' + '_szgbCpNZAJEE1axaw5sI8t-c5Egl4WDTs' + 'rfcOgHcAO1TPWWZt00P5DCZsbb_D2q8_kx',
      'webhook = DiscordWebhook(url="https://discordapp.com/api/webhooks/' + '130791350' + '021076649/' + 'mhGTtjIbfHv30hFwAYoTjPsZajyBbAo6X8' + 'mCK1Z6xz8m86y3RbOgwXBpa8YlpuU7wTVr")',
    ],
    fps: [
      'DISCORD_WEBHOOK=https://discord.com/api/webhooks/' + '123456789012345678/' + 'x'.repeat(68),
      'DISCORD_WEBHOOK=https://discord.com/api/webhooks/<id>/<token>',
    ],
  },
  {
    id: 'discord-client-secret',
    description: 'Discord OAuth2 client secret (32 characters, with Discord context)',
    regex: ctx(String.raw`discord[\w.\-]{0,20}(?:client[_-]?)?secret`, '[A-Za-z0-9_-]{32}'),
    flags: 'i',
    keywords: ['discord'],
    entropy: 3.5,
    tags: ['discord', 'secret', 'oauth'],
    tps: [
      'DISCORD_CLIENT_SECRET=' + 'vYndt60O9tJffm0q' + 'X9IRATHzHblgHtP0',
      'discord_secret: "' + 'iPAm1nTQIlx6LimO' + 'FhjZH0oh4dBqoPF6"',
    ],
    fps: [
      'DISCORD_CLIENT_SECRET=' + 'your_discord_client_secret',
      'DISCORD_CLIENT_ID=' + '220843052' + '287554446',
    ],
  },

  // --- Twilio ---
  {
    id: 'twilio-api-key',
    description: 'Twilio API key SID (SK + 32 hex, with Twilio context)',
    regex: String.raw`(?:twilio|TWILIO|Twilio)[^\n]{0,60}?(?:\n[ \t]{0,20})?\b(SK[0-9a-f]{32})\b`,
    keywords: ['twilio'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['twilio', 'api-key'],
    tps: [
      'TWILIO_API_KEY=SK' + '11e892df656d4964' + 'a05555c3b1487194',
      'client = twilio.rest.Client("SK' + 'b34144b31b8d4cc3' + '95b36bce9392b578", api_secret, account_sid)',
    ],
    fps: [
      'TWILIO_API_KEY=SK' + 'x'.repeat(32),
      'TWILIO_ACCOUNT_SID=AC' + 'd70ab7588f14b343' + '6db725baea2899e1',
      'TWILIO_API_KEY=SK' + '0'.repeat(32),
    ],
  },
  {
    id: 'twilio-api-secret',
    description: 'Twilio API key secret (32 characters, with Twilio context)',
    regex: ctx(String.raw`twilio[\w.\-]{0,20}(?:api[_-]?)?secret`, '[A-Za-z0-9]{32}'),
    flags: 'i',
    keywords: ['twilio'],
    entropy: 3.5,
    tags: ['twilio', 'secret'],
    tps: [
      'TWILIO_API_SECRET=' + 'cjcIQjrjZ48e2eMG' + 'tyvGRLQVQmeYPbFX',
      'twilio_secret: "' + 'QFygI2rnhIw1iQda' + 'fRTTU3Ut9IWBhFSp"',
    ],
    fps: [
      'TWILIO_API_SECRET=' + 'your_twilio_api_secret',
      'TWILIO_API_SECRET=' + 'x'.repeat(32),
    ],
  },
  {
    id: 'twilio-auth-token',
    description: 'Twilio account auth token (32 hex, with Twilio context)',
    regex: ctx(String.raw`twilio[\w.\-]{0,20}auth[_-]?token`, '[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['twilio'],
    entropy: 3,
    tags: ['twilio', 'token'],
    tps: [
      'TWILIO_AUTH_TOKEN=' + '8a9edead535457bc' + '9b1b6d71b4eee547',
      'twilio_auth_token: "' + '0a5f9dafc8f1e117' + '7c296e49d19cba2a"',
    ],
    fps: [
      'TWILIO_AUTH_TOKEN=' + 'your_auth_token',
      'TWILIO_ACCOUNT_SID=AC' + 'd6f51f339a0eb787' + '25170ce92a549312',
      'TWILIO_AUTH_TOKEN=' + '0'.repeat(32),
    ],
  },

  // --- E-mail delivery ---
  {
    id: 'sendgrid-api-key',
    description: 'SendGrid API key (SG.<22>.<43>)',
    regex: String.raw`\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})${TAIL}`,
    keywords: ['sg.'],
    entropy: 3.5,
    tags: ['sendgrid', 'api-key'],
    tps: [
      'SENDGRID_API_KEY=SG.' + 'YkV6p-EW7Mm' + 'uIns7RouciR.' + 'pnLYiwu5Ye_2DkvdWY6O39' + 'j0VDX-ChgZXoA3RU-0leK',
      'sg = SendGridAPIClient("SG.' + 'F1uWMWsQawD' + 'p7tcRAUr803.' + '3qcKO2FodXK51oNqJ194NY' + 'TQvYFYATj_EauVyFUY83Z")',
    ],
    fps: [
      'SENDGRID_API_KEY=SG.' + 'x'.repeat(22) + '.' + 'x'.repeat(43),
      'SENDGRID_API_KEY=SG.xxxxx',
    ],
  },
  {
    id: 'mailgun-api-key',
    description: 'Mailgun legacy API key (key- + 32 hex)',
    regex: String.raw`\b(key-[0-9a-f]{32})${TAIL}`,
    keywords: ['key-'],
    entropy: 3,
    tags: ['mailgun', 'api-key'],
    tps: [
      'MAILGUN_API_KEY=key-' + '563c0d73157fab34' + 'daf8d338d92a7743',
      'auth=("api", "key-' + 'c1a85c97f14afc44' + '9e0a0882d98eb677")',
    ],
    fps: [
      'MAILGUN_API_KEY=key-' + '0'.repeat(32),
      'MAILGUN_API_KEY=key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'cache-key-' + 'd207fb08496a3fe3cf1c' + '196fcb2030ba3de38bc4',
    ],
  },
  {
    id: 'mailgun-private-api-key',
    description: 'Mailgun private API key (32 hex - 8 hex - 8 hex, with Mailgun context)',
    regex: ctx('mailgun', '[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}'),
    flags: 'i',
    keywords: ['mailgun'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['mailgun', 'api-key'],
    tps: [
      'MAILGUN_API_KEY=' + 'b9d363bb56d66337' + '235363d0449c6686-' + '2937' + '0f19-' + '3e1c' + '2f02',
      'mailgun_key: "' + 'd046f8c923d79408' + 'ce350ff368a23185-' + '9f2c' + '7f31-' + 'bff9' + 'ccdd"',
    ],
    fps: [
      'MAILGUN_API_KEY=' + 'YOUR_MAILGUN_PRIVATE_API_KEY',
      'MAILGUN_DOMAIN=mg.example.com',
      'MAILGUN_API_KEY=' + '0'.repeat(32) + '-00000000-00000000',
    ],
  },
  {
    id: 'mailgun-webhook-signing-key',
    description: 'Mailgun HTTP webhook signing key (with Mailgun context)',
    regex: ctx(String.raw`mailgun[\w.\-]{0,20}(?:webhook|signing)`, '(?:key-)?[0-9a-f]{32}'),
    flags: 'i',
    keywords: ['mailgun'],
    entropy: 3,
    tags: ['mailgun', 'webhook', 'secret'],
    tps: [
      'MAILGUN_WEBHOOK_SIGNING_KEY=' + '23b1071a5b4c7e46' + 'c11bafe7ba355128',
      'mailgun_signing_key: "key-' + 'ffd63b7c6d3e8a4b' + '7a0089f35ad72d08"',
    ],
    fps: [
      'MAILGUN_WEBHOOK_SIGNING_KEY=' + 'your-signing-key',
      'MAILGUN_WEBHOOK_URL=https://example.com/hooks/mailgun',
    ],
  },
  {
    id: 'mailchimp-api-key',
    description: 'Mailchimp Marketing API key (32 hex + -us<N> data center)',
    regex: String.raw`\b([0-9a-f]{32}-us[0-9]{1,2})\b`,
    keywords: ['-us'],
    entropy: 3,
    tags: ['mailchimp', 'api-key'],
    tps: [
      'MAILCHIMP_API_KEY=' + '9d1da55bfe983313' + '76564107ec7b698a-us6',
      'client.setConfig({ apiKey: "' + 'aa39759c1fa6070b' + 'ea361eeb609a3850-us21", server: "us21" });',
    ],
    fps: [
      'MAILCHIMP_API_KEY=' + '0'.repeat(32) + '-us6',
      'MAILCHIMP_API_KEY=' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-us6',
      'locale: en-us',
    ],
  },
  {
    id: 'mandrill-api-key',
    description: 'Mailchimp Transactional (Mandrill) API key (with Mandrill context)',
    regex: ctx(String.raw`mandrill|mailchimp[\w.\-]{0,20}transactional`, String.raw`md-[A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{22}`),
    flags: 'i',
    keywords: ['mandrill', 'mailchimp'],
    entropy: 3.5,
    tags: ['mailchimp', 'mandrill', 'api-key'],
    tps: [
      'MANDRILL_API_KEY=md-' + 'JJYGk4GHSmW' + 'WloPRynbXKl',
      'mailchimp = MailchimpTransactional.Client("' + 'kHAOjbWjiEZ' + 'HEzMlS6Oy7K")',
      'MAILCHIMP_TRANSACTIONAL_KEY=md-' + '5Eelg6tfc5M' + 'i6PruENHCVq',
    ],
    fps: [
      'MANDRILL_API_KEY=' + 'your_mandrill_key',
      'MANDRILL_API_KEY=md-' + 'x'.repeat(22),
    ],
  },
  {
    id: 'brevo-api-key',
    description: 'Brevo (Sendinblue) API v3 key (xkeysib-)',
    regex: String.raw`\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})${TAIL}`,
    keywords: ['xkeysib-'],
    entropy: 3,
    tags: ['brevo', 'sendinblue', 'api-key'],
    tps: [
      'BREVO_API_KEY=xkeysib-' + 'b948e97020bbbe40242874abeda4fc05' + '86c7685e28a74b5708bd0d440dbdba61-' + 'Z3v05roD' + '7QCJLLAv',
      '"api-key": "xkeysib-' + '34eff167870028b97e19dd067be691a4' + 'ae2e2550caf2ac52cfe05cdaf82697a7-' + 'qxT497cX' + 'fn1LCgIM"',
    ],
    fps: [
      'BREVO_API_KEY=xkeysib-' + '0'.repeat(64) + '-' + 'x'.repeat(16),
      'keyHint: "Starts with xkeysib-"',
    ],
  },
  {
    id: 'brevo-smtp-key',
    description: 'Brevo (Sendinblue) SMTP key (xsmtpsib-)',
    regex: String.raw`\b(xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16})${TAIL}`,
    keywords: ['xsmtpsib-'],
    entropy: 3,
    tags: ['brevo', 'sendinblue', 'smtp', 'secret'],
    tps: [
      'SMTP_PASSWORD=xsmtpsib-' + '8b6ab48b0da4c1e4da1a322ff94603e3' + '9a076af247daa1f7dd150c6b12f967ab-' + 'mXdzpVCn' + 'VncTBlCN',
      'smtp_pass: "xsmtpsib-' + '22f50a18921509ed2e02f50e5ba04f1b' + '42cca8c5fcf57dc35789e3b83a348810-' + 'vUQUM5EI' + '9CfoNl8o"',
    ],
    fps: [
      'SMTP_PASSWORD=xsmtpsib-' + '...',
      'SMTP_PASSWORD=xsmtpsib-' + 'f'.repeat(64) + '-' + 'F'.repeat(16),
    ],
  },
  {
    id: 'postmark-server-token',
    description: 'Postmark server or account API token (UUID, with Postmark context)',
    regex: ctx('postmark', UUID),
    flags: 'i',
    keywords: ['postmark'],
    entropy: 3,
    tags: ['postmark', 'token'],
    tps: [
      'POSTMARK_SERVER_TOKEN=' + '337a3067-989a-453c' + '-bbde-4195eae51713',
      '"X-Postmark-Server-Token": "' + 'fa63d6e1-9ba2-41f6' + '-aaef-76ae73b82209"',
      'client = PostmarkClient("' + '68eeb015-85f1-40dc' + '-b92b-f1dfe4c16574")',
    ],
    fps: [
      'POSTMARK_SERVER_TOKEN=' + '00000000-0000-0000-0000-000000000000',
      'X-Postmark-Server-Token: POSTMARK_API_TEST',
    ],
  },
  {
    id: 'sparkpost-api-key',
    description: 'SparkPost API key (40 hex, with SparkPost context)',
    regex: ctx('sparkpost', '[a-f0-9]{40}'),
    flags: 'i',
    keywords: ['sparkpost'],
    entropy: 3,
    tags: ['sparkpost', 'api-key'],
    tps: [
      'SPARKPOST_API_KEY=' + '3e98e19840127796565d' + '64f1cc41d3ded7326b22',
      'sp = SparkPost("' + '2ff197fa89cabd103edf' + 'e6f8552e1a292996e9f5")',
    ],
    fps: [
      'SPARKPOST_API_KEY=' + '0'.repeat(40),
      'SPARKPOST_API_KEY=' + '<your-api-key>',
    ],
  },
  {
    id: 'mailjet-api-secret',
    description: 'Mailjet API secret key (32 hex, with Mailjet context)',
    regex: ctx(String.raw`mailjet[\w.\-]{0,20}(?:secret|private)|mj_apikey_private`, '[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['mailjet', 'mj_apikey_private'],
    entropy: 3,
    tags: ['mailjet', 'secret'],
    tps: [
      'MJ_APIKEY_PRIVATE=' + 'fec85b3bf73af401' + 'b1b9974ba3b44dbe',
      'mailjet_secret_key: "' + '682f11aca8b67c42' + 'aa0d4e64969076ef"',
    ],
    fps: [
      'MJ_APIKEY_PRIVATE=' + 'your-mailjet-secret',
      'MJ_APIKEY_PRIVATE=' + '0'.repeat(32),
      'MAILJET_SENDER=noreply@example.com',
    ],
  },
  {
    id: 'resend-api-key',
    description: 'Resend API key (re_, with Resend context)',
    regex: String.raw`(?:resend|RESEND|Resend)[^\n]{0,60}?\b(re_[A-Za-z0-9]{6,12}_[A-Za-z0-9]{20,30})${TAIL}`,
    keywords: ['resend'],
    entropy: 3.5,
    tags: ['resend', 'api-key'],
    tps: [
      'RESEND_API_KEY=re_' + 'IV9R' + 'cQsx_' + 'lTWSKKYvB8cz' + 'ZK1UEeeuOkYK',
      'const resend = new Resend("re_' + 'FLBL' + 'oO6R_' + 'pt24lJmc4P0p' + 'Tnu5wQoA0XSb");',
    ],
    fps: [
      'RESEND_API_KEY=re_xxxxxxxxxxxxxxxxxxxxx',
      'RESEND_API_KEY=re_your_resend_api_key_here',
      'RESEND_API_KEY=re_' + 'xxxxxxxx_' + 'x'.repeat(24),
    ],
  },
  {
    id: 'loops-api-key',
    description: 'Loops.so API key (32 hex, with Loops context)',
    regex: ctx(String.raw`loops[\w.\-]{0,20}(?:api[_-]?)?key`, '[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['loops'],
    entropy: 3,
    tags: ['loops', 'api-key'],
    tps: [
      'LOOPS_API_KEY=' + '9c26a7760c0d3808' + '514f7595348f4f21',
      'loops_key: "' + 'acb7ddec77f7508a' + '627401764e0699b9"',
    ],
    fps: [
      'LOOPS_API_KEY=' + 'your_loops_api_key',
      'LOOPS_API_KEY=' + '0'.repeat(32),
      'for loops in range(32): pass',
    ],
  },

  // --- Chat platforms and SMS ---
  {
    id: 'telegram-bot-token',
    description: 'Telegram Bot API token (bot id : 35 characters, with Telegram / bot token context)',
    regex: String.raw`(?:telegram|bot[_-]?token)[^\n]{0,80}?(?:\n[ \t]{0,20})?(?:(?<=bot)|(?<![0-9A-Za-z]))([0-9]{5,16}:A[A-Za-z0-9_-]{34})${TAIL}`,
    flags: 'i',
    keywords: ['telegram', 'bot_token', 'bot-token', 'bottoken'],
    multiline: true,
    windowLines: 1,
    entropy: 3.5,
    tags: ['telegram', 'token'],
    tps: [
      'TELEGRAM_BOT_TOKEN=' + '84662' + '04161:AAH' + 'zWd6f89qofLC00el' + 'UOTXBd6mtG7TqPRM',
      'requests.get(f"https://api.telegram.org/bot' + '25628' + '0142:AAE' + 'RA9xPRBJP5TWqA_q' + 'EZXWBn8iuFHjoDfa/getMe")',
      'BOT_TOKEN: "' + '60274' + '54441:AAF' + '9WC8rflwvN0KFuuW' + 'ZZfD_EhJoUX2l4F-"',
    ],
    fps: [
      'TELEGRAM_BOT_TOKEN=123456789:ABC-your-token',
      'TELEGRAM_BOT_TOKEN=' + '123456789:' + 'A'.repeat(35),
      'TELEGRAM_CHAT_ID=-1001234567890',
    ],
  },
  {
    id: 'msteams-webhook-url',
    description: 'Microsoft Teams incoming webhook URL',
    // Ids in the shape of a UUID, in any letters, as gitleaks matches them.
    regex: String.raw`(https://(?:[A-Za-z0-9-]{1,60}\.webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/${ID36}@${ID36}/IncomingWebhook/[A-Za-z0-9]{32}/${ID36}(?:/[A-Za-z0-9_-]{20,80})?)${TAIL}`,
    keywords: ['webhook.office.com', 'outlook.office.com/webhook', 'outlook.office365.com/webhook'],
    tags: ['microsoft', 'teams', 'webhook'],
    tps: [
      'TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/' + '23868a79-1195-40e8' + '-a807-87f704a502e7@' + 'dfd58535-0fa3-4966' + '-879d-b1dbb5383427/IncomingWebhook/' + 'n1CG33keWnWlQX6B' + 'E8G5u4CE3p4d4yy8/' + '80180775-ad32-4b1e' + '-b791-79a547e7417d',
      'url: "https://outlook.office.com/webhook/' + 'cd74a54b-1477-4509' + '-982b-72a1ccfe8629@' + 'b66092bf-0429-4a90' + '-80a8-64e3e0161a42/IncomingWebhook/' + '6a28c1af2710f40a' + 'e12e1332c7cd7084/' + '69d8f88a-e0ba-45cd' + '-b822-ef64b501e903"',
    ],
    fps: [
      'TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/...',
      'TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/<group-id>@<tenant-id>/IncomingWebhook/<id>/<owner>',
    ],
  },
  {
    id: 'vonage-api-secret',
    description: 'Vonage (Nexmo) API secret (with Vonage / Nexmo context)',
    regex: ctx(String.raw`(?:vonage|nexmo)[\w.\-]{0,20}secret`, '[A-Za-z0-9]{16}'),
    flags: 'i',
    keywords: ['vonage', 'nexmo'],
    entropy: 3,
    tags: ['vonage', 'nexmo', 'secret'],
    tps: [
      'VONAGE_API_SECRET=' + 'uGyaAjsH' + 'X9DhctAM',
      'nexmo_api_secret: "' + 'XFO7zGfe' + 'yM2wQUix"',
    ],
    fps: [
      'VONAGE_API_SECRET=' + 'your-api-secret',
      'VONAGE_API_KEY=' + 'ef41' + '2e1a',
      'VONAGE_API_SECRET=' + 'xxxxxxxxxxxxxxxx',
    ],
  },
  {
    id: 'messagebird-api-key',
    description: 'MessageBird API access key (25 characters, with MessageBird context)',
    regex: ctx(String.raw`message[_\-.]?bird`, '[A-Za-z0-9]{25}'),
    flags: 'i',
    keywords: ['messagebird', 'message_bird', 'message-bird', 'message.bird'],
    multiline: true,
    windowLines: 1,
    entropy: 3.5,
    tags: ['messagebird', 'api-key'],
    tps: [
      'MESSAGEBIRD_API_KEY=' + 'JnVS3GgjMuqVs' + 'XUX3cZcm3bI0',
      'client = messagebird.Client("' + 'rt1XzYIQlkkiR' + 'D5DVBdWKZYb0")',
    ],
    fps: [
      'MESSAGEBIRD_API_KEY=' + 'your_access_key',
      'MESSAGEBIRD_API_KEY=' + 'x'.repeat(25),
    ],
  },
  {
    id: 'pusher-app-secret',
    description: 'Pusher Channels app secret (20 hex, with Pusher context)',
    regex: ctx(String.raw`pusher[\w.\-]{0,20}secret`, '[a-f0-9]{20}'),
    flags: 'i',
    keywords: ['pusher'],
    entropy: 2.5, // 20 hex characters: random ones fall below 3 bits/char a few percent of the time
    tags: ['pusher', 'secret'],
    tps: [
      'PUSHER_APP_SECRET=' + '9da3835251' + '9c1335dbc8',
      'pusher_secret: "' + 'fae127a110' + '33e109b2bc"',
    ],
    fps: [
      'PUSHER_APP_KEY=' + '3f0c475ef1' + 'c5905256be',
      'PUSHER_APP_SECRET=' + '0'.repeat(20),
    ],
  },
  {
    id: 'mattermost-access-token',
    description: 'Mattermost personal access or bot token (26 characters, with Mattermost context)',
    regex: ctx(String.raw`mattermost[\w.\-]{0,20}(?:token|access)`, '[a-z0-9]{26}'),
    flags: 'i',
    keywords: ['mattermost'],
    multiline: true,
    windowLines: 1,
    entropy: 3.5,
    tags: ['mattermost', 'token'],
    tps: [
      'MATTERMOST_TOKEN=' + 'k5lgwvpqunew5' + 'aaubqpkbyzvvl',
      'mattermost_access_token: "' + '8ehkhu7v6xbrj' + '67s9rrcs4yo29"',
    ],
    fps: [
      'MATTERMOST_TOKEN=' + 'your-personal-access-token',
      'MATTERMOST_TOKEN=' + 'x'.repeat(26),
      'MATTERMOST_URL=https://chat.example.com',
    ],
  },
  {
    id: 'zulip-api-key',
    description: 'Zulip bot or user API key (32 characters, with Zulip context)',
    regex: ctx(String.raw`zulip[\w.\-]{0,20}(?:api[_-]?)?key`, '[A-Za-z0-9]{32}'),
    flags: 'i',
    keywords: ['zulip'],
    entropy: 3.5,
    tags: ['zulip', 'api-key'],
    tps: [
      'ZULIP_API_KEY=' + 'e7MPBxRMrH3doCLv' + 'Cw3pUW5UsoWh7hvu',
      'zulip_key: "' + 'HCF0jESMdWYXxQhj' + 'bFCgQFYx3Ojl4uHn"',
    ],
    fps: [
      'ZULIP_API_KEY=' + 'YOUR_ZULIP_API_KEY',
      'ZULIP_API_KEY=' + 'a'.repeat(32),
      'ZULIP_SITE=https://chat.zulip.org',
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
    id: 'sendgrid-api-token',
    description: 'SendGrid API token',
    regex: String.raw`\b(SG\.(?i:[a-z0-9=_\-\.]{66}))(?:[\x60'"\s;]|\\[nr]|$)`,
    keywords: ['sg.'],
    entropy: 2,
    tags: ['sendgrid', 'gitleaks'],
    tps: ['token = "SG.86ee.532.g9=95h667djfn2weh_m1y72' + '8gz3d3g.s6r8fq=m3ik4xq2zs1_76alqv9"', 'export SECRET=SG.86ee.532.g9=95h667djfn2weh_m1y72' + '8gz3d3g.s6r8fq=m3ik4xq2zs1_76alqv9'],
    fps: ['token = "xx.xxxx.xxx.xx=xxxxxxxxxxxxxx_xxxxxxxxxxxx.xxxxxx=xxxxxxxxxxx_xxxxxxx"', 'token = "SG.86ee.532.g9=95h667djfn2weh_m1y7"'],
  },
  {
    id: 'gitter-access-token',
    description: 'Gitter access token next to a gitter name',
    regex: String.raw`(?:gitter)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9_-]{40})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['gitter'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['gitter', 'gitleaks'],
    tps: ['GITTER_TOKEN=2czh3usim3ueiu5l5m6p' + 'fx3qo2xcvfkpiqv-5myv', '"gitter_key": "2czh3usim3ueiu5l5m6p' + 'fx3qo2xcvfkpiqv-5myv"', '<gitterSecret>\n    2czh3usim3ueiu5l5m6p' + 'fx3qo2xcvfkpiqv-5myv\n</gitterSecret>'],
    fps: ['GITTER_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-xxxx', 'GITTER_TOKEN=2czh3usim3ueiu5l5m6p'],
  },
  {
    id: 'discord-api-token',
    description: 'Discord API token next to a discord name',
    regex: String.raw`(?:discord)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-f0-9]{64})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['discord'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['discord', 'gitleaks'],
    tps: ['DISCORD_TOKEN=2826078924629cce531f39b8008a80e9' + 'f2eee9348b08df63f436a818a4f81411', '"discord_key": "2826078924629cce531f39b8008a80e9' + 'f2eee9348b08df63f436a818a4f81411"', '<discordSecret>\n    2826078924629cce531f39b8008a80e9' + 'f2eee9348b08df63f436a818a4f81411\n</discordSecret>'],
    fps: ['DISCORD_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'DISCORD_TOKEN=2826078924629cce531f39b8008a80e9'],
  },
  {
    id: 'discord-client-secret-keyed',
    description: 'Discord client secret next to a discord name (the value by its name, where the format rule above needs more)',
    regex: String.raw`(?:discord)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9=_\-]{32})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['discord'],
    multiline: true,
    windowLines: 1,
    entropy: 2,
    tags: ['discord', 'gitleaks'],
    tps: ['DISCORD_TOKEN=7jd6g3q4ol2uc=fh' + 'a41he400-vvys768', '"discord_key": "7jd6g3q4ol2uc=fh' + 'a41he400-vvys768"', '<discordSecret>\n    7jd6g3q4ol2uc=fh' + 'a41he400-vvys768\n</discordSecret>'],
    fps: ['DISCORD_TOKEN=xxxxxxxxxxxxx=xxxxxxxxxx-xxxxxxx', 'DISCORD_TOKEN=7jd6g3q4ol2uc=fh'],
  },
];
