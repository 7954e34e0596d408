// Presets: named copy-setting templates (list, create, read, edit, delete); POST /follows applies
// one with presetId.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createPreset,
  deletePreset,
  listPresets,
  loadPreset,
  MAX_PRESETS_PER_USER,
} from '../../../services/copy-presets.ts';
import { updatePreset } from '../../../services/copy-presets.ts';
import type { ApiDeps } from '../api-deps.ts';
import { CopyOpenPositionsField, SettingsFields } from '../copy-settings-schema.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors, IdParamSchema } from '../schemas.ts';

const Name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(60, 'at most 60 characters')
  .meta({ example: 'Cautious politics' });
const PresetSettings = z
  .strictObject({ ...SettingsFields, ...CopyOpenPositionsField })
  .describe(
    'any subset of the follow settings; a follow made from the preset takes the defaults for the rest',
  );

const PresetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    settings: z
      .record(z.string(), z.unknown())
      .describe('the settings saved, under the follow request’s names'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Preset' });

export function presetRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/presets',
      {
        schema: {
          tags: ['presets'],
          summary: 'Your presets, by name',
          security: BearerSecurity,
          response: { 200: z.object({ presets: z.array(PresetSchema) }), ...errors(401) },
        },
      },
      async (req) => ({ presets: await listPresets(deps, requireAuth(req).userId) }),
    );

    app.post(
      '/presets',
      {
        schema: {
          tags: ['presets'],
          summary: 'Save a preset',
          description: `Checked as the follow it would make (cross-field rules, your tier's caps); at most ${MAX_PRESETS_PER_USER} per user, names unique per user (any casing).`,
          security: BearerSecurity,
          body: z.strictObject({ name: Name, settings: PresetSettings }),
          response: { 201: PresetSchema, ...errors(400, 401, 409, 422) },
        },
      },
      async (req, reply) => reply.code(201).send(await createPreset(deps, requireAuth(req).userId, req.body)),
    );

    app.get(
      '/presets/:id',
      {
        schema: {
          tags: ['presets'],
          summary: 'One preset',
          security: BearerSecurity,
          params: IdParamSchema,
          response: { 200: PresetSchema, ...errors(400, 401, 404) },
        },
      },
      async (req) => loadPreset(deps.db, requireAuth(req).userId, req.params.id),
    );

    app.patch(
      '/presets/:id',
      {
        schema: {
          tags: ['presets'],
          summary: 'Rename a preset and/or replace its settings',
          description: 'Follows already made from it keep their settings.',
          security: BearerSecurity,
          params: IdParamSchema,
          body: z
            .strictObject({ name: Name.optional(), settings: PresetSettings.optional() })
            .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
          response: { 200: PresetSchema, ...errors(400, 401, 404, 409, 422) },
        },
      },
      async (req) => updatePreset(deps, requireAuth(req).userId, req.params.id, req.body),
    );

    app.delete(
      '/presets/:id',
      {
        schema: {
          tags: ['presets'],
          summary: 'Delete a preset (follows made from it keep their settings)',
          security: BearerSecurity,
          params: IdParamSchema,
          response: { 204: z.null().describe('deleted'), ...errors(400, 401, 404) },
        },
      },
      async (req, reply) => {
        await deletePreset(deps, requireAuth(req).userId, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
