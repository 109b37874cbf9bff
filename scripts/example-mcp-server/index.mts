// Library entry point: the example MCP server and its backend API.
export {
  startExampleMcpServer,
  type ExampleMcpServerOptions,
  type RunningExampleMcpServer,
} from './mcp-server.mts';
export { startBackendApi, type BackendApiOptions, type RunningBackendApi } from './backend-api.mts';
