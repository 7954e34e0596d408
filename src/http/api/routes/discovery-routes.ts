// Public discovery reads: the catalogue of discovery categories and one category's traders
// (docs/analytics.md, "Discovery categories"). Public like the leaderboard; thin over
// src/services/list-category.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CATEGORY_IDS, isCategoryId } from '../../../domain/analytics/categories.ts';
import { notFound } from '../../../services/app-error.ts';
import { listCategories, listCategory } from '../../../services/list-category.ts';
import type { ApiDeps } from '../api-deps.ts';
import { errors, Money, PageQuery, pageOf } from '../schemas.ts';

const CategoryIdSchema = z.enum(CATEGORY_IDS);

const CategorySchema = z
  .object({
    id: CategoryIdSchema,
    title: z.string(),
    rule: z.string().describe('the rule, with its thresholds, in words'),
    sortedBy: z.string().describe('the traders column the list is ordered by (then wallet ascending)'),
    sortDirection: z.enum(['asc', 'desc']),
  })
  .meta({ id: 'DiscoveryCategory' });

const CategoryEntrySchema = z
  .object({
    position: z.number().int().describe('place in this category, from 1'),
    wallet: z.string(),
    displayName: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    isVerified: z.boolean(),
    pnl7d: Money,
    pnl7dPercent: z.string(),
    totalPnl: Money,
    totalPnlPercent: z.string(),
    totalVolumeUsd: Money,
    totalTrades: z.number().int(),
    winRate: z.string(),
    sharpeRatio: z.string().nullable(),
    maxDrawdown: z.string().nullable(),
    volatility: z.string().nullable(),
    rank7d: z.number().int().nullable(),
    rankAllTime: z.number().int().nullable(),
    rankVolume: z.number().int().nullable(),
    followerCount: z.number().int(),
    lastTradeAt: z.string().nullable(),
  })
  .meta({ id: 'CategoryEntry' });

export function discoveryRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/leaderboard/categories',
      {
        schema: {
          tags: ['traders'],
          summary: 'Discovery categories and their rules',
          response: { 200: z.object({ items: z.array(CategorySchema) }), ...errors() },
        },
      },
      async () => ({ items: listCategories() }),
    );

    app.get(
      '/leaderboard/categories/:category',
      {
        schema: {
          tags: ['traders'],
          summary: "One discovery category's traders",
          description:
            'Ranked traders (active, meeting the minimum sample) matching the category rule, in its order, ' +
            'ties by wallet ascending. See GET /leaderboard/categories for the rules.',
          params: z.strictObject({
            category: z
              .string()
              .max(64)
              .meta({ example: 'consistent_winners' })
              .describe(CATEGORY_IDS.join(', ')),
          }),
          querystring: z.strictObject(PageQuery),
          response: { 200: pageOf(CategoryEntrySchema).meta({ id: 'CategoryPage' }), ...errors(400, 404) },
        },
      },
      async (req) => {
        const { category } = req.params;
        if (!isCategoryId(category)) throw notFound('category');
        return listCategory(deps, category, req.query);
      },
    );
  };
}
