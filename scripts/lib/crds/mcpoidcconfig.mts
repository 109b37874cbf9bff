// MCPOIDCConfig (cmd/thv-operator/api/v1beta1/mcpoidcconfig_types.go@v0.44.0), v1beta1.
import {
  age,
  bool,
  configStatus,
  obj,
  secretKeyRef,
  str,
  toolhiveCrd,
  validColumn,
} from './common.mts';
import type { CrdDefinition, CrdRule } from './types.mts';

const inline = obj(
  'Provider settings written out',
  {
    issuer: str('Issuer URL; the iss claim must equal it'),
    jwksUrl: str('JWKS URL (default: discovered from the issuer)'),
    introspectionUrl: str('RFC 7662 introspection endpoint for opaque tokens'),
    clientId: str('Client ID for introspection'),
    clientSecretRef: secretKeyRef(
      'Secret with the introspection client secret (env TOOLHIVE_OIDC_CLIENT_SECRET)',
    ),
    caBundleRef: obj('CA bundle for the IdP', {
      configMapRef: obj(
        'ConfigMap holding the bundle',
        {
          name: str('ConfigMap name'),
          key: str('Key (ca.crt by convention)'),
          optional: bool('May be missing'),
        },
        ['key'],
      ),
    }),
    jwksAuthTokenPath: str('File with a bearer token for JWKS fetches'),
    jwksAllowPrivateIP: bool('Allow JWKS/OIDC endpoints on private IPs', false),
    protectedResourceAllowPrivateIP: bool(
      'Allow the protected resource on private IPs (vMCP)',
      false,
    ),
    insecureAllowHTTP: bool('Allow plain-HTTP issuer and JWKS URLs', false),
  },
  ['issuer'],
);

const kubernetesServiceAccount = obj('Validate Kubernetes service-account tokens', {
  issuer: str('Issuer', { default: 'https://kubernetes.default.svc' }),
  jwksUrl: str('JWKS URL'),
  introspectionUrl: str('Introspection URL'),
  serviceAccount: str('Service account name'),
  namespace: str('Namespace'),
  useClusterAuth: bool('Use the cluster CA and the SA token for JWKS fetches (unset means true)'),
});

const rules: CrdRule[] = (['kubernetesServiceAccount', 'inline'] as const).map((t) => ({
  at: ['spec'],
  rule: `self.type == '${t}' ? has(self.${t}) : !has(self.${t})`,
  message: `${t} must be set if and only if type is '${t}'`,
  check: (self) => (self.type === t) === (self[t] !== undefined),
}));

export const mcpOidcConfigCrd: CrdDefinition = toolhiveCrd({
  kind: 'MCPOIDCConfig',
  plural: 'mcpoidcconfigs',
  singular: 'mcpoidcconfig',
  shortNames: ['mcpoidc'],
  printerColumns: [{ name: 'Source', type: 'string', jsonPath: '.spec.type' }, validColumn, age],
  description: 'MCPOIDCConfig holds an IdP configuration shared by MCP servers',
  spec: {
    type: str('Where the settings come from', {
      enum: ['kubernetesServiceAccount', 'inline'],
    }),
    inline,
    kubernetesServiceAccount,
  },
  specRequired: ['type'],
  status: configStatus,
  rules,
});
