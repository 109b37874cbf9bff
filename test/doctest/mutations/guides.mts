// The first mutations: the guides' commands, flags, manifests, outputs,
// claims and diagrams.
import { CLI, CONCEPT, K8S, PARTIAL, m, type Mutation } from './types.mts';

// the exchange by hand moved to the troubleshooting page
const TROUBLESHOOTING = 'docs/toolhive/troubleshooting/token-exchange.mdx';

export const GUIDE_MUTATIONS: Mutation[] = [
  // CLI guide
  m({
    kind: 'renamed thv flag',
    file: CLI,
    find: '--token-exchange-audience <BACKEND_AUDIENCE>',
    replace: '--token-exchange-audiance <BACKEND_AUDIENCE>',
    expectAt: '```bash doctest-id="run-server"\nthv run',
  }),
  m({
    kind: 'secret file name differs between samples',
    file: CLI,
    find: "printf '%s\\n' '<EXCHANGE_CLIENT_SECRET>' > token-exchange-client-secret.txt",
    replace: "printf '%s\\n' '<EXCHANGE_CLIENT_SECRET>' > exchange-secret.txt",
    expectAt: '```bash doctest-id="run-server"\nthv run',
    // the sample that wrote the file under another name is the likely cause
    expectCause: "printf '%s\\n' '<EXCHANGE_CLIENT_SECRET>' > exchange-secret.txt",
  }),
  m({
    kind: 'misspelt thv subcommand',
    file: CLI,
    find: 'thv list\n',
    replace: 'thv lst\n',
    expectAt: '```bash\nfor _ in $(seq 60)',
  }),
  m({
    // the proxy writes the exchanged token into X-Backend-Token and forwards the client's own
    // Authorization; the server, never told of the header (thv run -e), reads the client's token
    kind: 'custom token header the MCP server is not told of',
    file: CLI,
    find: '  --token-exchange-audience <BACKEND_AUDIENCE> \\\n',
    replace:
      '  --token-exchange-audience <BACKEND_AUDIENCE> \\\n  --token-exchange-header-name X-Backend-Token \\\n',
    expectAt: '```bash doctest-id="call-tool"',
    // told with thv run -e (the example image's variable), the server reads the exchanged token
    fixedBy: {
      find: '  --token-exchange-header-name X-Backend-Token \\\n',
      replace:
        '  --token-exchange-header-name X-Backend-Token \\\n  -e EXAMPLE_MCP_TOKEN_HEADER=X-Backend-Token \\\n',
    },
  }),
  m({
    kind: 'wrong issuer in shown metadata',
    file: CLI,
    find: '  "authorization_servers": [\n    "https://dev-123456.okta.com/oauth2/aus1234567890"',
    replace: '  "authorization_servers": [\n    "https://dev-123456.okta.com/oauth2/default"',
    expectAt: '```text doctest-output\n{\n  "resource"',
  }),
  m({
    kind: 'wrong scope in the exchange request',
    file: TROUBLESHOOTING,
    find: "--data-urlencode 'scope=api:read api:write'",
    replace: "--data-urlencode 'scope=api:read api:admin'",
    expectAt: '```text doctest-output\n{\n  "token_type"',
  }),
  m({
    kind: 'wrong audience in the exchange request',
    file: TROUBLESHOOTING,
    find: '  -d audience=backend-api \\',
    replace: '  -d audience=backend \\',
    expectAt: '```text doctest-output\n{\n  "token_type"',
  }),
  m({
    kind: 'wrong header name (Authorization)',
    file: CLI,
    find: '-H "Authorization: Bearer $USER_TOKEN" \\\n    -H \'Content-Type',
    replace: '-H "Authorisation: Bearer $USER_TOKEN" \\\n    -H \'Content-Type',
    // the first request without a token, when the session opens: the helper now fails on
    // ToolHive's HTTP error (the session sample used to pass, and the tool call failed)
    expectAt: '```bash doctest-id="open-session"',
  }),
  m({
    kind: 'claims output no longer matching',
    file: TROUBLESHOOTING,
    find: '"aud":"backend-api","cid":"0oa0987654321fedcba"',
    replace: '"aud":"backend","cid":"0oa0987654321fedcba"',
    expectAt: '```text doctest-output\n{"iss"',
  }),
  m({
    kind: 'wrong backend audience in shown claims',
    file: CLI,
    find: '  "aud": "backend-api",\n  "scp": [',
    replace: '  "aud": "api://backend",\n  "scp": [',
    expectAt:
      '```text doctest-output\n{\n  "iss": "https://dev-123456.okta.com/oauth2/aus9876543210"',
  }),
  // the partial, run inside the CLI guide: the failure names the partial's own line
  m({
    kind: 'wrong token endpoint in the partial',
    file: PARTIAL,
    page: CLI,
    find: 'https://keycloak.example.com/realms/mcp/protocol/openid-connect/token\n```',
    replace: 'https://keycloak.example.com/realms/mcp/token\n```',
    expectAt: '```text doctest-output\nhttps://keycloak.example.com',
  }),
  // Kubernetes guide
  m({
    kind: 'wrong CRD field (tokenURL)',
    file: K8S,
    find: '    tokenUrl: <TOKEN_EXCHANGE_URL>',
    replace: '    tokenURL: <TOKEN_EXCHANGE_URL>',
  }),
  m({
    kind: 'wrong apiVersion',
    file: K8S,
    find: 'apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPOIDCConfig',
    replace: 'apiVersion: toolhive.stacklok.dev/v1\nkind: MCPOIDCConfig',
  }),
  m({ kind: 'wrong kind', file: K8S, find: 'kind: MCPOIDCConfig', replace: 'kind: MCPOidcConfig' }),
  m({
    kind: 'wrong enum value (type)',
    file: K8S,
    find: '  type: tokenExchange',
    replace: '  type: tokenexchange',
  }),
  m({
    kind: 'broken reference between manifests',
    file: K8S,
    find: '  externalAuthConfigRef:\n    name: backend-token-exchange',
    replace: '  externalAuthConfigRef:\n    name: backend-exchange',
    // the page checks the status before it exposes the server: the wait is where it shows
    expectAt: '```bash doctest-id="wait-ready"\nkubectl wait',
    // the status names the reference; the manifest's line that sets it is the likely cause
    expectCause: '    name: backend-exchange',
  }),
  m({
    kind: 'wrong secret key',
    file: K8S,
    find: '      key: client-secret',
    replace: '      key: secret',
    // the page checks the status before it exposes the server: the wait is where it shows
    expectAt: '```bash doctest-id="wait-ready"\nkubectl wait',
    expectCause: '      key: secret',
  }),
  m({
    kind: 'wrong label selector',
    file: K8S,
    find: '-l app.kubernetes.io/name=mcpserver,app.kubernetes.io/instance=<SERVER_NAME>',
    replace: '-l app.kubernetes.io/name=<SERVER_NAME>',
    expectAt: '```bash doctest-id="proxy-logs"\nkubectl logs',
  }),
  m({
    kind: 'wrong container name',
    file: K8S,
    find: ' -c toolhive ',
    replace: ' -c mcp-proxy ',
    expectAt: '```bash doctest-id="proxy-logs"\nkubectl logs',
  }),
  m({
    kind: 'wrong service port in port-forward',
    file: K8S,
    find: '-proxy 8080:8080',
    replace: '-proxy 8080:9090',
    expectAt: '```bash doctest-background\nkubectl port-forward',
  }),
  m({
    kind: 'wrong MCP audience in MCPServer',
    file: K8S,
    find: '    audience: <MCP_AUDIENCE>',
    replace: '    audience: backend-api',
    expectAt: '```text doctest-output doctest-id="mcp-session-opened"\n2025-06-18',
  }),
  // concept page
  m({
    kind: 'mermaid syntax error',
    file: CONCEPT,
    find: '  client[MCP client] -->|client token| proxy[ToolHive proxy]',
    replace: '  client[MCP client] -->|client token proxy[ToolHive proxy]',
  }),
  m({
    kind: 'subject claims example no longer matching',
    file: CONCEPT,
    find: '  "aud": "mcp-server",',
    replace: '  "aud": "mcp",',
  }),
  m({
    kind: 'exchanged claims example with a wrong scope',
    file: CONCEPT,
    find: '  "scp": ["api:read", "api:write"],',
    replace: '  "scp": ["api:read", "api:delete"],',
  }),
  m({
    kind: 'sequence diagram in the wrong order',
    file: CONCEPT,
    find: '  T->>I: POST token endpoint, grant_type token-exchange\n  I-->>T: access_token for backend-api\n  T->>S: POST /mcp with Authorization: Bearer exchanged token\n',
    replace:
      '  T->>S: POST /mcp with Authorization: Bearer exchanged token\n  T->>I: POST token endpoint, grant_type token-exchange\n  I-->>T: access_token for backend-api\n',
    expectAt: '  T->>I: POST token endpoint',
  }),
  // the request-path flowchart against the recorded topology of one tool call
  m({
    kind: 'flowchart: an edge of the request path left out',
    file: CONCEPT,
    find: '  proxy <-->|exchange at the token endpoint| idp[Identity provider]\n',
    replace: '  idp[Identity provider]\n',
    // the run's proxy → IdP call is named at the last edge that touches the proxy
    expectAt: '  proxy -->|exchanged token, aud backend-api| server[MCP server]',
  }),
  m({
    kind: 'flowchart: an edge the run never made',
    file: CONCEPT,
    find: '  server -->|exchanged token| api[Backend API]\n',
    replace: '  server -->|exchanged token| api[Backend API]\n  client -->|client token| api\n',
    expectAt: '  client -->|client token| api',
  }),
  m({
    kind: 'flowchart: an edge reversed',
    file: CONCEPT,
    find: '  server -->|exchanged token| api[Backend API]',
    replace: '  api[Backend API] -->|exchanged token| server',
  }),
  m({
    kind: 'flowchart: a node names the wrong hop',
    file: CONCEPT,
    find: '  proxy -->|exchanged token, aud backend-api| server[MCP server]',
    replace: '  proxy -->|exchanged token, aud backend-api| server[Authorization server]',
  }),
  m({
    kind: 'flowchart: the client token forwarded to the MCP server',
    file: CONCEPT,
    find: '  proxy -->|exchanged token, aud backend-api| server[MCP server]',
    replace: '  proxy -->|client token, aud mcp-server| server[MCP server]',
  }),
  // a failure points at its cause: the earlier sample's line that set the value
  m({
    kind: 'cause: thv run serves a resource URL the page does not use',
    file: CLI,
    find: '  --resource-url <RESOURCE_URL>',
    replace: '  --resource-url http://localhost:8080/mcp',
    expectAt: '```text doctest-output\n{\n  "resource"',
    expectCause: '  --resource-url http://localhost:8080/mcp',
  }),
  m({
    kind: 'cause: MCPServer names an MCPOIDCConfig nothing creates',
    file: K8S,
    find: '  oidcConfigRef:\n    name: mcp-idp',
    replace: '  oidcConfigRef:\n    name: mcp-oidc',
    expectAt: '```bash doctest-id="wait-ready"\nkubectl wait',
    expectCause: '    name: mcp-oidc',
  }),
  m({
    kind: 'cause: thv run asks for a backend scope the IdP does not know',
    file: CLI,
    find: '  --token-exchange-scopes <BACKEND_SCOPES>',
    replace: '  --token-exchange-scopes api:read,api:admin',
    // ToolHive exchanges the token for every request: the first request through it, when the
    // session opens, fails — not the backend's record that used to show it, three samples later
    expectAt: '```bash doctest-id="open-session"',
    expectCause: '  --token-exchange-scopes api:read,api:admin',
  }),
  m({
    kind: 'cause: MCPServer accepts tokens of another audience',
    file: K8S,
    find: '    audience: <MCP_AUDIENCE>',
    replace: '    audience: api://mcp',
    // the client's token is refused when the session opens; the operator's proxy log names the audience
    expectAt: '```text doctest-output doctest-id="mcp-session-opened"\n2025-06-18',
    expectCause: '    audience: api://mcp',
  }),
  // output is asserted, not only exit codes: the sample whose output shows the failure fails
  m({
    kind: 'output: the exchange for the tool call fails (wrong backend audience)',
    file: CLI,
    find: '  --token-exchange-audience <BACKEND_AUDIENCE>',
    replace: '  --token-exchange-audience api://backend',
    expectAt: '```bash doctest-id="open-session"',
    expectCause: '  --token-exchange-audience api://backend',
  }),
  m({
    kind: 'output: the tool returns isError (a tool whose required argument the call omits)',
    file: 'docs/toolhive/guides-cli/token-exchange.doctest.yaml',
    page: CLI,
    find: '  TOOL_NAME: get_profile',
    replace: '  TOOL_NAME: create_item',
    expectFile: CLI,
    expectAt: '```bash doctest-id="call-tool"',
  }),
  m({
    kind: 'output: the sign-in URL lacks the authorization endpoint (discovery URL misspelt)',
    file: CLI,
    find: 'DISCOVERY=$(curl -s <OIDC_ISSUER>/.well-known/openid-configuration)',
    replace: 'DISCOVERY=$(curl -s <OIDC_ISSUER>/.well-known/openid-configuraton)',
    expectAt: '```bash doctest-id="build-sign-in-url"',
  }),
];
