// One JSON reply over node:http: the body serialised once, its byte length
// sent, then any extra headers (which may override the content type).
// Shared by the mock IdP, the reference proxy and the example backend API,
// which must not import each other.
import type { ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
