// The one error body of the API, {"error": {"code", "message"}}, and the one place where an error
// becomes a status. AppError codes map to statuses here; Fastify's own request errors (bad JSON,
// wrong content type, body too large) and schema validation failures become 4xx with their own
// codes; anything else is a 500 whose details go to the log, never to the client.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type AppErrorCode } from '../../services/app-error.ts';

export const APP_ERROR_STATUS: Record<AppErrorCode, number> = {
  validation_failed: 400,
  weak_password: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  not_found: 404,
  email_taken: 409,
  conflict: 409,
  credential_exists: 409,
  account_locked: 423,
  tier_limit_reached: 422,
  credential_required: 422,
  credential_rejected: 422,
  rate_limited: 429,
  verification_unavailable: 503,
  totp_required: 401,
  invalid_totp: 401,
  invalid_signature: 401,
  identity_taken: 409,
  telegram_unavailable: 503,
  monitoring_unavailable: 503,
  venue_unavailable: 503,
  csrf_failed: 403,
};

/** Codes only the HTTP edge produces. */
export type EdgeErrorCode =
  | 'malformed_json'
  | 'bad_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'route_not_found'
  | 'internal';

export interface ErrorBody {
  error: { code: AppErrorCode | EdgeErrorCode; message: string };
}

export function errorBody(code: AppErrorCode | EdgeErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

function validationMessage(error: FastifyError): string {
  const context = error.validationContext ?? 'request';
  const parts = (error.validation ?? []).slice(0, 10).map((v) => {
    const path = v.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
    return `${context}${path ? `.${path}` : ''}: ${v.message ?? 'invalid'}`;
  });
  return parts.length > 0 ? parts.join('; ') : 'the request is invalid';
}

export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(APP_ERROR_STATUS[error.code]).send(errorBody(error.code, error.message));
  }
  if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
    return reply.code(400).send(errorBody('validation_failed', validationMessage(error)));
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    return reply.code(500).send(errorBody('internal', 'internal error'));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(errorBody('malformed_json', 'the request body is not valid JSON'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(errorBody('malformed_json', 'the request body is empty'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(errorBody('payload_too_large', 'the request body is too large'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .code(415)
          .send(errorBody('unsupported_media_type', 'send the request body as application/json'));
      default:
        if (error instanceof SyntaxError || error.name === 'SyntaxError') {
          return reply.code(400).send(errorBody('malformed_json', 'the request body is not valid JSON'));
        }
        if (status === 413)
          return reply.code(413).send(errorBody('payload_too_large', 'the request body is too large'));
        if (status === 415)
          return reply.code(415).send(errorBody('unsupported_media_type', 'unsupported content type'));
        if (status === 429) return reply.code(429).send(errorBody('rate_limited', 'too many requests'));
        // Other client errors from Fastify (bad headers, proto poisoning...): generic wording, since
        // their messages can echo input.
        return reply.code(status).send(errorBody('bad_request', 'the request is malformed'));
    }
  }
  // Two transactions that locked the same rows in opposite orders (e.g. two admins acting on each
  // other, each holding their own row for the step-up): PostgreSQL aborted one of them, nothing of
  // it was written, and the same request can simply be sent again.
  const pgCode = (error as { code?: unknown }).code;
  if (pgCode === '40P01' || pgCode === '40001') {
    request.log.warn({ err: error }, 'transaction aborted by a concurrent one');
    return reply.code(409).send(errorBody('conflict', 'a concurrent change got in the way; send it again'));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send(errorBody('internal', 'internal error'));
}
