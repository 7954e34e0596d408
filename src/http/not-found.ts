// The one JSON 404 for paths no route serves, in the API's error shape, whatever the path: an unknown
// /api/... path must never answer HTML. Never cached (a route may exist after the next deploy).
import type { FastifyReply, FastifyRequest } from 'fastify';

export function routeNotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0]!.slice(0, 200);
  return reply
    .code(404)
    .header('cache-control', 'no-cache')
    .type('application/json; charset=utf-8')
    .send({ error: { code: 'route_not_found', message: `no route ${req.method} ${path}` } });
}
