// The Fastify instance a route plugin receives (zod type provider): what a group of routes split out
// of a plugin function registers itself on.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export type RouteApp = Parameters<FastifyPluginAsyncZod>[0];
