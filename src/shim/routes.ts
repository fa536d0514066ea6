// The shim's route table: longest prefix wins, each route with its upstream and a resolver for
// the credential it injects. Static credentials (environment, files) are read once at start
// and reload, so a route that cannot get its credential is an error then, naming the route.
import { GatehouseError, errorMessage } from '../errors.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Env } from '../config/paths.ts';
import type { ShimRouteConfig } from '../config/schema.ts';
import { resolveSecretRef, SECRET_REF_PATTERN } from '../config/secret-ref.ts';
import { answerFromRule, type HelperContext } from '../credential/helper.ts';
import { blankCredential } from '../credential/request.ts';
import type { Store } from '../store/factory.ts';

export interface Route {
  config: ShimRouteConfig;
  prefix: string;
  upstream: URL;
  /** The header to set and its value, for this request. */
  credential(): Promise<[string, string] | null>;
}

export interface RouteTable {
  routes: Route[];
  match(path: string): Route | null;
}

const STATIC_SOURCES = new Set(['env', 'file']);

export async function buildRouteTable(loaded: LoadedConfig, env: Env, store: () => Promise<Store>): Promise<RouteTable> {
  const routes: Route[] = [];
  const seen = new Set<string>();
  for (const config of loaded.config.shim.route) {
    if (seen.has(config.prefix)) throw new GatehouseError(`shim route ${config.prefix} is defined twice`);
    seen.add(config.prefix);
    routes.push(await buildRoute(config, loaded, env, store));
  }
  routes.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    routes,
    match: (path) => routes.find((r) => path.startsWith(r.prefix) || `${path}/` === r.prefix) ?? null,
  };
}

async function buildRoute(config: ShimRouteConfig, loaded: LoadedConfig, env: Env, store: () => Promise<Store>): Promise<Route> {
  const where = `shim route ${config.prefix}`;
  const header = (secret: string): [string, string] => authHeader(config, secret);
  let resolve: () => Promise<[string, string] | null>;
  if (config.auth === 'none') resolve = async () => null;
  else if (!config.credential) throw new GatehouseError(`${where}: auth = "${config.auth}" needs a credential`, { hint: 'set credential to a [[credential.rule]] name or "env:NAME"' });
  else if (SECRET_REF_PATTERN.test(config.credential)) {
    let secret: string;
    try {
      secret = resolveSecretRef(config.credential, env, where);
    } catch (error) {
      throw new GatehouseError(`${where}: cannot resolve its credential: ${errorMessage(error)}`);
    }
    const fixed = header(secret);
    resolve = async () => fixed;
  } else {
    const rule = loaded.config.credential.rule.find((r) => r.name === config.credential);
    if (!rule) throw new GatehouseError(`${where}: no [[credential.rule]] named ${config.credential}`);
    // The route binds the rule to its upstream in the operator's own config, and the shim never
    // follows a redirect: the rule answers for the route's upstream whatever hosts it names.
    const ctx: HelperContext = { loaded, env, openStore: store };
    const request = blankCredential({ protocol: config.upstream.split(':')[0]!, host: new URL(config.upstream).host });
    const ask = async () => {
      const answer = await answerFromRule(rule, request, ctx);
      if (!answer?.password) throw new GatehouseError(`${where}: credential rule ${rule.name} gave no secret`);
      return header(answer.password);
    };
    if (STATIC_SOURCES.has(rule.source)) {
      const fixed = await ask().catch((error: unknown) => {
        throw new GatehouseError(`${where}: cannot resolve its credential: ${errorMessage(error)}`);
      });
      resolve = async () => fixed;
    } else {
      // Minted and looked-up credentials are cached (sealed) by the credential layer; ask each time.
      await ask().catch((error: unknown) => {
        throw new GatehouseError(`${where}: cannot resolve its credential: ${errorMessage(error)}`);
      });
      resolve = ask;
    }
  }
  return { config, prefix: config.prefix, upstream: new URL(config.upstream), credential: resolve };
}

export function authHeader(config: ShimRouteConfig, secret: string): [string, string] {
  switch (config.auth) {
    case 'bearer':
      return ['authorization', `Bearer ${secret}`];
    case 'token':
      return ['authorization', `token ${secret}`];
    case 'basic':
      return ['authorization', `Basic ${Buffer.from(`${config.username}:${secret}`).toString('base64')}`];
    default:
      return [config.auth.slice('header:'.length).toLowerCase(), secret];
  }
}
