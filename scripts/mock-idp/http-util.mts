// Small HTTP helpers over node:http: bodies, forms, JSON and OAuth error replies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson as sendJsonReply } from '../lib/send-json.mts';
import { OAuthError } from './oauth-error.mts';
import type { VendorProfile } from './vendors.mts';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new OAuthError(
        413,
        'invalid_request',
        'missing_parameter',
        'request body larger than 1 MiB',
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function isFormContentType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded';
}

/** A parsed application/x-www-form-urlencoded request body. */
export class Form {
  private readonly multi = new Map<string, string[]>();

  /**
   * RFC 6749 §3.2: request parameters MUST NOT be included more than once,
   * except those a later RFC allows to repeat (RFC 8693 §2.1 audience and
   * resource, RFC 8707 §2 resource).
   */
  constructor(body: string, repeatable: readonly string[] = ['audience', 'resource']) {
    for (const [name, value] of new URLSearchParams(body)) {
      const values = this.multi.get(name);
      if (values && !repeatable.includes(name))
        throw new OAuthError(
          400,
          'invalid_request',
          'duplicate_parameter',
          `the parameter "${name}" is included more than once (RFC 6749 §3.2)`,
        );
      if (values) values.push(value);
      else this.multi.set(name, [value]);
    }
  }

  get(name: string): string | undefined {
    return this.multi.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.multi.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.multi.has(name);
  }

  names(): string[] {
    return [...this.multi.keys()];
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonReply(res, status, body, {
    'content-type': 'application/json;charset=UTF-8',
    // RFC 6749 §5.1: token responses are not cached.
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
}

/** The vendor's answer to an error: status and RFC 6749 §5.2 body `{error, error_description}`. */
export function vendorError(error: OAuthError, profile: VendorProfile | undefined) {
  const answer = profile?.answer?.(error.reason, error.detail);
  return {
    status: answer?.status ?? error.status,
    body: {
      error: answer?.error ?? error.error,
      error_description:
        answer?.description ?? profile?.describe(error.reason) ?? error.description,
    },
  };
}

/** The vendor's error body: RFC 6749 §5.2 `{error, error_description}`. */
export function errorBody(error: OAuthError, profile: VendorProfile | undefined) {
  return vendorError(error, profile).body;
}

export function sendOAuthError(
  res: ServerResponse,
  error: OAuthError,
  profile: VendorProfile | undefined,
): void {
  const { status, body } = vendorError(error, profile);
  sendJson(res, status, body, error.headers);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}
