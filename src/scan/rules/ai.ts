// AI and ML API credentials. Fixed-prefix formats, from the vendors' key documentation and
// consoles: OpenAI sk-proj- / sk-svcacct- / sk-admin- and the legacy sk-...T3BlbkFJ... keys,
// Anthropic sk-ant-api03- / sk-ant-admin01- (93 characters then "AA") and sk-ant-oat01- /
// sk-ant-ort01- OAuth tokens, Hugging Face hf_ and api_org_ (34 letters), Replicate r8_, Groq gsk_,
// Perplexity pplx-, xAI xai-, Together tgp_v1_, Fireworks fw_, Pinecone pcsk_, LangSmith lsv2_pt_ /
// lsv2_sk_, Weights & Biases wandb_v1_, OpenRouter sk-or-v1-, Voyage pa-, Cerebras csk-.
// Formats without a prefix (Cohere, Mistral, DeepSeek sk-+32 hex, legacy Together 64 hex,
// ElevenLabs, AssemblyAI, Deepgram, legacy Pinecone UUIDs, W&B 40 hex, Stability sk-) need the
// vendor's name before an assignment on the same line. Google AI Studio keys (AIza...) are in
// cloud.ts. Sample values below are fake.
import type { RuleSpec } from '../rule.ts';

/** Nothing of a token's alphabet follows: a longer run does not match partially. */
const TAIL = String.raw`(?![0-9A-Za-z_-])`;
/** The vendor name's tail, an optional closing quote, an assignment, argument separator or call paren, an optional opening quote. */
const ASSIGN = String.raw`[\w.\-(]{0,30}?["'\x60]?\s{0,3}(?:=>|:{1,3}=|\.=|[:=,(])\s{0,3}["'\x60]?`;
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;

/** A value assigned to a name matching `name` (use with flags "i"). */
function ctx(name: string, value: string): string {
  return String.raw`(?:${name})${ASSIGN}(${value})${TAIL}`;
}

/** Lookahead: a digit within the next `n` token characters (real random keys have one, placeholders often do not). */
function digitAhead(n: number): string {
  return String.raw`(?=[0-9A-Za-z_-]{0,${n}}[0-9])`;
}

