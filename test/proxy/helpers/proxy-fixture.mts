// One reference proxy in front of a recording upstream, with the fixture IdP's
// auth flags and a user token; closing it also checks that its log holds no
// token and no client secret.
import { startProxy, type RunningProxy } from '../../../scripts/token-exchange-proxy/index.mts';
import {
  EXCHANGE_CLIENT_SECRET,
  fixtureAuth,
  startFixtureIdp,
  type FixtureIdp,
} from './fixture-idp.mts';
import type { LogCapture } from './log-capture.mts';
import { startRecordingUpstream, type RecordingUpstream } from './upstream.mts';

export interface ProxyFixture {
  idp: FixtureIdp;
  upstream: RecordingUpstream;
  proxy: RunningProxy;
  /** A user token the fixture IdP minted. */
  token: string;
  close(): Promise<void>;
}

export async function startProxyFixture(name: string, log: LogCapture): Promise<ProxyFixture> {
  const idp = await startFixtureIdp();
  const upstream = await startRecordingUpstream();
  const proxy = await startProxy({
    name,
    targetUri: upstream.url,
    ...fixtureAuth(idp),
    logDestination: log,
  });
  const token = await idp.mint();
  return {
    idp,
    upstream,
    proxy,
    token,
    async close() {
      await proxy.close();
      await upstream.close();
      await idp.close();
      log.expectNoSecrets([token, EXCHANGE_CLIENT_SECRET]);
    },
  };
}
