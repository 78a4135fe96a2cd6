import type { FastifyRequest } from 'fastify';

/** Who asked and from where: what services put into audit events. */
export interface RequestContext {
  ip: string;
  userAgent: string | null;
  requestId: string;
  actorCredentialId: string | null;
  actorKind: string | null;
}

export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: request.id,
    actorCredentialId: request.identity?.credentialId ?? null,
    actorKind: request.identity?.kind ?? null,
  };
}
