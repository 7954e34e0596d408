// The credentials vault: add (verified, encrypted), list, read, change settings, revoke, and the
// audit trail of it all. Responses carry a masked key only; secrets are write-only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addCredential } from '../../../services/add-credential.ts';
import { listCredentialAudit } from '../../../services/list-credential-audit.ts';
import { getCredential, listCredentials } from '../../../services/list-credentials.ts';
import { revokeCredential } from '../../../services/revoke-credential.ts';
import { TOTP_HEADER } from '../../../services/two-factor.ts';
import { updateCredential } from '../../../services/update-credential.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requestMeta, requireAuth } from '../request-auth.ts';
import {
  BearerSecurity,
  decimalString,
  errors,
  IdParamSchema,
  pageOf,
  PageQuery,
  TotpHeaderSchema,
  WalletSchema,
} from '../schemas.ts';
import type { RouteApp } from './route-app.ts';

const AuditEntrySchema = z
  .object({
    id: z.string(),
    credentialId: z.string().nullable(),
    maskedApiKey: z.string().nullable().describe('null once the key itself is gone'),
    keyName: z.string().nullable(),
    action: z.enum(['create', 'verify_failed', 'use', 'update', 'revoke', 'rotate_master_key', 'rewrap']),
    actor: z.enum(['user', 'admin', 'system', 'cli']),
    detail: z
      .record(z.string(), z.unknown())
      .describe('reasons, settings changed (from / to), the order purpose of a use; never secrets'),
    ip: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'CredentialAuditEntry' });

const SpendLimit = decimalString({ scale: 2, min: '0', max: '9999999999.99', example: '250' });

const CredentialSchema = z
  .object({
    id: z.string(),
    keyName: z.string().nullable(),
    maskedApiKey: z.string().meta({ example: '••••••••3f9a' }),
    signatureType: z.number().int().nullable(),
    funderAddress: z.string().nullable(),
    hasPrivateKey: z.boolean(),
    status: z.enum(['active', 'revoked', 'suspended', 'expired']),
    isPrimary: z.boolean(),
    dailySpendLimitUsd: z.string(),
    dailySpentUsd: z.string(),
    lastResetAt: z.string(),
    totalTradesExecuted: z.number().int(),
    totalVolumeUsd: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'Credential' });

const Secret = (max: number) => z.string().min(1).max(max).regex(/^\S+$/, 'must not contain whitespace');

const AddBody = z
  .strictObject({
    apiKey: Secret(200),
    apiSecret: Secret(500),
    apiPassphrase: Secret(500),
    privateKey: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex private key')
      .nullable()
      .optional(),
    signatureType: z
      .union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)])
      .describe('0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271'),
    funderAddress: WalletSchema.nullable().optional(),
    keyName: z.string().trim().min(1).max(100).nullable().optional(),
    dailySpendLimitUsd: SpendLimit.optional(),
    isPrimary: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.signatureType !== 0 && !b.funderAddress) {
      ctx.addIssue({
        code: 'custom',
        path: ['funderAddress'],
        message: 'required for signature types 1, 2 and 3 (the proxy or safe wallet that holds the funds)',
      });
    }
  });

export function credentialRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    credentialCreateListRoutes(app, deps);
    credentialAuditRoutes(app, deps);
    credentialChangeRoutes(app, deps);
  };
}

function credentialCreateListRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Store Polymarket API credentials (verified with Polymarket first, encrypted at rest)',
        description: 'With two-factor authentication on, send a fresh code in the x-totp header.',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        body: AddBody,
        response: { 201: CredentialSchema, ...errors(400, 401, 409, 422, 423, 503) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await addCredential(
            deps,
            requireAuth(req).userId,
            req.body,
            requestMeta(req),
            req.headers[TOTP_HEADER],
          ),
        ),
  );

  app.get(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: "The user's stored credentials (masked)",
        security: BearerSecurity,
        response: { 200: z.object({ credentials: z.array(CredentialSchema) }), ...errors(401) },
      },
    },
    async (req) => ({ credentials: await listCredentials(deps, requireAuth(req).userId) }),
  );

  app.get(
    '/credentials/:id',
    {
      schema: {
        tags: ['credentials'],
        summary: 'One stored credential (masked)',
        security: BearerSecurity,
        params: IdParamSchema,
        response: { 200: CredentialSchema, ...errors(400, 401, 404) },
      },
    },
    async (req) => getCredential(deps, requireAuth(req).userId, req.params.id),
  );
}

function credentialAuditRoutes(app: RouteApp, deps: ApiDeps): void {
  app.get(
    '/credentials/audit',
    {
      schema: {
        tags: ['credentials'],
        summary: 'The audit trail of your credentials: added, rejected, used, changed, revoked',
        description:
          'Newest first. Each order sent with a key is a `use` (filter with action=use, or leave uses ' +
          'out by asking for the other actions one at a time); credentialId narrows it to one key.',
        security: BearerSecurity,
        querystring: z.strictObject({
          credentialId: z
            .string()
            .regex(/^[1-9]\d{0,17}$/, 'must be a numeric id')
            .optional(),
          action: AuditEntrySchema.shape.action.optional(),
          ...PageQuery,
        }),
        response: { 200: pageOf(AuditEntrySchema), ...errors(400, 401) },
      },
    },
    async (req) => listCredentialAudit(deps, requireAuth(req).userId, req.query),
  );
}

function credentialChangeRoutes(app: RouteApp, deps: ApiDeps): void {
  app.patch(
    '/credentials/:id',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Change the name, the daily spend limit, or make it the primary key',
        description:
          'With two-factor authentication on, send a fresh code in the x-totp header (every change, ' +
          'raising the daily spend limit included). The code is spent only if the change is made.',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z
          .strictObject({
            keyName: z.string().trim().min(1).max(100).nullable().optional(),
            dailySpendLimitUsd: SpendLimit.optional(),
            isPrimary: z.literal(true).optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
        response: { 200: CredentialSchema, ...errors(400, 401, 404, 409, 423) },
      },
    },
    async (req) =>
      updateCredential(
        deps,
        requireAuth(req).userId,
        req.params.id,
        req.body,
        requestMeta(req),
        req.headers[TOTP_HEADER],
      ),
  );

  app.post(
    '/credentials/:id/revoke',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Revoke a credential; it is never used again',
        description: 'With two-factor authentication on, send a fresh code in the x-totp header.',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).nullish(),
        response: { 200: CredentialSchema, ...errors(400, 401, 404, 409, 423) },
      },
    },
    async (req) =>
      revokeCredential(
        deps,
        requireAuth(req).userId,
        req.params.id,
        req.body?.reason ?? 'revoked by user',
        requestMeta(req),
        req.headers[TOTP_HEADER],
      ),
  );
}
