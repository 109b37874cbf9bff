// Library entry point of the reference token-exchange proxy.
export { startProxy, type RunningProxy, type StartProxyExtras } from './server.mts';
export type { ProxyOptions, OidcOptions, TokenExchangeOptions } from './options.mts';
export { optionsFromArgs, normalizeSubjectTokenType, resolveClientSecret } from './options.mts';
export { FLAGS, parseArgs, helpText, FlagError } from './flags.mts';
export { buildExchangeBody, buildExchangeHeaders } from './token-exchange.mts';
