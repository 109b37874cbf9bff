// A page's doctest plan: docs/<path>/<page>.doctest.yaml beside the page.
// It says what a reader has already done before the page starts (hidden
// set-up, tokens they hold) and how the run stands in for the real world
// (container images, the vendor IdP). Format documented in README.md.
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';

const Mint = z
  .object({
    /** Issuer the token is minted by, exactly as the page writes it. */
    issuer: z.string(),
    sub: z.string().optional(),
    audience: z.string().optional(),
    scope: z.string().optional(),
    clientId: z.string().optional(),
    expiresIn: z.number().int().positive().optional(),
  })
  .strict();

const Binding = z.union([z.string(), z.object({ token: Mint }).strict()]);

const Verify = z
  .object({
    /** Anchor of the sample after which the verification runs (see `resolveAnchors`); default: after the last sample. */
    after: z.union([z.string().min(1), z.number().int().positive()]).optional(),
    /**
     * MCP endpoint the client connects to: as the page writes it
     * (http://127.0.0.1:8080/mcp), or read, as that client would, from the config
     * file `thv client register <client>` wrote under the page's HOME
     * (`{ fromClientConfig: vscode }`; `server`: the entry, when there are several).
     */
    url: z.union([
      z.string(),
      z
        .object({
          fromClientConfig: z.enum(['vscode', 'vscode-insider', 'claude-code', 'cursor']),
          server: z.string().optional(),
        })
        .strict(),
    ]),
    /** Placeholder (from `bind`) holding the client's access token; or `login` to log in with the SDK's OAuth support. */
    token: z.string().optional(),
    login: z.boolean().optional(),
    tool: z.string().default('whoami'),
    arguments: z.record(z.string(), z.unknown()).default({}),
    /** What the backend API must have received. */
    expect: z
      .object({
        audience: z.string(),
        scopes: z.array(z.string()).default([]),
        /** Header that carried the exchanged token (default Authorization). */
        header: z.string().optional(),
      })
      .strict(),
  })
  .strict();

export const PlanSchema = z
  .object({
    version: z.literal(1),
    /** How `thv` and the proxy behave: `toolhive` (shim, --compat toolhive) or `reference` (samples run npm run proxy as written). */
    mode: z.enum(['toolhive', 'reference']).default('toolhive'),
    /** Start the mock IdP and example servers for this page (default: when the page has shell samples). */
    services: z.boolean().optional(),
    /** Container image (or server name) → what runs in its place. */
    images: z.record(z.string(), z.literal('example-mcp-server')).default({}),
    /** <PLACEHOLDER> → value or minted token. */
    bind: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), Binding).default({}),
    /** Headings of the page's (or its partials') tables whose `<PLACEHOLDER>` rows bind placeholders (value-tables.mts). */
    valueTables: z.array(z.string().min(1)).default([]),
    env: z.record(z.string(), z.string()).default({}),
    /** Link package.json, node_modules, scripts/ into the workspace, for samples that run this project's npm scripts. */
    repo: z.boolean().default(false),
    /** Hidden bash run in the page's shell before its first sample. */
    setup: z.string().optional(),
    /** Hidden bash run before the sample at the given anchor (see `resolveAnchors`). */
    before: z.record(z.string(), z.string()).default({}),
    verify: Verify.optional(),
    /** The example backend API: which issuer and audience it accepts (default: the Okta backend server). */
    backend: z
      .object({
        issuer: z.string().default('https://dev-123456.okta.com/oauth2/aus9876543210'),
        audience: z.string().default('backend-api'),
      })
      .strict()
      .default({
        issuer: 'https://dev-123456.okta.com/oauth2/aus9876543210',
        audience: 'backend-api',
      }),
    /** Per-sample settings keyed like `before`. */
    samples: z
      .record(
        z.string(),
        z
          .object({
            timeout: z.number().positive().optional(),
            /** Why nothing checks this sample's output (output-assertions.mts). */
            unasserted: z.string().min(1).optional(),
            /**
             * What the sample's output must show when the page has no output
             * block for it (output-assertions.mts): texts it contains, a jq
             * filter over the last JSON value it prints that must give `true`.
             * Placeholders are bound.
             */
            expect: z
              .object({
                contains: z.array(z.string().min(1)).min(1).optional(),
                jq: z.string().min(1).optional(),
              })
              .strict()
              .refine((e) => e.contains || e.jq, 'give `contains`, `jq` or both')
              .optional(),
          })
          .strict(),
      )
      .default({}),
    /** Default per-sample timeout, seconds. */
    timeout: z.number().positive().default(45),
    /** Tiers the page runs in (world.mts): every page runs hermetic; `live` adds the real thv. */
    tiers: z
      .array(z.enum(['hermetic', 'live']))
      .default(['hermetic'])
      .refine(
        (t) => t.includes('hermetic'),
        'every page runs in the hermetic tier: keep `hermetic` in `tiers`',
      ),
  })
  .strict();

