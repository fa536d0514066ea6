// Payment and commerce credentials. Fixed-prefix formats, from the vendors' API key docs:
// Stripe sk_/rk_ live and test keys and whsec_ webhook secrets (pk_ publishable keys are public
// and must not fire), Square EAAA / sq0atp- access tokens and sq0csp- OAuth secrets, Braintree
// access_token$production$...$<32 hex>, Plaid access-<env>-<uuid> tokens, Shopify shpat_ / shpca_ /
// shppa_ / shpss_ + 32 hex, Flutterwave FLWSECK-...-X secrets and encryption keys, Paystack
// sk_live_ + 40 hex (told apart from Stripe by its 40 lowercase hex body), Checkout.com sk_sbox_,
// Paddle pdl_live_apikey_ / pdl_sdbx_apikey_. Context formats (vendor name before an assignment on
// the same line): Braintree private key, PayPal client secret, Adyen AQE... keys, Plaid secret,
// Razorpay key secret, Coinbase API secret, Mollie live_/test_, GoCardless live_/sandbox_,
// Checkout.com production keys, Lemon Squeezy JWT keys. Sample values below are fake.
import type { RuleSpec } from '../rule.ts';
import { KEYED_ASSIGN, KEYED_THEN } from './keyed.ts';

/** Nothing of a token's alphabet follows: a longer run does not match partially. */
const TAIL = String.raw`(?![0-9A-Za-z_-])`;
/** The vendor name's tail, an optional closing quote, an assignment, argument separator or call paren, an optional opening quote. */
const ASSIGN = String.raw`[\w.\-(]{0,30}?["'\x60]?\s{0,3}(?:=>|:{1,3}=|\.=|[:=,(])\s{0,3}["'\x60]?`;
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
const JWT = String.raw`eyJ[A-Za-z0-9_-]{10,200}\.eyJ[A-Za-z0-9_-]{20,2000}\.[A-Za-z0-9_-]{20,1000}`;

/** A value assigned to a name matching `name` (use with flags "i"), or passed to a call. */
function ctx(name: string, value: string): string {
  return String.raw`(?:${name})(?:${ASSIGN}|${KEYED_ASSIGN})(${value})${TAIL}`;
}

// Stripe's published documentation test keys: public, so not worth a finding.
const STRIPE_DOC_KEYS = ['4eC39HqLyjWDarjtT1zdp7dc', 'BQokikJOvBiI2HlWgH4olfQ2'];