export const rules: RuleSpec[] = [
  // --- OpenAI ---
  {
    id: 'openai-project-key',
    description: 'OpenAI project API key (sk-proj-)',
    regex: String.raw`\b(sk-proj-${digitAhead(250)}[A-Za-z0-9_-]{40,250})${TAIL}`,
    keywords: ['sk-proj-'],
    entropy: 3.5,
    tags: ['openai', 'api-key'],
    tps: [
      'OPENAI_API_KEY=sk-proj-' + 'k9CH0CQ7uRLGqP9CmabpxzWpXeZ2g5UTYNg7f' + 'bA4hnT8iQnSEr_cWKWTa-eXlkWsBLdzySJQxpT3BlbkFJ' + 'OxNJsG3LJrIjngSuZd-hZzApRQQDGc4ZlqK_T' + 's0rQGtoJHETwfOOrpQJY7Yyq_ymeW7tEZKTzp',
      'client = OpenAI(api_key="sk-proj-' + 'YasA5ocmdm' + 'LEnHP3wh5oT3BlbkFJ' + 'r6uwdCI1sz' + '0U7e8QbrzC")',
    ],
    fps: [
      'OPENAI_API_KEY=sk-proj-' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'OPENAI_API_KEY=sk-proj-your-openai-project-key-goes-here-please',
      'key: sk-proj-' + 'abc123',
    ],
  },
  {
    id: 'openai-service-account-key',
    description: 'OpenAI service account API key (sk-svcacct-)',
    regex: String.raw`\b(sk-svcacct-${digitAhead(250)}[A-Za-z0-9_-]{40,250})${TAIL}`,
    keywords: ['sk-svcacct-'],
    entropy: 3.5,
    tags: ['openai', 'api-key'],
    tps: [
      'export OPENAI_API_KEY="sk-svcacct-' + '0YJiJeNHL4Om5h-pTjjr9RUQ8OZNHx9ZXG4pa' + 'ElSC14ONskytRTc_LoV8HsmbzylkbTVsgzLtjT3BlbkFJ' + 'Xsos9O6D5V5gCeqIXrp6KEPU2P1_ER7q8MZwx' + '2hAbz6q7eaLq2zUKYLeLCVRA4-DuKAuS-thAh"',
      '{"openai": {"key": "sk-svcacct-' + 'rJQvfDRiDpdSOoRwZJW_0ia5Usv9N' + 'yFt8NVuteB9B4tmOD3CjIgUnpImJ_T3BlbkFJ' + 'ftoZEyunk4G_9zrQWaVqJEdlIbU_K' + 'pkf59pGLVvW6h21KrwP4XS08qVJ6I"}}',
    ],
    fps: [
      'OPENAI_API_KEY=sk-svcacct-' + 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      'sk-svcacct-' + '...',
    ],
  },
  {
    id: 'openai-admin-key',
    description: 'OpenAI organization admin API key (sk-admin-)',
    regex: String.raw`\b(sk-admin-${digitAhead(250)}[A-Za-z0-9_-]{40,250})${TAIL}`,
    keywords: ['sk-admin-'],
    entropy: 3.5,
    tags: ['openai', 'api-key', 'admin'],
    tps: [
      'OPENAI_ADMIN_KEY=sk-admin-' + 'vU_wq5qnQXoJaqmQYjFWXJko6EqK0' + '1mJ0GZP1kQpfsZDaBQyw_BhLu35TsT3BlbkFJ' + '78-A2epn00aAJpdbcW1cGJq39sBSA' + 'f2fQvEh4cX4Ui3FxVCq9icuu4Re63',
      'curl https://api.openai.com/v1/organization/users -H "Authorization: Bearer sk-admin-' + 'LZtWCTh-E7DYzFd3oKTgDJ6ihdR_1eNAgfOvC' + 'FNd737RtpjUNTZKSTvJYpUSSTKDNM8UQnRjqST3BlbkFJ' + 'Kq_0fR25MvpAg1pIAvIHYPcboBZJ-_GSw9dcz' + 'jbsHRg8xZ1Z-I_gVUCr6jPOiwj-ajP8fItBHx"',
    ],
    fps: [
      'OPENAI_ADMIN_KEY=sk-admin-' + '0000000000000000000000000000000000000000000000',
      'role: sk-admin-' + 'readonly',
    ],
  },
  {
    id: 'openai-legacy-key',
    description: 'OpenAI user API key (legacy sk- format with the T3BlbkFJ marker)',
    regex: String.raw`\b(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})${TAIL}`,
    keywords: ['t3blbkfj'],
    entropy: 3.5,
    tags: ['openai', 'api-key'],
    tps: [
      'openai.api_key = "sk-' + 'wos8cHazem' + 'f42Gsg6jCrT3BlbkFJ' + 'zlfPREm75R' + 'xySlw0TTPC"',
      'OPENAI_API_KEY: sk-' + 'aGXUZG3VZ8' + 'tsGxsAouuAT3BlbkFJ' + 'LVyu77tpPL' + 'sUgj523qpk',
    ],
    fps: [
      'sk-' + 'aaaaaaaaaaaaaaaaaaaa' + 'T3BlbkFJ' + 'aaaaaaaaaaaaaaaaaaaa',
      'sk-' + 'abc' + 'T3BlbkFJ' + 'def',
      'T3BlbkFJ is base64 for "OpenAI"',
    ],
  },

  // --- Anthropic ---
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key (sk-ant-api03-)',
    regex: String.raw`\b(sk-ant-api\d{2}-[A-Za-z0-9_-]{93}AA)${TAIL}`,
    keywords: ['sk-ant-api'],
    entropy: 3.5,
    tags: ['anthropic', 'api-key'],
    tps: [
      'ANTHROPIC_API_KEY=sk-ant-api03-' + '_38DQlY3KdgzWfmWOQLqpDdBm0bNSZCH2jLOoSQUr_0PsTb' + 'AZBiNhixqcKLUXdtdhOOintbW-OArZRco8d00MUIKG_RRrAA',
      'client = anthropic.Anthropic(api_key="sk-ant-api03-' + 'D82Mlshsex6gZrH7R0gjpXq3pYWLasxNSF9hTdrSXoguJmY' + 'QCGzWhN5V1eAFUI0VsueMShMQeqhErkB6rJgSkK_cm7WnbAA")',
    ],
    fps: [
      'ANTHROPIC_API_KEY=sk-ant-api03-' + 'x'.repeat(93) + 'AA',
      'ANTHROPIC_API_KEY=sk-ant-api03-...',
      'credential: "sk-ant-api03-' + 'REQUESTED4242"',
    ],
  },
  {
    id: 'anthropic-admin-key',
    description: 'Anthropic Admin API key (sk-ant-admin01-)',
    regex: String.raw`\b(sk-ant-admin\d{2}-[A-Za-z0-9_-]{93}AA)${TAIL}`,
    keywords: ['sk-ant-admin'],
    entropy: 3.5,
    tags: ['anthropic', 'api-key', 'admin'],
    tps: [
      'ANTHROPIC_ADMIN_KEY=sk-ant-admin01-' + '4VJia6WYFo4HWEdrToR4p8heNMYQuvNdZgf0UzHBSHG9Q1O' + 'lk8w1ohIb4Tzu0JPKWuEaZRnA6yYdr4t1x_finz7eqJJeCAA',
      '"x-api-key": "sk-ant-admin01-' + 'jLRNQE8mZK0f3srfQX3plwdWBLeM1pLlpl-juPO9LCU-32P' + 'm_fC-dLQiUqOAD5ik-3NZRZciGWmUrT0N62n00nETZio_yAA"',
    ],
    fps: [
      'ANTHROPIC_ADMIN_KEY=sk-ant-admin01-' + '0'.repeat(93) + 'AA',
      'admin keys start with sk-ant-admin01-',
    ],
  },
  {
    id: 'anthropic-oauth-token',
    description: 'Anthropic OAuth access or refresh token (sk-ant-oat01- / sk-ant-ort01-, e.g. Claude Code)',
    regex: String.raw`\b(sk-ant-o[ar]t\d{2}-${digitAhead(200)}[A-Za-z0-9_-]{40,200})${TAIL}`,
    keywords: ['sk-ant-oat', 'sk-ant-ort'],
    entropy: 3.5,
    tags: ['anthropic', 'token', 'oauth'],
    tps: [
      'CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-' + '3rDBhB1OpeqTMa-NameAar3mm5IO2JCfp2xEvQnrp2jY45nr' + 'fFpm5siUZOjioctGyz08vSfuWrzRoCH2otl3wQpBv493OLNAA',
      '{"accessToken": "sk-ant-oat01-' + 'bfRUA-b60kQYnOMfSMCb-W0qgFuQ6N3b4H0i9sOT' + 'Bao6qWTrSSdzox7oIfUgZqGfcPgUPdpc8e_BL25v", "refreshToken": "sk-ant-ort01-' + 'n6VFsHC0brJIBm704_VgiFiSHK1OycCdA0-GXqGn' + 'WqOqtsSDl5BdMsSapynGhQAaVz93gAzKgq8E3o1I"}',
    ],
    fps: [
      'setup_token = "sk-ant-oat01-' + 'TEST_SETUP_TOKEN_NOT_REAL"',
      'CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-...',
    ],
  },

  // --- Hugging Face ---
  {
    id: 'huggingface-access-token',
    description: 'Hugging Face user access token (hf_)',
    regex: String.raw`\b(hf_[A-Za-z]{34})${TAIL}`,
    keywords: ['hf_'],
    entropy: 3.5,
    tags: ['huggingface', 'token'],
    tps: [
      'HF_TOKEN=hf_' + 'UaEjhVFiKsbDdlErs' + 'lTAxPYiKsaYLEwscY',
      'login(token="hf_' + 'XZFflBxVDzYbBTjkh' + 'toTwRXwFyhWnyjitT")',
    ],
    fps: [
      'HF_TOKEN=hf_' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'from huggingface_hub import hf_hub_download',
      'HF_TOKEN=hf_' + 'AbCdEfGhIjKlMnOpQrStUvWxYz',
    ],
  },
  {
    id: 'huggingface-org-token',
    description: 'Hugging Face organization API token (api_org_)',
    regex: String.raw`\b(api_org_[A-Za-z]{34})${TAIL}`,
    keywords: ['api_org_'],
    entropy: 3.5,
    tags: ['huggingface', 'token'],
    tps: [
      'HUGGINGFACE_ORG_TOKEN=api_org_' + 'JlkFLVfaqGhbpMeWe' + 'JARoZAotHOsCoeYUB',
      'headers = {"Authorization": "Bearer api_org_' + 'VfhxXYIuhFjIuxuGP' + 'cnsVjWxaLZCVfKZMA"}',
    ],
    fps: [
      'api_org_' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'api_org_settings = load()',
    ],
  },

  // --- Other model providers ---
  {
    id: 'cohere-api-key',
    description: 'Cohere API key (40 characters, with Cohere context)',
    regex: ctx(String.raw`cohere|co_api_key`, '[A-Za-z0-9]{40}'),
    flags: 'i',
    keywords: ['cohere', 'co_api_key'],
    entropy: 3.5,
    tags: ['cohere', 'api-key'],
    tps: [
      'COHERE_API_KEY=' + 'hNHeiiwXKBY0qCWTKyTV' + 'iiN2gmOgtlsVbEcBNXy8',
      'co = cohere.Client("' + 'seBY4lq7GKkdM05ZRk1Z' + 'jnCq6bHQi12EpeUYuuwo")',
      'CO_API_KEY: "' + 'cmB8XSPpSbOhtrg4VLKi' + '7u5zEgOEjHpMCi9WxB4u"',
    ],
    fps: [
      'COHERE_API_KEY=' + 'YOUR_COHERE_API_KEY',
      'COHERE_API_KEY=' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'COHERE_API_KEY=${COHERE_API_KEY}',
    ],
  },
  {
    id: 'replicate-api-token',
    description: 'Replicate API token (r8_)',
    regex: String.raw`\b(r8_[A-Za-z0-9]{37})${TAIL}`,
    keywords: ['r8_'],
    entropy: 3.5,
    tags: ['replicate', 'token'],
    tps: [
      'REPLICATE_API_TOKEN=r8_' + 'V5x8bMvNuQwwW8dGS0G' + 'FT3Lq9lsWEo3kF4QM6',
      'replicate.Client(api_token="r8_' + 'Jux33ZV0xlUfjko20Us' + 'R2VSGxGakgfql6zXrZ")',
    ],
    fps: [
      'REPLICATE_API_TOKEN=r8_' + '*************************************',
      'REPLICATE_API_TOKEN=r8_' + 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'r8_' + 'YvuTzm9r86h19hQ' + '0KxgtixUmjUlCYd',
    ],
  },
  {
    id: 'groq-api-key',
    description: 'Groq API key (gsk_)',
    regex: String.raw`\b(gsk_[A-Za-z0-9]{52})${TAIL}`,
    keywords: ['gsk_'],
    entropy: 3.5,
    tags: ['groq', 'api-key'],
    tps: [
      'GROQ_API_KEY=gsk_' + 'REyyCMsKfIMBC9J1zCWgBhQSbQ' + 'xQjQ8C2jkqfAr5p8YQkFTD42PM',
      'client = Groq(api_key="gsk_' + 'Cv69GiBsFvDfi04bj1rDPg5akE' + 'xSqNtoD6KfUb9A4h5v7gtTpcww")',
    ],
    fps: [
      'GROQ_API_KEY=gsk_' + 'x'.repeat(52),
      'GROQ_API_KEY=gsk_your_groq_key_here',
    ],
  },
  {
    id: 'mistral-api-key',
    description: 'Mistral AI API key (32 characters, with Mistral context)',
    regex: ctx('mistral', '[A-Za-z0-9]{32}'),
    flags: 'i',
    keywords: ['mistral'],
    entropy: 3.5,
    tags: ['mistral', 'api-key'],
    tps: [
      'MISTRAL_API_KEY=' + 'xkQiXOiGedmDVGgZ' + 'eUMZ2gA9F9fDS6St',
      'client = Mistral(api_key="' + 'NLYdPPTwCaw8IYEs' + '2PyOjUtUoGIXF0A3")',
    ],
    fps: [
      'MISTRAL_API_KEY=' + 'your_mistral_api_key',
      'model: mistral-large-latest',
      'MISTRAL_API_KEY=' + '00000000000000000000000000000000',
    ],
  },
  {
    id: 'perplexity-api-key',
    description: 'Perplexity API key (pplx-)',
    regex: String.raw`\b(pplx-[A-Za-z0-9]{40,64})${TAIL}`,
    keywords: ['pplx-'],
    entropy: 3.5,
    tags: ['perplexity', 'api-key'],
    tps: [
      'PERPLEXITY_API_KEY=pplx-' + '758470456a2c7f1c20fce455' + '07e1402847928a3504f56a1d',
      '"Authorization": "Bearer pplx-' + '5FLvwoxiJmmD5FfHKir7YSyh' + 'iD6rAvDXBPcO654zmgCr3GQm"',
    ],
    fps: [
      'PERPLEXITY_API_KEY=pplx-' + 'xxxxxxxxxxxxxxxx',
      'PERPLEXITY_API_KEY=pplx-' + 'x'.repeat(48),
      'see the pplx-api docs',
    ],
  },
  {
    id: 'xai-api-key',
    description: 'xAI (Grok) API key (xai-)',
    regex: String.raw`\b(xai-[A-Za-z0-9]{70,90})${TAIL}`,
    keywords: ['xai-'],
    entropy: 3.5,
    tags: ['xai', 'api-key'],
    tps: [
      'XAI_API_KEY=xai-' + 'VpE0RJkKN3AcI44yZwcjcD0kIUCJWIDjOntSe9j2' + 'Ie5WXJwAYgfKWAcOuh1fFGRG8a0kG2LjMpWyaWoz',
      'client = Client(api_key="xai-' + 'wvo7icWjFi3r2YNDjtTKZMA08fZuBPqdYbFdvLLu' + 'WKPMgRQ5s3qB7mzjy9nlOeqVDus5Zc2vVJNAVU8U")',
    ],
    fps: [
      'XAI_API_KEY=xai-' + 'd'.repeat(80),
      'XAI_API_KEY=xai-your-key',
    ],
  },
  {
    id: 'deepseek-api-key',
    description: 'DeepSeek API key (sk- and 32 hex, with DeepSeek context)',
    regex: ctx('deepseek', 'sk-[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['deepseek'],
    entropy: 3,
    tags: ['deepseek', 'api-key'],
    tps: [
      'DEEPSEEK_API_KEY=sk-' + '66db7d0832672c5d' + 'dce6d2685844f6cf',
      'deepseek_api_key: "sk-' + '38d27007a07350a0' + 'e113ac35847cf17c"',
    ],
    fps: [
      'DEEPSEEK_API_KEY=sk-' + 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'DEEPSEEK_API_KEY=sk-' + '00000000000000000000000000000000',
      'OPENAI_API_KEY=sk-' + '9ed81af05285d939' + 'a1c18e70853b958e',
    ],
  },
  {
    id: 'together-api-key',
    description: 'Together AI API key (tgp_v1_)',
    regex: String.raw`\b(tgp_v1_[A-Za-z0-9_-]{43})${TAIL}`,
    keywords: ['tgp_v1_'],
    entropy: 3.5,
    tags: ['together', 'api-key'],
    tps: [
      'TOGETHER_API_KEY=tgp_v1_' + 'yiNbUInOUr2IKVZN1qgjb8' + 'puHT6t1mWbueSPN-MaxDs',
      'client = Together(api_key="tgp_v1_' + '3dhMyb0_tzp0iMiWfiHgB3' + 'ZaaXLTzgOJSGpCqoTpDok")',
    ],
    fps: [
      'TOGETHER_API_KEY=tgp_v1_' + 'j'.repeat(43),
      'expect(raw).not.toContain("tgp_v1_")',
    ],
  },
  {
    id: 'together-legacy-api-key',
    description: 'Together AI legacy API key (64 hex, with Together context)',
    regex: ctx('together', '[a-f0-9]{64}'),
    flags: 'i',
    keywords: ['together'],
    entropy: 3,
    tags: ['together', 'api-key'],
    tps: [
      'TOGETHER_API_KEY=' + 'cb181c79c996822e1ff3b9460387795f' + '36b210c897435f074f0bb7a04e49a6f9',
      'together.api_key = "' + '325174a7335bb99e04c1570a5069477e' + '8ab8c4963bb52022a5db34f55b6a2447"',
    ],
    fps: [
      'TOGETHER_API_KEY=' + '0'.repeat(64),
      'TOGETHER_MODEL=meta-llama/Llama-3-70b-chat-hf',
      'sha256 (files bundled together) ' + 'dc6fe9cd351a363bf733b7ff04b0ad5e' + '95296ffe7454cba1053682172f451612',
    ],
  },
  {
    id: 'fireworks-api-key',
    description: 'Fireworks AI API key (fw_)',
    regex: String.raw`\b(fw_${digitAhead(47)}[A-Za-z0-9]{24,48})${TAIL}`,
    keywords: ['fw_'],
    entropy: 3.5,
    tags: ['fireworks', 'api-key'],
    tps: [
      'FIREWORKS_API_KEY=fw_3Z' + 'GyXYBFbTKJo' + 'maDr5cmfaki',
      '"apiKey": "fw_' + 'RtgjyJzUSg6FYJPSMIW' + 'trAsmHxaazShKHuqyTx7"',
    ],
    fps: [
      'FIREWORKS_API_KEY=fw_' + 'hhhhhhhhhhhhhhhhhhhhhhhh',
      'int fw_FirmwareVersionStringMajorPart = 0;',
      'fw_' + 'short1',
    ],
  },
  {
    id: 'elevenlabs-api-key',
    description: 'ElevenLabs API key (sk_ and 48 hex, or legacy 32 hex, with ElevenLabs / xi-api-key context)',
    regex: ctx(String.raw`eleven[\w.\-]{0,12}|xi[_-]api[_-]key`, 'sk_[a-f0-9]{48}|[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['eleven', 'xi-api-key', 'xi_api_key'],
    entropy: 3,
    tags: ['elevenlabs', 'api-key'],
    tps: [
      'ELEVENLABS_API_KEY=sk_' + 'ff41554151150e2840a814dd' + 'e71e15e0a045009b43ba9b76',
      'headers = {"xi-api-key": "' + '90ab1dd2f50a6099' + '570b3fac7271d7fb"}',
      'client = ElevenLabs(api_key="sk_' + 'f9080fab99f1df0f25b703cc' + '056897f848af22a5bbd63264")',
    ],
    fps: [
      'ELEVENLABS_API_KEY=sk_' + 'x'.repeat(48),
      'ELEVENLABS_VOICE_ID=21m00Tcm4TlvDq8ikWAM',
      'headers = {"xi-api-key": "<your-api-key>"}',
    ],
  },
  {
    id: 'assemblyai-api-key',
    description: 'AssemblyAI API key (32 hex, with AssemblyAI context)',
    regex: ctx(String.raw`assembly[_\-.]?ai`, '[a-f0-9]{32}'),
    flags: 'i',
    keywords: ['assemblyai', 'assembly_ai', 'assembly-ai', 'assembly.ai'],
    entropy: 3,
    tags: ['assemblyai', 'api-key'],
    tps: [
      'ASSEMBLYAI_API_KEY=' + '548895a25438f9ec' + '275558ad3e931375',
      'assemblyai.settings.api_key = "' + '44bb293253f3dd97' + '9b77a2489af98733"',
      'ASSEMBLY_AI_KEY: "' + 'cc8060d6eaaa358c' + '85516d75406717c3"',
    ],
    fps: [
      'ASSEMBLYAI_API_KEY=' + 'ffffffffffffffffffffffffffffffff',
      'ASSEMBLYAI_API_KEY=' + 'your-assemblyai-key',
    ],
  },
  {
    id: 'deepgram-api-key',
    description: 'Deepgram API key (40 hex, with Deepgram context)',
    regex: ctx('deepgram', '[a-f0-9]{40}'),
    flags: 'i',
    keywords: ['deepgram'],
    entropy: 3,
    tags: ['deepgram', 'api-key'],
    tps: [
      'DEEPGRAM_API_KEY=' + '507b1ba5efd1d51d54a0' + '3c4edbc150b0e9dd3af7',
      'deepgram = DeepgramClient("' + 'ad255ecd8823b8cba584' + '2faa9d7e77083459fbb6")',
    ],
    fps: [
      'DEEPGRAM_API_KEY=' + '0000000000000000000000000000000000000000',
      'DEEPGRAM_PROJECT=' + '8412d60d-e46e-43f8' + '-a368-5e90b3c1f484',
    ],
  },

  // --- Vector databases and tooling ---
  {
    id: 'pinecone-api-key',
    description: 'Pinecone API key (pcsk_)',
    regex: String.raw`\b(pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,70})${TAIL}`,
    keywords: ['pcsk_'],
    entropy: 3.5,
    tags: ['pinecone', 'api-key'],
    tps: [
      'PINECONE_API_KEY=pcsk_' + 'PS4' + 'zoa_' + 'lq79htvuXfLIjN9ntDGC2dOdeqNLxVXA' + 'rBod4DI4XVULljHaAY60Q1CkgBi0lfs',
      'pc = Pinecone(api_key="pcsk_' + 'tH2' + 'zt_' + 'szBMYaZL3ggRDrjvW5QcjybyJI4mG6E3' + 'P4ZcjXaib8sm30k5othw5Occ7CFN1DT")',
    ],
    fps: [
      'PINECONE_API_KEY=pcsk_' + 'xxxxx_' + 'x'.repeat(63),
      'PINECONE_API_KEY=pcsk_...',
    ],
  },
  {
    id: 'pinecone-legacy-api-key',
    description: 'Pinecone legacy API key (UUID, with Pinecone context)',
    regex: ctx('pinecone', UUID),
    flags: 'i',
    keywords: ['pinecone'],
    entropy: 3,
    tags: ['pinecone', 'api-key'],
    tps: [
      'PINECONE_API_KEY=' + '0ee11fd5-32db-405c' + '-bf4c-68308dbed496',
      'pinecone.init(api_key="' + 'ed90848e-a102-40a9' + '-9ea6-fff39c81e712", environment="us-west1-gcp")',
    ],
    fps: [
      'PINECONE_API_KEY=' + '00000000-0000-0000-0000-000000000000',
      'PINECONE_API_KEY=' + 'your-pinecone-api-key',
    ],
  },
  {
    id: 'langsmith-personal-access-token',
    description: 'LangSmith / LangChain personal access token (lsv2_pt_)',
    regex: String.raw`\b(lsv2_pt_[a-f0-9]{32}_[a-f0-9]{10})${TAIL}`,
    keywords: ['lsv2_pt_'],
    entropy: 3,
    tags: ['langsmith', 'langchain', 'token'],
    tps: [
      'LANGCHAIN_API_KEY=lsv2_pt_' + '3dfdb5b7fdb27b75' + 'e3f554d48743bf34_' + '88b5f' + '9ef8d',
      'LANGSMITH_API_KEY: "lsv2_pt_' + '35856a4254377316' + '414d332df9180872_' + 'b9684' + '78433"',
    ],
    fps: [
      'LANGSMITH_API_KEY=lsv2_pt_' + '...',
      'LANGSMITH_API_KEY=lsv2_pt_' + 'x'.repeat(32) + '_' + 'x'.repeat(10),
    ],
  },
  {
    id: 'langsmith-service-key',
    description: 'LangSmith / LangChain service key (lsv2_sk_)',
    regex: String.raw`\b(lsv2_sk_[a-f0-9]{32}_[a-f0-9]{10})${TAIL}`,
    keywords: ['lsv2_sk_'],
    entropy: 3,
    tags: ['langsmith', 'langchain', 'api-key'],
    tps: [
      'LANGSMITH_API_KEY=lsv2_sk_' + '8e6ba10ab241d45f' + '0bebb3aee723754b_' + '0ce3a' + '99649',
      'os.environ["LANGCHAIN_API_KEY"] = "lsv2_sk_' + 'b733d1636c81ed6a' + '8a7e1e8f230c26f1_' + '9ce72' + 'e2248"',
    ],
    fps: [
      'LANGSMITH_API_KEY=lsv2_sk_' + '0'.repeat(32) + '_' + '0'.repeat(10),
      'LANGSMITH_API_KEY=lsv2_sk_' + '822be14972e72704' + '6df055c0a9c6fc3a',
    ],
  },
  {
    id: 'wandb-api-key',
    description: 'Weights & Biases API key (40 hex, with W&B context)',
    regex: ctx(String.raw`wandb|weights[_-]?and[_-]?biases`, '(?:local-)?[a-f0-9]{40}'),
    flags: 'i',
    keywords: ['wandb', 'weights_and_biases', 'weights-and-biases', 'weightsandbiases'],
    entropy: 3,
    tags: ['wandb', 'api-key'],
    tps: [
      'WANDB_API_KEY=' + '69efa755faf07dbd5f84' + 'fcaf0e37d98ec7cdad23',
      'wandb.login(key="' + 'bf3ee6e3eaee473efc5e' + 'd191e9d1258496e1ff1d")',
      'WANDB_API_KEY=local-' + '792855c9bbaa9a8c11e5' + 'f8d5c9a529a2ae9fa2f8',
    ],
    fps: [
      'WANDB_API_KEY=' + '0000000000000000000000000000000000000000',
      'WANDB_PROJECT=my-project',
      'WANDB_API_KEY=$WANDB_API_KEY',
    ],
  },
  {
    id: 'wandb-v1-api-key',
    description: 'Weights & Biases API key (wandb_v1_ format)',
    regex: String.raw`\b(wandb_v1_[A-Za-z0-9]{20,40}_[A-Za-z0-9]{40,60})${TAIL}`,
    keywords: ['wandb_v1_'],
    entropy: 3.5,
    tags: ['wandb', 'api-key'],
    tps: [
      'WANDB_API_KEY=wandb_v1_' + 'zuJgPHg9DrhVCE' + 'G5xFIHHHrujAQ_' + 'cizZmblFcTPqI1LhTbt89q7p4' + 'dcsfhqhFWplt03tRkwSVRxpd',
      'wandb.login(key="wandb_v1_' + 'utRFUB2gQ3ahcG' + 'HKmhBWjRBTYoP_' + '7H7oiCaPgBIEBiHED1O0g3eKf' + '0NxBRHu8kOJnYScXtVxTZYdr")',
    ],
    fps: [
      'WANDB_API_KEY=wandb_v1_' + 'x'.repeat(27) + '_' + 'x'.repeat(49),
      'WANDB_API_KEY=wandb_v1_...',
    ],
  },
  {
    id: 'openrouter-api-key',
    description: 'OpenRouter API key (sk-or-v1-)',
    regex: String.raw`\b(sk-or-v1-[a-f0-9]{64})${TAIL}`,
    keywords: ['sk-or-v1-'],
    entropy: 3,
    tags: ['openrouter', 'api-key'],
    tps: [
      'OPENROUTER_API_KEY=sk-or-v1-' + '4dd474cbf4adf516db46c34f99eb1fca' + 'b0e48393bebf1cba39303d4d45beb5b0',
      'client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-' + 'c82743712e7665b24b59db0a6f1f7814' + 'a20105dfe3af736c0d2d7c6b3891efe0")',
    ],
    fps: [
      'OPENROUTER_API_KEY=sk-or-v1-' + '0'.repeat(64),
      'OPENROUTER_API_KEY=sk-or-v1-...',
      'OPENROUTER_API_KEY=sk-or-v1-' + 'b60a14d416eb5a8b' + 'e5cf281ff87690ce',
    ],
  },
  {
    id: 'stability-api-key',
    description: 'Stability AI API key (sk- and 48 characters, with Stability context)',
    regex: ctx('stability|dreamstudio', 'sk-[A-Za-z0-9]{48}'),
    flags: 'i',
    keywords: ['stability', 'dreamstudio'],
    entropy: 3.5,
    tags: ['stability', 'api-key'],
    tps: [
      'STABILITY_API_KEY=sk-' + 'CDehHirmKCq7ZthRX1ByUm9B' + '4DlKkl8ExwdcyBY9Hw8D1uOq',
      'stability_api = client.StabilityInference(key="sk-' + 'HpEyZXM7RYSstAX631QqOmno' + 'Wqnj0EzuGntKh7pRjzRXBP8U")',
    ],
    fps: [
      'STABILITY_API_KEY=sk-' + 'x'.repeat(48),
      'STABILITY_API_KEY=sk-...',
    ],
  },
  {
    id: 'voyage-api-key',
    description: 'Voyage AI API key (pa-)',
    regex: String.raw`\b(pa-(?=[A-Za-z0-9_-]{0,42}[0-9])(?=[A-Za-z0-9_-]{0,42}[A-Z])[A-Za-z0-9_-]{43})${TAIL}`,
    keywords: ['pa-'],
    entropy: 3.5,
    tags: ['voyage', 'api-key'],
    tps: [
      'VOYAGE_API_KEY=pa-Q7' + 'ndjln6XxUG-jcEh095Tjv' + '87XcpiCP0PtN59CrTu6j',
      'vo = voyageai.Client(api_key="pa-' + '6mf2p_jpBFUFG8EbS7MY' + '3XtG29QA18_uSfqbk9dZk9x")',
    ],
    fps: [
      'class="spa-navigation-container-with-long-name-x"',
      'VOYAGE_API_KEY=pa-' + 'x'.repeat(43),
      'data-pa-component-tracking-identifier-for-analytics',
    ],
  },
  {
    id: 'cerebras-api-key',
    description: 'Cerebras inference API key (csk-)',
    regex: String.raw`\b(csk-${digitAhead(56)}[A-Za-z0-9]{40,56})${TAIL}`,
    keywords: ['csk-'],
    entropy: 3.5,
    tags: ['cerebras', 'api-key'],
    tps: [
      'CEREBRAS_API_KEY=csk-' + 'i5tgp6qwi3iwmcm6zlcrhjt7' + 'cv7bth2rldsyw64lbm854hxe',
      'client = Cerebras(api_key="csk-' + '37upplwx1czmxru6pko1a9xy' + 'nzg772wbjxy5urabjaqxgjpv")',
    ],
    fps: [
      'CEREBRAS_API_KEY=csk-' + 'x'.repeat(48),
      'CEREBRAS_API_KEY=csk-xxxxxxxxxxxxxxxxxxxxxx',
    ],
  },
];