export type Plan = z.infer<typeof PlanSchema>;
export type SampleSettings = Plan['samples'][string];
export type MintSpec = z.infer<typeof Mint>;

export class PlanError extends Error {}

export function planPathFor(pageAbs: string): string {
  return pageAbs.replace(/\.mdx?$/, '.doctest.yaml');
}

export function loadPlan(pageAbs: string, planRel: string): Plan {
  const file = planPathFor(pageAbs);
  if (!existsSync(file)) return PlanSchema.parse({ version: 1 });
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new PlanError(`${planRel}:${e?.linePos?.[0]?.line ?? 1}: ${e?.message ?? 'YAML error'}`);
  }
  const parsed = PlanSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new PlanError(
      `${planRel}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid plan'} (format: scripts/doctest/README.md#the-pages-plan)`,
    );
  }
  return parsed.data;
}

/**
 * Where a plan points at a sample (keys of `before` and `samples`, `verify.after`):
 *   - `<id>`: the sample whose fence says `doctest-id="<id>"` — robust: it moves with the sample;
 *   - `<line>` / `<file>:<line>`: the fence's line in the page / in a partial — shifts when
 *     anything above it is edited, kept for compatibility.
 * An anchor that matches no sample, or more than one, is a plan error naming the plan file and key.
 */
export interface Anchors {
  /** Sample id → hidden bash to run before it. */
  before: Map<string, string>;
  /** Sample id → per-sample settings. */
  samples: Map<string, SampleSettings>;
  /** Sample id after which the verification runs. */
  verifyAfter?: string;
}

interface AnchorSample {
  id: string;
  page: string;
  file: string;
  line: number;
  meta: Record<string, string | true>;
}

export function resolveAnchors(plan: Plan, samples: AnchorSample[], planRel: string): Anchors {
  const find = (where: string, anchor: string | number): string => {
    const key = String(anchor);
    const byLine = /^(?:(.+):)?(\d+)$/.exec(key);
    const hits = byLine
      ? samples.filter((s) => s.line === Number(byLine[2]) && (byLine[1] ?? s.page) === s.file)
      : samples.filter((s) => s.meta['doctest-id'] === key);
    const ids = [...new Set(hits.map((s) => s.id))];
    if (ids.length === 1) return ids[0] as string;
    const known = [
      ...new Set(samples.map((s) => s.meta['doctest-id']).filter((x) => typeof x === 'string')),
    ];
    if (ids.length > 1)
      throw new PlanError(
        `${planRel}: ${where}: "${key}" matches ${ids.length} samples (${ids.join(', ')}); give each a distinct doctest-id`,
      );
    throw new PlanError(
      byLine
        ? `${planRel}: ${where}: no sample starts at line ${key}${byLine[1] ? '' : ' of the page'} (the page was edited above it?); anchor it by id instead: add doctest-id="…" to the fence and use that id as the key`
        : `${planRel}: ${where}: no sample on the page has doctest-id="${key}" (ids on the page: ${known.join(', ') || 'none'})`,
    );
  };
  const before = new Map<string, string>();
  for (const [k, v] of Object.entries(plan.before)) before.set(find(`before."${k}"`, k), v);
  const settings = new Map<string, SampleSettings>();
  for (const [k, v] of Object.entries(plan.samples)) settings.set(find(`samples."${k}"`, k), v);
  const after = plan.verify?.after;
  return {
    before,
    samples: settings,
    ...(after !== undefined ? { verifyAfter: find('verify.after', after) } : {}),
  };
}