export const rules: RuleSpec[] = [
  // --- Stripe ---
  {
    id: 'stripe-secret-key',
    description: 'Stripe secret API key (sk_live_ / sk_test_)',
    // A body of exactly 40 lowercase hex characters is a Paystack key (paystack-secret-key).
    regex: String.raw`\b(sk_(?:live|test|prod)_(?![a-f0-9]{40}(?![0-9A-Za-z]))[0-9A-Za-z]{24,247})${TAIL}`,
    keywords: ['sk_live_', 'sk_test_', 'sk_prod_'],
    entropy: 3,
    tags: ['stripe', 'api-key', 'payments'],
    allowlists: [{ description: 'Stripe documentation test keys', stopwords: STRIPE_DOC_KEYS }],
    tps: [
      'STRIPE_SECRET_KEY=sk_live_51H' + 'yDMsNZCwqetRp2yOK4uUAz2DOnIQMaFFEZMyjJ4tmbOqv5wOi' + 'gFbYKgOOOOTb0ayRXbt7uZD8BBh7ZZiblGKFs5OEiHDGjeH1',
      'Stripe.api_key = "sk_test_' + 'x3T0vMIQSVOU' + 'fbvNErssaf9S"',
      'curl https://api.stripe.com/v1/charges -u sk_live_' + 'hpENVyfDzje2' + 'Si4IJpnwy3u8:',
    ],
    fps: [
      'STRIPE_PUBLISHABLE_KEY=pk_live_51H' + 'nugS1xb8Hi1jkXt8kOxFdE4FYaqQX7LpxVS3z8v2pdLRZ8DON' + 'SahHMXkxSsHOqmcrRPmLn4oFVCtF1LVeptHp1lU926E1xrZn',
      'stripe.api_key = "sk_test_' + '4eC39HqLyjWDarjtT1zdp7dc"',
      'STRIPE_SECRET_KEY=sk_live_' + 'xxxxxxxxxxxxxxxxxxxxxxxx',
      'PAYSTACK_SECRET_KEY=sk_live_' + '2efcc40b14553daf931a' + 'ce7a7bf1565048771dbc',
    ],
  },
  {
    id: 'stripe-restricted-key',
    description: 'Stripe restricted API key (rk_live_ / rk_test_)',
    regex: String.raw`\b(rk_(?:live|test|prod)_[0-9A-Za-z]{24,247})${TAIL}`,
    keywords: ['rk_live_', 'rk_test_', 'rk_prod_'],
    entropy: 3,
    tags: ['stripe', 'api-key', 'payments'],
    tps: [
      'STRIPE_RESTRICTED_KEY=rk_live_51H' + 'igN4vtZ4kJ67hSaUr5QNEoOqYAh8zCml6Cb1F5lZMYAlLnnYy' + 'evchibSlvmXlB7cHshRpQ7PfLa8XNBuMY5phJ1BGZenVqzZU',
      '{"stripe": {"key": "rk_test_' + 'Zy3AynSNQ9p0' + 'BHIhGSnZrg6C"}}',
    ],
    fps: [
      'STRIPE_RESTRICTED_KEY=rk_live_' + '000000000000000000000000',
      'rk_live_' + '...',
    ],
  },
  {
    id: 'stripe-webhook-secret',
    description: 'Stripe (or Svix-style) webhook signing secret (whsec_)',
    regex: String.raw`\b(whsec_[A-Za-z0-9+/]{32,88}={0,2})(?![A-Za-z0-9+/=_-])`,
    keywords: ['whsec_'],
    entropy: 3.5,
    tags: ['stripe', 'webhook', 'secret'],
    tps: [
      'STRIPE_WEBHOOK_SECRET=whsec_' + 'VMYiQBbBxOs4Tv3x' + 'vVpbC3747v3BTm8t',
      'endpoint_secret = "whsec_' + 'JN1hKTUn9w8DI9EZ' + 'Q97zoCU5HbX+xl/b"',
    ],
    fps: [
      'STRIPE_WEBHOOK_SECRET=whsec_' + 'xxxxxxxxxxxxxxxxxxxx',
      'STRIPE_WEBHOOK_SECRET=whsec_' + 'x'.repeat(32),
      'STRIPE_WEBHOOK_SECRET=whsec_...',
    ],
  },

  // --- Square ---
  {
    id: 'square-access-token',
    description: 'Square access token (EAAA, 64 characters)',
    regex: String.raw`\b(EAAA[A-Za-z0-9_-]{60}|sq0atp-[\w-]{22,60})${TAIL}`,
    keywords: ['eaaa', 'sq0atp-'],
    keywordTail: 22,
    entropy: 3.5,
    tags: ['square', 'token', 'payments'],
    tps: [
      'SQUARE_ACCESS_TOKEN=EAAA' + 'KO8i7HtIhCICDGur621BtRlinkga1q' + 'j6xwYnytEcGCGfBmBIMy-SSNR6bZQ6',
      'client = Client(access_token="EAAAE' + 'B0EEU1xkSC7uFt0EhUNXcZCIu7bfRQ' + 'Juo-ku9QDmrnmdD7C4nB2Dw_ObX7D", environment="sandbox")',
    ],
    fps: [
      'FACEBOOK_PAGE_TOKEN=EAAAAUaZA8jlABA' + '0PBAuiydLM9g8vDwkaqkh9GjaK0uD8dTBqfQ5EJQDYgQ7vUMPDTCMoEIjLaqT8Vl2x5M2wg43MogpRT6tGp5d' + 'Jgha1YltpZ9kOoHTuGHo7Gzi16EkqXm2HnNywU6gcWBU79bWT2Z1SQBHHwlFkv0JM9NzPiHIITaBZkcojMQ5c',
      'SQUARE_ACCESS_TOKEN=EAAA' + 'x'.repeat(60),
      'SQUARE_ACCESS_TOKEN=EAAA...',
    ],
  },
  {
    id: 'square-legacy-access-token',
    description: 'Square legacy personal access token (sq0atp-)',
    regex: String.raw`\b(sq0atp-[A-Za-z0-9_-]{22})${TAIL}`,
    keywords: ['sq0atp-'],
    entropy: 3,
    tags: ['square', 'token', 'payments'],
    tps: [
      'SQUARE_TOKEN=sq0atp-' + 'upvIs4ZKOJB' + 'lw0eEM_5yM0',
      '"Authorization": "Bearer sq0atp-' + 'xFIFadvgaB8' + '1PCYcZ3GGYw"',
    ],
    fps: [
      'SQUARE_TOKEN=sq0atp-' + 'XXXXXXXXXXXXXXXXXXXXXX',
      'SQUARE_TOKEN=sq0atp-' + 'NUKOjPUuwZ6p66j' + 'smOJo6O9MHUaJQ0',
    ],
  },
  {
    id: 'square-oauth-secret',
    description: 'Square OAuth application secret (sq0csp-)',
    regex: String.raw`\b(sq0csp-[A-Za-z0-9_-]{43})${TAIL}`,
    keywords: ['sq0csp-'],
    entropy: 3.5,
    tags: ['square', 'secret', 'oauth', 'payments'],
    tps: [
      'SQUARE_APP_SECRET=sq0csp-' + 'dAT5f1HarnN9eHFJuNZ2wn' + 'lVwToVYzioH7t-7Vv4BLQ',
      'square_oauth_secret: "sq0csp-' + 'Za3Ix1L5hbC37k7vjxcbWQ' + 'v1aWA4cCJr0K2ZTfJSKz6"',
    ],
    fps: [
      'SQUARE_APP_SECRET=sq0csp-' + 'x'.repeat(43),
      'SQUARE_APP_SECRET=sq0csp-<application-secret>',
    ],
  },

  // --- PayPal / Braintree ---
  {
    id: 'paypal-braintree-access-token',
    description: 'PayPal / Braintree access token (access_token$production$...)',
    regex: String.raw`\b(access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})${TAIL}`,
    keywords: ['access_token$'],
    entropy: 3,
    tags: ['paypal', 'braintree', 'token', 'payments'],
    tps: [
      'BRAINTREE_ACCESS_TOKEN=access_token$production$' + '3zera6n3' + 'tmoa4ele$' + '5519157450f99b37' + 'f62fbb9c262c4d4d',
      'gateway = braintree.BraintreeGateway(access_token="access_token$sandbox$' + '4hjjn9v7' + 'ogg1q8nx$' + 'a39333a050a89998' + 'e9641fccaecaa4df")',
    ],
    fps: [
      'BRAINTREE_ACCESS_TOKEN=access_token$production$' + 'xxxxxxxxxxxxxxxx$' + 'x'.repeat(32),
      'BRAINTREE_ACCESS_TOKEN=access_token$production$<merchant_id>$<token>',
    ],
  },
  {
    id: 'braintree-private-key',
    description: 'Braintree API private key (32 hex, with Braintree context)',
    regex: ctx(String.raw`braintree[\w.\-]{0,20}private[_-]?key`, '[0-9a-f]{32}'),
    flags: 'i',
    keywords: ['braintree'],
    entropy: 3,
    tags: ['braintree', 'api-key', 'payments'],
    tps: [
      'BRAINTREE_PRIVATE_KEY=' + '89895b7060047416' + 'bb3e53dcd8a59b44',
      'braintree_private_key: "' + '5bb41f0f2ac891a7' + 'ff24c6d8c452cf1b"',
    ],
    fps: [
      'BRAINTREE_PRIVATE_KEY=' + 'your_private_key',
      'BRAINTREE_PUBLIC_KEY=' + 'pf78twhi' + 'kxen6fnj',
      'BRAINTREE_PRIVATE_KEY=' + '00000000000000000000000000000000',
    ],
  },
  {
    id: 'paypal-client-secret',
    description: 'PayPal REST API client secret (with PayPal context)',
    regex: ctx(String.raw`paypal[\w.\-]{0,20}secret`, '[A-Za-z0-9_-]{60,90}'),
    flags: 'i',
    keywords: ['paypal'],
    entropy: 3.5,
    tags: ['paypal', 'secret', 'payments'],
    tps: [
      'PAYPAL_CLIENT_SECRET=E' + 'oU5IcMDed4772kKSKd-M_ixz6LrptJEckdu0WkUF' + '7eyZJfcohm5bJYiJzQPg5XR7TMPUDw8YwN1GfLC',
      'paypal_secret: "E' + 'kay1Z-j46Nf48jCvXb7y4DZI-ekwtCVTua-T5PBT' + 'ISvFvfc6rK5jEoybVh5tREs-ymOysyOz-ZaugoZ"',
    ],
    fps: [
      'PAYPAL_CLIENT_SECRET=' + 'xxxxxxxxxxxxxxxxxxxxxxxx',
      'PAYPAL_CLIENT_ID=A' + 'M1oiYkAKGjHESfkkHrGQkFFo6YbOJd_KrDh_8vcU' + 'RhlPEtWdSyrAbOBD1ojGIvXjJ4mh-2Jtxrf6-l2',
      'PAYPAL_CLIENT_SECRET=${PAYPAL_CLIENT_SECRET}',
    ],
  },

  // --- Adyen ---
  {
    id: 'adyen-api-key',
    description: 'Adyen API key (AQE..., with Adyen context)',
    regex: String.raw`(?:adyen|ADYEN|Adyen)[^\n]{0,60}?\b(AQE[A-Za-z0-9+/]{40,200}={0,2}-[A-Za-z0-9+/]{40,50}={0,2}(?:-[^\s"'\x60]{1,40})?)`,
    keywords: ['adyen'],
    entropy: 3.5,
    tags: ['adyen', 'api-key', 'payments'],
    tps: [
      'ADYEN_API_KEY=AQEyhmfxK' + '4XQA809RoAqqzJKjcBwjnPuCYJDdPlDs' + 'y87B1u7kKiL6RBM0mdd+DogMfJffMMG==-' + 'awvZ8UysrM9vKCnNhiW8gk' + 'qngn//SqDQDpYdF6JR4ne=-' + 'rBhTSd' + 'Y70gWw',
      'adyen.client.xapikey = "AQEjhmfu' + 'vlFuNvNklQ5r/+yapHcA9C2h47EFUlpH' + '/yATJw0PUgeU+8g5x2UjN2Iea5MqCU9E==-' + '1mvM/yaNzboCrrUpvVI+ek' + '+MdsoEYPxQxAGAyKG7zwP="',
    ],
    fps: [
      'ADYEN_API_KEY=AQE...',
      'ADYEN_API_KEY=AQExxxxxxxxxxxxxxxxxx',
      'ADYEN_CLIENT_KEY=test_' + 'RJ6WPD6OE8TXON6N' + '0YHDURGBCGNSCS98',
    ],
  },

  // --- Plaid ---
  {
    id: 'plaid-secret',
    description: 'Plaid API secret (30 hex, with Plaid context)',
    regex: ctx(String.raw`plaid[\w.\-]{0,20}secret`, '[a-f0-9]{30}'),
    flags: 'i',
    keywords: ['plaid'],
    entropy: 3,
    tags: ['plaid', 'secret', 'payments'],
    tps: [
      'PLAID_SECRET=' + '1d3ff28163fda62' + 'b264a15e5244cd7',
      'plaid_secret_sandbox: "' + '8aadd820b8216e0' + '61999455a567c97"',
    ],
    fps: [
      'PLAID_CLIENT_ID=' + '751b1a01aa94' + 'd2a2ecc0cda8',
      'PLAID_SECRET=' + '000000000000000000000000000000',
      'PLAID_SECRET=' + 'your-plaid-secret',
    ],
  },
  {
    id: 'plaid-access-token',
    description: 'Plaid item access token (access-sandbox- / access-development- / access-production-)',
    regex: String.raw`\b(access-(?:sandbox|development|production)-${UUID})${TAIL}`,
    keywords: ['access-sandbox-', 'access-development-', 'access-production-'],
    entropy: 3,
    tags: ['plaid', 'token', 'payments'],
    tps: [
      'PLAID_ACCESS_TOKEN=access-production-' + '1ce903ad-f4e3-4b59' + '-9e95-d0265cff1a77',
      '{"access_token": "access-sandbox-' + '23a6ad54-5eaa-401f' + '-9e37-50de1dbc86ce", "item_id": "' + 'cmcRLqMQv9hEdEZQF6B' + 'y2xNObEifsc7DS8KMP"}',
    ],
    fps: [
      'PLAID_ACCESS_TOKEN=access-sandbox-' + '00000000-0000-0000-0000-000000000000',
      'PLAID_ACCESS_TOKEN=access-sandbox-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
      'PLAID_PUBLIC_TOKEN=public-sandbox-' + 'ad936757-82de-40c1' + '-9022-8dbd7865cf56',
    ],
  },

  // --- Razorpay ---
  {
    id: 'razorpay-key-secret',
    description: 'Razorpay API key secret (24 characters, with Razorpay context)',
    regex: ctx(String.raw`(?:razorpay|rzp)[\w.\-]{0,20}secret`, '[A-Za-z0-9]{24}'),
    flags: 'i',
    keywords: ['razorpay', 'rzp'],
    entropy: 3.5,
    tags: ['razorpay', 'secret', 'payments'],
    tps: [
      'RAZORPAY_KEY_SECRET=' + '36C1B8579tgN' + 't8VhKF9X0HXP',
      'razorpay_secret: "' + 'WkMUJsoD50Rs' + 'jl83I1oI4sGw"',
    ],
    fps: [
      'RAZORPAY_KEY_SECRET=' + 'your_razorpay_secret',
      'RAZORPAY_KEY_SECRET=' + 'xxxxxxxxxxxxxxxxxxxxxxxx',
      'RAZORPAY_KEY_ID=rzp_live_' + 'c93sEvN' + '5QyrxJa',
    ],
  },
  {
    id: 'razorpay-key-pair',
    description: 'Razorpay key id (rzp_live_ / rzp_test_) followed by its key secret',
    regex: String.raw`\b(rzp_(?:live|test)_[A-Za-z0-9]{14})[^\n]{0,60}?(?:secret["'\x60]?\s{0,3}[:=]\s{0,3}["'\x60]?|:)([A-Za-z0-9]{24})${TAIL}`,
    flags: 'i',
    secretGroup: 2,
    keywords: ['rzp_live_', 'rzp_test_'],
    entropy: 3.5,
    tags: ['razorpay', 'secret', 'payments'],
    tps: [
      'curl -u rzp_live_' + 'T0Es96I' + 'tW20p6q:' + 'UeROypGYsPEk' + 'L7HWdVfTRBo4 https://api.razorpay.com/v1/payments',
      'new Razorpay({ key_id: "rzp_test_' + 'YO4jPr4' + 'wayfwSZ", key_secret: "' + '8y8hXvR5vGmI' + 'bEiPsRZdxPJX" })',
    ],
    fps: [
      'new Razorpay({ key_id: "rzp_test_' + 'y3b9m0W' + 'QqSnjr2", key_secret: process.env.RAZORPAY_SECRET })',
      'options = { key: "rzp_live_' + '34PTd9l' + 'pmvTVOi", amount: 50000 }',
    ],
  },

  // --- Coinbase ---
  {
    id: 'coinbase-api-secret',
    description: 'Coinbase API secret (legacy 32 characters or CDP base64, with Coinbase context)',
    regex: ctx(String.raw`coinbase[\w.\-]{0,20}secret`, String.raw`[A-Za-z0-9+/]{86}==|[A-Za-z0-9]{32}`),
    flags: 'i',
    keywords: ['coinbase'],
    entropy: 3.5,
    tags: ['coinbase', 'secret', 'payments'],
    tps: [
      'COINBASE_API_SECRET=' + '1kZstdi8iGPnTsG2' + '6maHzPtiJRURF8Cz',
      'coinbase_api_secret: "' + 'p8euUjBqmQioRgbATdlI6Fwxvr0b2yDSJd3iLSE1VK7' + 'pi8VIeQr4FZIja/CPdYvfyjUPTOGbWtyPSUGyd/0tsQ=="',
    ],
    fps: [
      'COINBASE_API_SECRET=' + 'your-coinbase-api-secret',
      'COINBASE_API_KEY=' + 'Tj8sIEcG' + 'vdgjk3F0',
      'COINBASE_API_SECRET=' + 'x'.repeat(32),
    ],
  },

  // --- Shopify ---
  {
    id: 'shopify-access-token',
    description: 'Shopify Admin API access token (shpat_)',
    regex: String.raw`\b(shpat_[a-fA-F0-9]{32})${TAIL}`,
    keywords: ['shpat_'],
    entropy: 3,
    tags: ['shopify', 'token'],
    tps: [
      'SHOPIFY_ACCESS_TOKEN=shpat_' + '7aa4f88ab87075ad' + 'ca2af3550fab97ae',
      '"X-Shopify-Access-Token": "shpat_' + 'db8cb3697380f1fc' + '889e9c192318de52"',
    ],
    fps: [
      'SHOPIFY_ACCESS_TOKEN=shpat_' + '0'.repeat(32),
      'SHOPIFY_ACCESS_TOKEN=shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    ],
  },
  {
    id: 'shopify-custom-app-token',
    description: 'Shopify custom app access token (shpca_)',
    regex: String.raw`\b(shpca_[a-fA-F0-9]{32})${TAIL}`,
    keywords: ['shpca_'],
    entropy: 3,
    tags: ['shopify', 'token'],
    tps: [
      'SHOPIFY_TOKEN=shpca_' + '43ecc4f52533660c' + '7ebdbd9e170d8cc0',
      'token: shpca_' + '9a3330392f5ad197' + '93f4ec10786bd0d9',
    ],
    fps: [
      'SHOPIFY_TOKEN=shpca_' + 'f'.repeat(32),
      'SHOPIFY_TOKEN=shpca_' + 'ccb61361c8' + 'cc30368ac9',
    ],
  },
  {
    id: 'shopify-private-app-token',
    description: 'Shopify private app access token (shppa_)',
    regex: String.raw`\b(shppa_[a-fA-F0-9]{32})${TAIL}`,
    keywords: ['shppa_'],
    entropy: 3,
    tags: ['shopify', 'token'],
    tps: [
      'SHOPIFY_PASSWORD=shppa_' + 'b5017ea1aaaa860a' + '6a7c896e0672c818',
      'https://mystore.myshopify.com/admin/api/2024-01/orders.json?access_token=shppa_' + 'd163a3fa00cda922' + 'a4762121998cce51',
    ],
    fps: [
      'SHOPIFY_PASSWORD=shppa_' + '0'.repeat(32),
      'SHOPIFY_PASSWORD=shppa_...',
    ],
  },
  {
    id: 'shopify-shared-secret',
    description: 'Shopify app shared secret (shpss_)',
    regex: String.raw`\b(shpss_[a-fA-F0-9]{32})${TAIL}`,
    keywords: ['shpss_'],
    entropy: 3,
    tags: ['shopify', 'secret'],
    tps: [
      'SHOPIFY_API_SECRET=shpss_' + 'cb62227bf57e6c9b' + '98cad59a7d7f3486',
      'shopify.api_secret = "shpss_' + '426e817198a1c389' + '9db70379ef83a218"',
    ],
    fps: [
      'SHOPIFY_API_SECRET=shpss_' + 'x'.repeat(32),
      'SHOPIFY_API_SECRET=shpss_' + 'd1fcc9d475c748a9c838' + '8a2049ed1ad3b50c245b',
    ],
  },

  // --- Flutterwave ---
  {
    id: 'flutterwave-secret-key',
    description: 'Flutterwave secret key (FLWSECK-...-X / FLWSECK_TEST-...-X)',
    regex: String.raw`\b(FLWSECK(?:_TEST)?-[a-fA-F0-9]{32}-X)${TAIL}`,
    keywords: ['flwseck'],
    entropy: 3,
    tags: ['flutterwave', 'secret', 'payments'],
    tps: [
      'FLW_SECRET_KEY=FLWSECK-' + 'b481c220c5ccdba1' + 'a4882dbcd3eec070-X',
      'flw = Rave("FLWPUBK-' + '635809d0cc6ebf67' + 'fa66ad8e044573a0-X", "FLWSECK_TEST-' + 'e8554db1e98d0679' + 'b227f88393bb8f18-X")',
    ],
    fps: [
      'FLW_PUBLIC_KEY=FLWPUBK-' + '3384e925ae0dc0c9' + 'c429db914aabb70e-X',
      'FLW_SECRET_KEY=FLWSECK_TEST-' + 'x'.repeat(32) + '-X',
      'FLW_SECRET_KEY=FLWSECK-' + '0'.repeat(32) + '-X',
    ],
  },
  {
    id: 'flutterwave-encryption-key',
    description: 'Flutterwave encryption key (FLWSECK + 12 hex)',
    regex: String.raw`\b(FLWSECK(?:_TEST)?-?[a-fA-F0-9]{12})${TAIL}`,
    keywords: ['flwseck'],
    entropy: 3,
    tags: ['flutterwave', 'secret', 'payments'],
    tps: [
      'FLW_ENCRYPTION_KEY=FLWSECK_TEST' + '4383b3' + '1678b1',
      'encryption_key: "FLWSECK' + 'fac29d' + '0c0a4a"',
    ],
    fps: [
      'FLW_ENCRYPTION_KEY=FLWSECK_TESTxxxxxxxxxxxx',
      'FLW_SECRET_KEY=FLWSECK_TEST-' + 'f29451bc799046ad' + '1186a62c1cf01f0a-X',
    ],
  },

  // --- Paystack ---
  {
    id: 'paystack-secret-key',
    description: 'Paystack secret key (sk_live_ / sk_test_ + 40 hex)',
    regex: String.raw`\b(sk_(?:live|test)_[a-f0-9]{40})${TAIL}`,
    keywords: ['sk_live_', 'sk_test_', 'sk_prod_'],
    entropy: 3,
    tags: ['paystack', 'secret', 'payments'],
    tps: [
      'PAYSTACK_SECRET_KEY=sk_live_' + 'b5690a916091f207fa53' + '66bea56e8959d28fbc0d',
      '"Authorization": "Bearer sk_test_' + 'de599f58b2205937f267' + 'a745c53ce76894dfd60d"',
    ],
    fps: [
      'PAYSTACK_SECRET_KEY=sk_test_' + 'x'.repeat(40),
      'PAYSTACK_PUBLIC_KEY=pk_live_' + '3c067267de8e40028769' + 'ffdb4a419acd9ca35e34',
      'STRIPE_SECRET_KEY=sk_live_' + 'nntwKjTU1Dh0' + 'TvBav9tygDXP',
    ],
  },

  // --- Mollie / GoCardless / Checkout.com ---
  {
    id: 'mollie-api-key',
    description: 'Mollie API key (live_ / test_ + 30 characters, with Mollie context)',
    regex: ctx('mollie', '(?:live|test)_[A-Za-z0-9]{30}'),
    flags: 'i',
    keywords: ['mollie'],
    entropy: 3.5,
    tags: ['mollie', 'api-key', 'payments'],
    tps: [
      'MOLLIE_API_KEY=live_' + 'ofYh0EzZ8ndm9HZ' + 'PXmwhBSkUjwdzAV',
      'mollie_client.set_api_key("test_' + 'qO7hhvEPXKRHfDG' + '07k9ccxEdEDEcdG")',
    ],
    fps: [
      'MOLLIE_API_KEY=test_' + 'x'.repeat(30),
      'MOLLIE_API_KEY=live_...',
    ],
  },
  {
    id: 'gocardless-access-token',
    description: 'GoCardless access token (live_ / sandbox_ + 40 characters, with GoCardless context)',
    regex: ctx('gocardless', '(?:live|sandbox)_[A-Za-z0-9_=-]{40}'),
    flags: 'i',
    keywords: ['gocardless'],
    multiline: true,
    windowLines: 1,
    entropy: 3.5,
    tags: ['gocardless', 'token', 'payments'],
    tps: [
      'GOCARDLESS_ACCESS_TOKEN=live_' + 'AlSamjDqpiSa4xg1jVS-' + 'WpRPDbFayNxx23VOrnNH',
      'client = gocardless_pro.Client(access_token="sandbox_' + 'bXIhEbLXTXN7JOYGSt_A' + '7K_VflNwdUU5lbByDcfS", environment="sandbox")',
    ],
    fps: [
      'GOCARDLESS_ACCESS_TOKEN=sandbox_' + 'x'.repeat(40),
      'GOCARDLESS_ENVIRONMENT=live',
    ],
  },
  {
    id: 'checkout-sandbox-secret-key',
    description: 'Checkout.com sandbox secret key (sk_sbox_)',
    regex: String.raw`\b(sk_sbox_[a-z0-9]{26,28})${TAIL}`,
    keywords: ['sk_sbox_'],
    entropy: 3,
    tags: ['checkout', 'api-key', 'payments'],
    tps: [
      'CHECKOUT_SECRET_KEY=sk_sbox_' + 'amtutgabbyngxw' + 'uhazvlvq3rgc6',
      '"Authorization": "Bearer sk_sbox_' + '4wm2v5amxwvf5v' + '7kn6rcmo3ezkh"',
    ],
    fps: [
      'const cko = new Checkout("sk_sbox_XXX", { pk: "pk_sbox_XXX" });',
      'CHECKOUT_PUBLIC_KEY=pk_sbox_' + 'frcn2zggs6ui4n' + '6cri2kl2pk4g6',
      'SBOX_KEY=sk_sbox_' + 'zatcaconnect_uat_v1',
    ],
  },
  {
    id: 'checkout-secret-key',
    description: 'Checkout.com secret key (sk_ + 26-28 characters or legacy sk_test_ + UUID, with Checkout.com context)',
    regex: ctx(String.raw`checkout[\w.\-]{0,20}secret|cko[\w.\-]{0,20}secret`, String.raw`sk_(?:test_)?${UUID}|sk_[a-z0-9]{26,28}`),
    flags: 'i',
    keywords: ['checkout', 'cko'],
    entropy: 3,
    tags: ['checkout', 'api-key', 'payments'],
    tps: [
      'CHECKOUT_SECRET_KEY=sk_' + 'h5c4marmff3qio' + 'm26ky7no654nq',
      'checkout_secret_key: "sk_test_' + '6a7593f6-6434-46a0' + '-ad23-8a9543e34679"',
    ],
    fps: [
      'CHECKOUT_SECRET_KEY=sk_' + 'x'.repeat(27),
      'CHECKOUT_PUBLIC_KEY=pk_' + '6dzypnplbjxcse' + 'sc4dgge25c3xx',
      'CHECKOUT_SECRET_KEY=sk_test_' + '00000000-0000-0000-0000-000000000000',
    ],
  },

  // --- Paddle / Lemon Squeezy ---
  {
    id: 'paddle-api-key',
    description: 'Paddle Billing API key (pdl_live_apikey_ / pdl_sdbx_apikey_)',
    regex: String.raw`\b(pdl_(?:live|sdbx)_apikey_(?=[0-9A-Za-z_]{0,80}[0-9])[A-Za-z0-9_]{40,80})${TAIL}`,
    keywords: ['pdl_live_apikey_', 'pdl_sdbx_apikey_'],
    entropy: 3.5,
    tags: ['paddle', 'api-key', 'payments'],
    tps: [
      'PADDLE_API_KEY=pdl_live_apikey_01' + 'i8h0kvdye8y5' + 'zxjavuyzkavx_' + '1TCVVRdSM6KQp' + 'v1mueE96OWuJb',
      'paddle = Paddle("pdl_sdbx_apikey_01' + '0zx7udjq2ons' + 'emfyi78h8ug6_' + 'Bne7obNB8xZHq' + 'wrsi9XcclcJkU")',
    ],
    fps: [
      'PADDLE_API_KEY=pdl_live_apikey_' + 'test_fixture',
      'placeholder: "pdl_live_apikey_xxxxxxx..."',
      'PADDLE_CLIENT_TOKEN=live_' + 'l12qchd5220xo8' + 'b7v04sgqq1lrm',
    ],
  },
  {
    id: 'lemonsqueezy-api-key',
    description: 'Lemon Squeezy API key (JWT, with Lemon Squeezy context)',
    regex: ctx(String.raw`lemon[_\-.]?squeezy`, JWT),
    flags: 'i',
    keywords: ['lemonsqueezy', 'lemon_squeezy', 'lemon-squeezy', 'lemon.squeezy'],
    entropy: 3.5,
    tags: ['lemonsqueezy', 'api-key', 'payments'],
    tps: [
      'LEMONSQUEEZY_API_KEY=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ' + 'F-N8NrVsOizxg1O-30nzDQ7YdgRcUgJ2f0viCyNY_9v9Dh6edwbz8T6o6Slb-58ttbS4IpAL-GxkVGITloolxSCYEjqLoXL61ZE3c1f_ZEifM7sK5S6SUnmwPoStvyUEo0VRxszVaOrQWxb0qe-co_PdXhozSdQBcPjflluYgBO2IuDBLvqN1zx_njXdDz8ugpjBo2jgvlftt-UeQvSLhTatacqVpIct9_SdJgbB5M60hlo4DDZZSMfEJeK5b5p39r437oQRV4XmjDqIDeiNJuJUptFJVGsN8lqFv7a-rc54' + 'k32CZYDpwWJTOX2Ow5M1vAQcJbRqseyu7doCdjjsV1M0koJ9_6aEbEF0NxuxaalRCRnndMblWOHwkxoAJz6VJHWZee6WiliyZ__d4NKWCssq_BjpdZRvPVTJBZAOE0GVoVRzcp9Rweeu26NW91dE-2iHT_kGE3iBovOjd0KnMIBa9qsoPlAi-llp0x5knt9srTXfVK02Y-dDM77oqjSXf8g3h45hAJSsJuQbuxyChvqFr1F40ne9F9W2Nz6BPRQG8kZtV8oYPmVfUrX4QHbYQCiOvCFQU7zHFo2n3CZscGmk.' + 'tMsfYQxij0w2xBcXFLdUbTUnYOZ2ett84kvO4OXI4lbKbIXvJaHBgVm3_CGI9slZa7b0BttQfhPnNFo3mgKk7CcKz6A-opgBQhUYHWbkqIlLDorfrljyJzfHrkLRru_-mUcl2s526VU7Uop5bBDINGGp7QhUM8qHOTv-iI9xf6P' + 'dsbUQeNNJKgf3waeeYkUq2n-AZXkbsfDtV0-988AoOOL38AI_-AExj2561DaN7v5bQ6QNwvRNmj0O_AnspRqf8J5MX2BB3CdXcZeNcAmSpB9UjpdHwYDOv1OWPpjJ3ksWWhz87MOTrhyoAwB1KR3Rh987WVqjZwKgfoeMRDG83A',
      'lemon_squeezy_api_key: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ' + 'Q90eNU0aTH88HmMSA5kinPSSHDTlA8QEJPp1yCR6vOZbZQC5tbWn96HBSMY0KXpOqe3xOBa--bkE7Caiv9kX5LWFF9NvW-CTmVTypPFq4yUvNFUgPmD0EqEDG7tRfrHEdCgNVakYqquoPVQeiwXQFZvQLtnVQsna3J8QwRCOINvtD7JjgNhHhh7OiqmW2HOCDfDzI6yG' + '_QGYuty-r0xK7v4bwli5xulxU9vO4wBWJ4OE-I3h-tRhXvo_1N2392BJ791Fo5G0NoNKSnCaxMyDiWauc3rjzAxdpdVQMZ1PErjQBQgHUTgGOlmA9vqJrLRcaziapV83OuyTXS2xMfciIU19GYbjrlxU4Wu0y8GmsDUtEmG8LGBxA5AYwY9P3Z022DooLyGc7ouRAb-n.' + 'V1WUgLhsK5-8OzAVW5MhRXA-9PSMycF1KMkh2U3FDKKYjfAVECC59YiPqjEfP-x9MFSXSsFx5HRR9joM7JjzWDNjVIV_O3LxHx9Hm0aFofz1fYm1pFdyMezBd0wbQJ5eS9crYG8FvW3cH3_ccAxc4Vp4HGsZjC_KPMd6oSnYcaR' + 'SlyA2bzhEY8jwjQraU1mYFBEghLX7_vZalnL99lCIfOz5R5O9IQ4PuHGjazml1YxWaN9tuFpaTGvRrj9bj24j_akIgCJIc4LPRDPr9tOlDT7m43z0T9_S0l-XaZm90ZXyC7Pmpk9I-TbzFxrSFqoL8xwmpp2syDvvXQITSUuZ1O"',
    ],
    fps: [
      'LEMONSQUEEZY_API_KEY=' + 'your-lemonsqueezy-api-key',
      'LEMONSQUEEZY_STORE_ID=12345',
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
    id: 'settlemint-service-access-token',
    description: 'SettleMint service access token',
    regex: String.raw`\b(sm_sat_[a-zA-Z0-9]{16})(?:[\x60'"\s;]|\\[nr]|$)`,
    keywords: ['sm_sat'],
    entropy: 3,
    tags: ['settlemint', 'gitleaks'],
    tps: ['token = "sm_sat_MB5oe' + '4O8sUiYZFIu"', 'export SECRET=sm_sat_MB5oe' + '4O8sUiYZFIu'],
    fps: ['token = "xx_xxx_xxxxxxxxxxxxxxxx"', 'token = "sm_sat_MB5o"'],
  },
  {
    id: 'settlemint-personal-access-token',
    description: 'SettleMint personal access token',
    regex: String.raw`\b(sm_pat_[a-zA-Z0-9]{16})(?:[\x60'"\s;]|\\[nr]|$)`,
    keywords: ['sm_pat'],
    entropy: 3,
    tags: ['settlemint', 'gitleaks'],
    tps: ['token = "sm_pat_NHwpx' + 'H6MN2XlmmjT"', 'export SECRET=sm_pat_NHwpx' + 'H6MN2XlmmjT'],
    fps: ['token = "xx_xxx_xxxxxxxxxxxxxxxx"', 'token = "sm_pat_NHwp"'],
  },
  {
    id: 'settlemint-application-access-token',
    description: 'SettleMint application access token',
    regex: String.raw`\b(sm_aat_[a-zA-Z0-9]{16})(?:[\x60'"\s;]|\\[nr]|$)`,
    keywords: ['sm_aat'],
    entropy: 3,
    tags: ['settlemint', 'gitleaks'],
    tps: ['token = "sm_aat_m7EKA' + 'v2HEyVTuAsQ"', 'export SECRET=sm_aat_m7EKA' + 'v2HEyVTuAsQ'],
    fps: ['token = "xx_xxx_xxxxxxxxxxxxxxxx"', 'token = "sm_aat_m7EK"'],
  },
  {
    id: 'plaid-secret-key',
    description: 'Plaid secret key next to a plaid name',
    regex: String.raw`(?:plaid)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{30})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['plaid'],
    multiline: true,
    windowLines: 1,
    entropy: 3.5,
    tags: ['plaid', 'gitleaks'],
    tps: ['PLAID_TOKEN=cox4gfx28tysdpg' + '1qoe49v0mue05ak', '"plaid_key": "cox4gfx28tysdpg' + '1qoe49v0mue05ak"', '<plaidSecret>\n    cox4gfx28tysdpg' + '1qoe49v0mue05ak\n</plaidSecret>'],
    fps: ['PLAID_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'PLAID_TOKEN=cox4gfx28tysdpg'],
  },
  {
    id: 'kucoin-secret-key',
    description: 'KuCoin secret key next to a kucoin name',
    regex: String.raw`(?:kucoin)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['kucoin'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['kucoin', 'gitleaks'],
    tps: ['KUCOIN_TOKEN=5562d86b-30fc-ea87' + '-5c1f-073065bc03cc', '"kucoin_key": "5562d86b-30fc-ea87' + '-5c1f-073065bc03cc"', '<kucoinSecret>\n    5562d86b-30fc-ea87' + '-5c1f-073065bc03cc\n</kucoinSecret>'],
    fps: ['KUCOIN_TOKEN=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', 'KUCOIN_TOKEN=5562d86b-30fc-ea87'],
  },
  {
    id: 'kucoin-access-token',
    description: 'KuCoin access token next to a kucoin name',
    regex: String.raw`(?:kucoin)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-f0-9]{24})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['kucoin'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['kucoin', 'gitleaks'],
    tps: ['KUCOIN_TOKEN=62de72e1ec27' + 'e6c46f43b6bb', '"kucoin_key": "62de72e1ec27' + 'e6c46f43b6bb"', '<kucoinSecret>\n    62de72e1ec27' + 'e6c46f43b6bb\n</kucoinSecret>'],
    fps: ['KUCOIN_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx', 'KUCOIN_TOKEN=62de72e1ec27'],
  },
  {
    id: 'kraken-access-token',
    description: 'Kraken access token next to a kraken name',
    regex: String.raw`(?:kraken)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9\/=_\+\-]{80,90})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['kraken'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['kraken', 'gitleaks'],
    tps: ['KRAKEN_TOKEN=+qc1l2i0-q93b5gae646fw92/z7hj3bfx8gi0m3f6ldc' + '9t82ecs40k73eqqcyywk5kmdfg8=7ywx_4ez2e29-ue=', '"kraken_key": "+qc1l2i0-q93b5gae646fw92/z7hj3bfx8gi0m3f6ldc' + '9t82ecs40k73eqqcyywk5kmdfg8=7ywx_4ez2e29-ue="', '<krakenSecret>\n    +qc1l2i0-q93b5gae646fw92/z7hj3bfx8gi0m3f6ldc' + '9t82ecs40k73eqqcyywk5kmdfg8=7ywx_4ez2e29-ue=\n</krakenSecret>'],
    fps: ['KRAKEN_TOKEN=+xxxxxxx-xxxxxxxxxxxxxxx/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=xxxx_xxxxxxx-xx=', 'KRAKEN_TOKEN=+qc1l2i0-q93b5gae646fw92/z7hj3bfx8gi0m3f6ldc'],
  },
  {
    id: 'finnhub-access-token',
    description: 'Finnhub access token next to a finnhub name',
    regex: String.raw`(?:finnhub)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{20})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['finnhub'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['finnhub', 'gitleaks'],
    tps: ['FINNHUB_TOKEN=pq8q3t5qz8' + 'm7y876ne8v', '"finnhub_key": "pq8q3t5qz8' + 'm7y876ne8v"', '<finnhubSecret>\n    pq8q3t5qz8' + 'm7y876ne8v\n</finnhubSecret>'],
    fps: ['FINNHUB_TOKEN=xxxxxxxxxxxxxxxxxxxx', 'FINNHUB_TOKEN=pq8q3t5qz8'],
  },
  {
    id: 'finicity-client-secret',
    description: 'Finicity client secret next to a finicity name',
    regex: String.raw`(?:finicity)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{20})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['finicity'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['finicity', 'gitleaks'],
    tps: ['FINICITY_TOKEN=tucwb0j0yp' + 'atwdhc432l', '"finicity_key": "tucwb0j0yp' + 'atwdhc432l"', '<finicitySecret>\n    tucwb0j0yp' + 'atwdhc432l\n</finicitySecret>'],
    fps: ['FINICITY_TOKEN=xxxxxxxxxxxxxxxxxxxx', 'FINICITY_TOKEN=tucwb0j0yp'],
  },
  {
    id: 'finicity-api-token',
    description: 'Finicity API token next to a finicity name',
    regex: String.raw`(?:finicity)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-f0-9]{32})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['finicity'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['finicity', 'gitleaks'],
    tps: ['FINICITY_TOKEN=bcb31269f0ff5467' + 'ff548fbb9a60efa2', '"finicity_key": "bcb31269f0ff5467' + 'ff548fbb9a60efa2"', '<finicitySecret>\n    bcb31269f0ff5467' + 'ff548fbb9a60efa2\n</finicitySecret>'],
    fps: ['FINICITY_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'FINICITY_TOKEN=bcb31269f0ff5467'],
  },
  {
    id: 'coinbase-access-token',
    description: 'Coinbase access token next to a coinbase name',
    regex: String.raw`(?:coinbase)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9_-]{64})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['coinbase'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['coinbase', 'gitleaks'],
    tps: ['COINBASE_TOKEN=-fv575gr37opq_--7qyl5l0ah-c3tq-w' + '5-sy3zc0vvisp_7ctchjpcqfamrojkbi', '"coinbase_key": "-fv575gr37opq_--7qyl5l0ah-c3tq-w' + '5-sy3zc0vvisp_7ctchjpcqfamrojkbi"', '<coinbaseSecret>\n    -fv575gr37opq_--7qyl5l0ah-c3tq-w' + '5-sy3zc0vvisp_7ctchjpcqfamrojkbi\n</coinbaseSecret>'],
    fps: ['COINBASE_TOKEN=-xxxxxxxxxxxx_--xxxxxxxxx-xxxx-xx-xxxxxxxxxxx_xxxxxxxxxxxxxxxxxx', 'COINBASE_TOKEN=-fv575gr37opq_--7qyl5l0ah-c3tq-w'],
  },
  {
    id: 'bittrex-secret-key',
    description: 'Bittrex secret key next to a bittrex name',
    regex: String.raw`(?:bittrex)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{32})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['bittrex'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['bittrex', 'gitleaks'],
    tps: ['BITTREX_TOKEN=kwoxlqa5h13b0pm6' + 'lq3lljxaf49hdisk', '"bittrex_key": "kwoxlqa5h13b0pm6' + 'lq3lljxaf49hdisk"', '<bittrexSecret>\n    kwoxlqa5h13b0pm6' + 'lq3lljxaf49hdisk\n</bittrexSecret>'],
    fps: ['BITTREX_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'BITTREX_TOKEN=kwoxlqa5h13b0pm6'],
  },
  {
    id: 'bittrex-access-key',
    description: 'Bittrex access key next to a bittrex name',
    regex: String.raw`(?:bittrex)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{32})(?:[\x60'"\s;]|\\[nr]|$)`,
    flags: 'i',
    keywordThen: KEYED_THEN,
    keywords: ['bittrex'],
    multiline: true,
    windowLines: 1,
    entropy: 3,
    tags: ['bittrex', 'gitleaks'],
    tps: ['BITTREX_TOKEN=5gy6uvx004pgpibf' + 'wbr1d7y4isti1jns', '"bittrex_key": "5gy6uvx004pgpibf' + 'wbr1d7y4isti1jns"', '<bittrexSecret>\n    5gy6uvx004pgpibf' + 'wbr1d7y4isti1jns\n</bittrexSecret>'],
    fps: ['BITTREX_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'BITTREX_TOKEN=5gy6uvx004pgpibf'],
  },
];
