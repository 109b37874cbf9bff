// Helpers for the mock IdP tests: raw token-endpoint requests.
import { request } from 'node:http';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The Okta exchange client of the default tenant (a fixture of the mock). */
export const EXCHANGE_ID = '0oa0987654321fedcba';
export const EXCHANGE_SECRET = 'mock-only-exchange-secret';

/** RFC 8693 §2.1 form for the Okta backend server: backend-api, api:read; `extra` adds or overrides. */
export function oktaExchangeForm(
  subjectToken: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    audience: 'backend-api',
    scope: 'api:read',
    ...extra,
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** RFC 6749 §2.3.1 Basic credentials: id and secret form-urlencoded, then base64. */
export function basic(id: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

export async function postForm(
  url: string,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (faults)
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A GET with an explicit Host header (fetch does not let tests set Host). */
export function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** The value, or a test failure naming what was missing (instead of a non-null assertion). */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be present`);
  return value;
}
