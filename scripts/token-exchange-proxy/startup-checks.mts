// Configurations the proxy refuses to start with, and those it starts with
// but warns about loudly. Run by startProxy, so flags and --manifests are
// checked alike.
import { FlagError } from './flags.mts';
import type { ProxyOptions } from './options.mts';

/**
 * Loopback hosts, as ToolHive's networking.IsLocalhost sees them
 * (pkg/networking/utilities.go@v0.44.0): `localhost`, 127.0.0.0/8, ::1.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** ToolHive's escape hatch for the HTTPS rule (pkg/networking/utilities.go@v0.44.0). */
export const ENV_INSECURE_DISABLE_URL_VALIDATION = 'INSECURE_DISABLE_URL_VALIDATION';

export interface StartupWarning {
  flag: string;
  message: string;
}

/**
 * Throws FlagError for a configuration that cannot be run safely; returns the
 * warnings to log for one that runs with a check switched off.
 */
export function checkStartup(
  options: ProxyOptions,
  env: NodeJS.ProcessEnv = process.env,
): StartupWarning[] {
  const compat = options.compat === 'toolhive';
  const oidc = options.oidc;
  const te = options.tokenExchange;
  const warnings: StartupWarning[] = [];

  // Tokens and client secrets must not cross the network in clear text
  // (RFC 6749 §3.1, §10.9; RFC 7662 §4). ToolHive refuses a plain-HTTP
  // issuer, JWKS and introspection URL on a non-loopback host unless
  // --oidc-insecure-allow-http (cmd/thv/app/run_flags.go@v0.44.0,
  // pkg/auth/token.go@v0.44.0) — when the first request comes; the proxy
  // refuses at start-up. The same flag opts the token endpoint in; ToolHive
  // does not check that URL, nor does --compat toolhive.
  const insecureOk =
    oidc?.insecureAllowHttp === true ||
    String(env[ENV_INSECURE_DISABLE_URL_VALIDATION]).toLowerCase() === 'true';
  const urls: [string, string | undefined][] = [
    ['oidc-issuer', oidc?.issuer],
    ['oidc-jwks-url', oidc?.jwksUrl],
    ['oidc-introspection-url', oidc?.introspectionUrl],
  ];
  if (!compat) urls.push(['token-exchange-url', te?.tokenUrl]);
  for (const [flag, url] of urls) {
    if (!url) continue;
    const u = new URL(url);
    if (u.protocol !== 'http:' || isLoopbackHost(u.hostname)) continue;
    if (insecureOk) {
      warnings.push({
        flag,
        message: `--${flag} is plain HTTP to ${u.hostname}: tokens travel unencrypted (allowed by --oidc-insecure-allow-http)`,
      });
      continue;
    }
    throw new FlagError(
      `--${flag} uses plain HTTP to the non-loopback host ${u.hostname}, so tokens would travel ` +
        'unencrypted; use an https:// URL (or, for a test set-up only, add --oidc-insecure-allow-http)',
      flag,
    );
  }

  if (oidc) {
    // RFC 9728 §3.2 / MCP authorization: the metadata names the authorization
    // server; ToolHive publishes "authorization_servers": [""] without an
    // issuer, which clients (the MCP SDK among them) reject as a whole.
    if (options.resourceUrl && !oidc.issuer) {
      throw new FlagError(
        '--resource-url publishes RFC 9728 metadata, whose authorization_servers must name the ' +
          'issuer: add --oidc-issuer (with --oidc-jwks-url it is used only for the iss check and the metadata)',
        'resource-url',
      );
    }
    // RFC 8725 §3.8–3.9: without an issuer or an audience to check, a token
    // issued by another issuer sharing the keys, or for another resource,
    // is accepted.
    if (!oidc.issuer) {
      warnings.push({
        flag: 'oidc-issuer',
        message:
          'no --oidc-issuer: the iss claim is NOT checked, so a token from any issuer whose keys are in the JWKS is accepted (RFC 8725 §3.8)',
      });
    }
    if (!oidc.audience) {
      warnings.push({
        flag: 'oidc-audience',
        message:
          'no --oidc-audience: the aud claim is NOT checked, so a token issued for any other resource is accepted (RFC 8725 §3.9)',
      });
    }
  }
  return warnings;
}
