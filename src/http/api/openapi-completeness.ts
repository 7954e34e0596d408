// Statuses and media types every operation can answer that no route schema states: the API's edges
// (src/http/app.ts frameworkErrors, the error handler, the rate limiter) answer them for every route
// alike, so they are added to the document here, in one place, rather than to each route:
//   - 400: a malformed URL (broken percent-encoding) on any route; a malformed JSON body on any
//     route that takes one;
//   - 414: a path parameter over 100 characters, on every route with parameters;
//   - 413 (body too large) and 415 (not application/json) on every route that takes a body (POST,
//     PUT, PATCH, DELETE: Fastify parses a body for them whether or not the route reads it);
//   - 429: every route is behind the per-IP limiter;
//   - 500: an unexpected failure, in the one error body.
// And the two answers that are not JSON: GET /events streams text/event-stream, GET /positions
// answers text/csv with format=csv.
import type { OpenAPIV3 } from 'openapi-types';

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const errorResponse = (description: string): OpenAPIV3.ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const TEXT_ANSWERS: Record<string, { method: (typeof METHODS)[number]; type: string; description: string }> =
  {
    '/api/v1/events': { method: 'get', type: 'text/event-stream', description: 'the live event stream' },
    '/api/v1/positions': { method: 'get', type: 'text/csv', description: 'with format=csv: the page as CSV' },
  };

function addStatus(op: OpenAPIV3.OperationObject, status: string, description: string): void {
  op.responses ??= {};
  op.responses[status] ??= errorResponse(description);
}

export function completeDocument<T>(document: T): T {
  const doc = document as unknown as OpenAPIV3.Document;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item || !path.startsWith('/api/v1/')) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      addStatus(op, '400', 'invalid request (validation_failed, malformed_json, bad_request)');
      if (path.includes('{')) addStatus(op, '414', 'a path parameter is too long (bad_request)');
      if (BODY_METHODS.has(method)) {
        addStatus(op, '413', 'the request body is too large (payload_too_large)');
        addStatus(op, '415', 'the request body is not application/json (unsupported_media_type)');
      }
      addStatus(op, '429', 'too many requests (rate_limited); Retry-After says when to try again');
      addStatus(op, '500', 'an unexpected failure (internal)');
    }
    const text = TEXT_ANSWERS[path];
    const ok = text
      ? (item[text.method]?.responses?.['200'] as OpenAPIV3.ResponseObject | undefined)
      : undefined;
    if (text && ok) {
      ok.content = {
        ...(text.type === 'text/csv' ? ok.content : {}),
        [text.type]: { schema: { type: 'string' } },
      };
      ok.description = ok.description ? `${ok.description}; ${text.description}` : text.description;
    }
  }
  return document;
}
