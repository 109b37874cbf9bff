// Mutations the kubectl shim and the Kubernetes validators catch: flag
// values as kubectl parses them, the real schemas of the core kinds (also in
// a sample skipped for needing a cluster), references between the page's
// resources, duplicate keys.
import { CLI, CONCEPT, K8S, PARTIAL, m, type Mutation } from './types.mts';

const CLI_PLAN = CLI.replace(/\.mdx$/, '.doctest.yaml');

export const KUBECTL_MUTATIONS: Mutation[] = [
  m({
    // the operator's proxy writes the exchanged token into X-Backend-Token and forwards the
    // client's own Authorization; the server, never told of the header (spec.env), reads that
    kind: 'kubectl: custom token header the MCP server is not told of',
    file: K8S,
    find: '    audience: <BACKEND_AUDIENCE>\n    clientId: <EXCHANGE_CLIENT_ID>\n',
    replace:
      '    audience: <BACKEND_AUDIENCE>\n    clientId: <EXCHANGE_CLIENT_ID>\n    externalTokenHeaderName: X-Backend-Token\n',
    // no sample on the page calls a tool: the plan's verify step after the session does
    expectAt: '```text doctest-output doctest-id="mcp-session-opened"',
    expectPageError:
      /\(verify, after the sample at [^)]+\): tools\/call get_profile returned an error: .*backend answered 401/,
    // told through the MCPServer's env (the example image's variable), the server reads it
    fixedBy: {
      find: '  transport: streamable-http\n  proxyPort: 8080\n',
      replace:
        '  transport: streamable-http\n  proxyPort: 8080\n  env:\n    - name: EXAMPLE_MCP_TOKEN_HEADER\n      value: X-Backend-Token\n',
    },
  }),
  m({
    kind: 'kubectl: --timeout without a unit',
    file: K8S,
    find: 'mcpoidcconfig/mcp-idp --timeout=60s',
    replace: 'mcpoidcconfig/mcp-idp --timeout=60',
    expectAt: '```bash doctest-id="wait-ready"\nkubectl wait',
  }),
  m({
    kind: 'kubectl: an output format no printer has',
    file: K8S,
    find: 'kubectl get mcpexternalauthconfig,mcpoidcconfig,mcpserver\n',
    replace: 'kubectl get mcpexternalauthconfig,mcpoidcconfig,mcpserver -o yml\n',
    expectAt: '```bash doctest-id="get-status"\nkubectl get',
  }),
  m({
    kind: 'kubectl: label selector syntax error',
    file: K8S,
    find: '-l app.kubernetes.io/name=mcpserver,app.kubernetes.io/instance=<SERVER_NAME>',
    replace: '-l app.kubernetes.io/name=mcpserver,,app.kubernetes.io/instance=<SERVER_NAME>',
    expectAt: '```bash doctest-id="proxy-logs"\nkubectl logs',
  }),
  m({
    kind: 'YAML: duplicate key',
    file: K8S,
    find: '  name: token-exchange-client\ntype: Opaque\n',
    replace: '  name: token-exchange-client\ntype: Opaque\ntype: kubernetes.io/basic-auth\n',
    expectAt: 'type: kubernetes.io/basic-auth',
  }),
  // samples skipped for needing a real cluster are still validated (schema, references)
  m({
    kind: 'kubectl: invalid Ingress pathType (skipped sample)',
    file: K8S,
    find: '            pathType: Prefix\n            backend:',
    replace: '            pathType: prefix\n            backend:',
  }),
  m({
    kind: 'kubectl: unknown HTTPRoute field (skipped sample)',
    file: K8S,
    find: '      timeouts:\n        request: 0s',
    replace: '      timeout:\n        request: 0s',
  }),
  m({
    kind: 'kubectl: Ingress backend names a Service nothing creates',
    file: K8S,
    find: '                name: mcp-<SERVER_NAME>-proxy\n',
    replace: '                name: <SERVER_NAME>-proxy\n',
  }),
  m({
    kind: 'kubectl: Ingress backend port the Service lacks',
    file: K8S,
    find: '                  number: 8080\n          - path: /.well-known',
    replace: '                  number: 8443\n          - path: /.well-known',
  }),
  m({
    kind: 'kubectl: HTTPRoute backend port the Service lacks',
    file: K8S,
    find: '          port: 8080\n```',
    replace: '          port: 80\n```',
  }),
  m({
    kind: 'kubectl: port-forward to a Service nothing creates',
    file: K8S,
    find: 'kubectl port-forward service/mcp-<SERVER_NAME>-proxy',
    replace: 'kubectl port-forward service/<SERVER_NAME>',
    expectAt: '```bash doctest-background\nkubectl port-forward',
  }),
  // sequence diagrams: what each arrow carries, and no step of the run left out
  m({
    kind: 'sequence: wrong token on the arrow to the MCP server',
    file: CONCEPT,
    find: '  T->>S: POST /mcp with Authorization: Bearer exchanged token',
    replace: '  T->>S: POST /mcp with Authorization: Bearer client token',
  }),
  m({
    kind: 'sequence: wrong token on the arrow to the backend',
    file: CONCEPT,
    find: '  S->>B: API call with Authorization: Bearer exchanged token',
    replace: '  S->>B: API call with Authorization: Bearer user token',
  }),
  m({
    kind: 'sequence: the token exchange left out',
    file: CONCEPT,
    find: '  T->>I: POST token endpoint, grant_type token-exchange\n  I-->>T: access_token for backend-api\n',
    replace: '',
    expectAt: '  T->>S: POST /mcp with Authorization',
  }),
  // values a reader copies come from the page's value tables
  m({
    kind: 'values: the plan binds a scope list the Okta table states otherwise',
    file: CLI_PLAN,
    page: CLI,
    find: 'bind:\n',
    replace:
      'bind:\n  MCP_SCOPES: openid,profile,email,offline_access,mcp:tools:list,mcp:tools:call\n',
    expectFile: PARTIAL,
    expectAt: '| `<MCP_SCOPES>`         | `openid,profile,email,mcp:tools:list',
  }),
  m({
    kind: 'values: the plan repeats a value the page states',
    file: CLI_PLAN,
    page: CLI,
    find: 'bind:\n',
    replace: 'bind:\n  SERVER_NAME: backend-mcp\n',
    expectFile: CLI,
    expectAt: '| `<SERVER_NAME>`',
  }),
  // output is asserted: a value the page promises that comes out null fails
  m({
    kind: 'output: a jq filter that prints null where the page promises a value',
    file: CLI,
    find: `"arguments": {}}}' | jq '.result'`,
    replace: `"arguments": {}}}' | jq '.reslt'`,
    expectAt: '```bash doctest-id="call-tool"',
  }),
];
