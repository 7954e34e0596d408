// Response schemas shared by several routes.
import { z } from 'zod';

export const UserViewSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    emailVerified: z.boolean(),
    username: z.string().nullable(),
    walletAddress: z.string().nullable(),
    telegramId: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    subscriptionTier: z.enum(['free', 'basic', 'pro', 'premium']),
    limits: z.object({
      maxFollowedTraders: z.number().int(),
      maxDailyTrades: z.number().int(),
      maxTradeSizeUsd: z.string(),
      maxTotalExposureUsd: z.string(),
    }),
    balanceUsd: z.string(),
    twoFactorEnabled: z.boolean(),
    isActive: z.boolean(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

export const TokenPairSchema = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    accessTokenExpiresAt: z.string(),
    refreshToken: z
      .string()
      .optional()
      .describe(
        'also set in the httpOnly polycopy_refresh cookie; left out of the body for the web app ' +
          '(X-Requested-With: polycopy-web)',
      ),
    refreshTokenExpiresAt: z.string(),
    sessionId: z.string(),
  })
  .meta({ id: 'TokenPair' });

export const SessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
