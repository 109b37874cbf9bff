// The doctest report's JSON Schema (draft-07): the one definition of the
// report's shape. report.schema.json is written from it (npm run
// doctest:schema; test/doctest/report.test.mts checks the file is current),
// and the report's TypeScript types are derived from it (FromSchema,
// json-schema-to-ts): the runner (report.mts) and the site
// (src/plugins/doctest-report) use those types, not copies.
import type { FromSchema } from 'json-schema-to-ts';

export const reportSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://toolhive-token-exchange-docs/doctest/report.schema.json',
  title: 'Doctest report (schemaVersion 2)',
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion',
    'commit',
    'dirty',
    'startedAt',
    'durationMs',
    'node',
    'tiers',
    'totals',
    'coverage',
    'ok',
    'pages',
    'samples',
  ],
  properties: {
    schemaVersion: {
      const: 2,
    },
    commit: {
      type: 'string',
      description: "git HEAD of the run, or 'unknown'",
    },
    dirty: {
      type: 'boolean',
      description: 'docs/ had uncommitted changes',
    },
    startedAt: {
      type: 'string',
      format: 'date-time',
    },
    durationMs: {
      type: 'integer',
      minimum: 0,
    },
    node: {
      type: 'string',
    },
    ok: {
      type: 'boolean',
    },
    coverage: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description:
        '(run + validated) / samples; validatedNotRun counts skipped samples that were validated, not run',
    },
    totals: {
      $ref: '#/definitions/totals',
    },
    pages: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['page', 'tier', 'against', 'durationMs', 'status'],
        properties: {
          page: {
            type: 'string',
          },
          tier: {
            $ref: '#/definitions/tier',
          },
          against: {
            type: 'string',
          },
          startedAt: {
            type: 'string',
            format: 'date-time',
          },
          commit: {
            type: 'string',
          },
          dirty: {
            type: 'boolean',
          },
          durationMs: {
            type: 'integer',
            minimum: 0,
          },
          status: {
            enum: ['passed', 'failed'],
          },
          error: {
            type: 'string',
          },
          artefacts: {
            $ref: '#/definitions/artefacts',
          },
          unasserted: {
            type: 'array',
            description:
              "shell samples whose output nothing checks (no doctest-output block after them, no samples.<id>.expect in the plan), with the plan's reason (samples.<id>.unasserted) if any; such a sample still fails when its output shows a failure",
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'file', 'line'],
              properties: {
                id: { type: 'string' },
                file: { type: 'string' },
                line: { type: 'integer', minimum: 1 },
                reason: { type: 'string' },
              },
            },
          },
        },
      },
    },
    samples: {
      type: 'array',
      items: {
        $ref: '#/definitions/sample',
      },
    },
    fidelity: {
      type: 'object',
      additionalProperties: false,
      required: ['toolhive', 'agree', 'total', 'skipped', 'generatedAt'],
      description:
        "the stand-ins' measured fidelity, from the last `npm run fidelity` (reports/live/fidelity.json): cases where the reference proxy in --compat toolhive and the real thv behave alike; absent when no run for the pinned release exists",
      properties: {
        toolhive: { type: 'string', description: 'the thv release compared against' },
        agree: { type: 'integer', minimum: 0 },
        total: {
          type: 'integer',
          minimum: 0,
          description: 'cases compared (skipped ones not counted)',
        },
        skipped: { type: 'integer', minimum: 0 },
        generatedAt: { type: 'string', format: 'date-time' },
      },
    },
    tiers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tier', 'status', 'pages', 'totals'],
        properties: {
          tier: {
            $ref: '#/definitions/tier',
          },
          status: {
            enum: ['passed', 'failed', 'skipped', 'not-run'],
            description:
              'skipped: this machine cannot run the tier (reason); not-run: no run asked for it',
          },
          against: {
            type: 'string',
            description:
              "what the tier's world verifies against: 'thv vX.Y.Z' or 'reference proxy (hermetic)'",
          },
          reason: {
            type: 'string',
            description: 'why the tier was skipped',
          },
          interrupted: {
            type: 'array',
            items: {
              type: 'string',
            },
            description:
              'pages the last run of the tier left unfinished; their earlier entries stay',
          },
          pages: {
            type: 'integer',
            minimum: 0,
          },
          totals: {
            $ref: '#/definitions/totals',
          },
        },
      },
    },
  },
  definitions: {
    sample: {
      type: 'object',
      additionalProperties: false,
      required: [
        'id',
        'page',
        'file',
        'line',
        'lang',
        'hash',
        'status',
        'tier',
        'against',
        'durationMs',
      ],
      properties: {
        id: {
          type: 'string',
        },
        page: {
          type: 'string',
        },
        file: {
          type: 'string',
        },
        line: {
          type: 'integer',
          minimum: 1,
        },
        lang: {
          type: 'string',
        },
        title: {
          type: 'string',
        },
        hash: {
          type: 'string',
          pattern: '^[0-9a-f]{64}$',
        },
        status: {
          enum: ['passed', 'failed', 'skipped'],
        },
        kind: {
          enum: ['run', 'validated'],
        },
        tier: {
          $ref: '#/definitions/tier',
        },
        against: {
          type: 'string',
        },
        reason: {
          type: 'string',
        },
        detail: {
          type: 'string',
        },
        command: {
          type: 'string',
        },
        output: {
          type: 'string',
        },
        diff: {
          type: 'string',
        },
        failureLine: {
          type: 'integer',
          minimum: 1,
        },
        failureFile: {
          type: 'string',
          description:
            "the file of failureLine, when it is not the sample's (e.g. a value table in a partial)",
        },
        durationMs: {
          type: 'integer',
          minimum: 0,
        },
        artefacts: {
          $ref: '#/definitions/artefacts',
        },
        cause: {
          type: 'object',
          additionalProperties: false,
          required: ['file', 'line', 'what'],
          properties: {
            file: {
              type: 'string',
            },
            line: {
              type: 'integer',
              minimum: 1,
            },
            what: {
              type: 'string',
            },
          },
          description: 'an earlier sample named as the likely cause of the failure',
        },
      },
      allOf: [
        {
          if: {
            properties: {
              status: {
                const: 'skipped',
              },
            },
          },
          then: {
            required: ['reason', 'detail'],
            properties: {
              reason: {
                enum: [
                  'needs-real-cluster',
                  'needs-vendor-console',
                  'needs-real-idp',
                  'illustrative-output',
                  'interactive',
                  'destructive',
                  'other-platform',
                ],
              },
            },
          },
        },
        {
          if: {
            properties: {
              status: {
                const: 'failed',
              },
            },
          },
          then: {
            required: ['reason', 'failureLine'],
          },
        },
        {
          if: {
            properties: {
              status: {
                const: 'passed',
              },
            },
          },
          then: {
            required: ['kind'],
          },
        },
      ],
    },
    artefacts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        httpSequence: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['from', 'to', 'method', 'path'],
            properties: {
              from: {
                type: 'string',
              },
              to: {
                type: 'string',
              },
              method: {
                type: 'string',
              },
              path: {
                type: 'string',
              },
              status: {
                type: 'integer',
              },
              note: {
                type: 'string',
              },
              start: {
                type: 'number',
                description: 'ms since the run started',
              },
              end: {
                type: 'number',
              },
            },
          },
        },
        claims: {
          type: 'object',
          additionalProperties: false,
          properties: {
            subject: {
              type: 'object',
            },
            exchanged: {
              type: 'object',
            },
          },
        },
      },
    },
    totals: {
      type: 'object',
      additionalProperties: false,
      required: ['samples', 'passed', 'failed', 'skipped', 'run', 'validated', 'validatedNotRun'],
      properties: {
        samples: {
          type: 'integer',
          minimum: 0,
        },
        passed: {
          type: 'integer',
          minimum: 0,
        },
        failed: {
          type: 'integer',
          minimum: 0,
        },
        skipped: {
          type: 'integer',
          minimum: 0,
        },
        run: {
          type: 'integer',
          minimum: 0,
        },
        validated: {
          type: 'integer',
          minimum: 0,
        },
        validatedNotRun: {
          type: 'integer',
          minimum: 0,
        },
      },
    },
    tier: {
      enum: ['hermetic', 'live'],
    },
  },
} as const;

export type ReportJson = FromSchema<typeof reportSchema>;
export type SampleJson = ReportJson['samples'][number];
export type PageJson = ReportJson['pages'][number];
export type TierJson = ReportJson['tiers'][number];
export type TotalsJson = ReportJson['totals'];
export type ArtefactsJson = NonNullable<PageJson['artefacts']>;
