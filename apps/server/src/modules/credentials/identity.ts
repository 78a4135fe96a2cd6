import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { bearerChallenge } from './bearer-challenge.ts';
import type { OwnerProfile, VerifiedCredential } from './credentials.service.ts';
import { SCOPES } from './scopes.ts';

/** What every authenticated caller has, whatever presented it. */
interface IdentityBase {
  userId: string;
  credentialId: string;
  /** What the credential may do: every scope for a web session, the granted ones otherwise. */
  scopes: string[];
  expiresAt: Date | null;
  via: 'bearer' | 'cookie';
  /**
   * The owner's profile when this request's verification read it from the store (a cache miss):
   * as fresh as a read by the route, so the route need not read it again. Absent on a cache hit.
   */
  owner?: OwnerProfile;
}

/** A web session (the cookie). */
export interface SessionIdentity extends IdentityBase {
  kind: 'session';
}

/** An OAuth access token: one sign-in of a client, renewed through its refresh family. */
export interface AccessIdentity extends IdentityBase {
  kind: 'access';
  familyId: string | null;
  clientId: string | null;
}

/** A personal access token. */
export interface PersonalIdentity extends IdentityBase {
  kind: 'personal';
  /** The repositories its repos:* and tasks:* routes may touch (ADR 0031); null: every one. */
  repoIds: string[] | null;
}

/** An automation token: it acts on its own task group only. */
export interface AutomationIdentity extends IdentityBase {
  kind: 'automation';
  /** Null only for a token issued without a group (the store allows it): it reaches no group. */
  taskGroupId: string | null;
}

/** The authenticated caller on `request.identity`, by the kind of credential it presented. */
export type Identity = SessionIdentity | AccessIdentity | PersonalIdentity | AutomationIdentity;
export type InteractiveIdentity = SessionIdentity | AccessIdentity;

export function isInteractive(identity: Identity): identity is InteractiveIdentity {
  return identity.kind === 'session' || identity.kind === 'access';
}

/** What deciding about repositories, task groups and tasks needs to know of the caller. */
export type RepoActor = Pick<Identity, 'userId'> &
  (
    | Pick<SessionIdentity | AccessIdentity, 'kind'>
    | Pick<PersonalIdentity, 'kind' | 'repoIds'>
    | Pick<AutomationIdentity, 'kind' | 'taskGroupId'>
  );

/** The repositories a caller is limited to (a restricted PAT's, ADR 0031); null: every one of its owner's. */
export function repoLimitOf(actor: RepoActor): string[] | null {
  return actor.kind === 'personal' ? actor.repoIds : null;
}

/** Whether a credential may act on a repository (its task groups and tasks included): ADR 0031. */
export function mayUseRepo(actor: RepoActor, repoId: string): boolean {
  return actor.kind !== 'personal' || actor.repoIds === null || actor.repoIds.includes(repoId);
}

/**
 * Identities of cached credentials, by how they were presented: a cache hit (no fresh owner read)
 * reuses the identity built at the first request instead of copying the record again on every
 * request (issue #13). Both are immutable, and a revoked credential's record leaves the cache, and
 * with it this entry.
 */
const identitiesOfCached = new WeakMap<VerifiedCredential, Partial<Record<Identity['via'], Identity>>>();

export function toIdentity(
  credential: VerifiedCredential,
  via: Identity['via'],
  owner: OwnerProfile | undefined,
): Identity {
  if (owner) return buildIdentity(credential, via, owner);
  let byVia = identitiesOfCached.get(credential);
  if (!byVia) {
    byVia = {};
    identitiesOfCached.set(credential, byVia);
  }
  let identity = byVia[via];
  if (!identity) {
    identity = buildIdentity(credential, via, undefined);
    byVia[via] = identity;
  }
  return identity;
}

function buildIdentity(
  credential: VerifiedCredential,
  via: Identity['via'],
  owner: OwnerProfile | undefined,
): Identity {
  const base: IdentityBase = {
    ...(owner ? { owner } : {}),
    userId: credential.userId,
    credentialId: credential.id,
    scopes: credential.scopes,
    expiresAt: credential.expiresAt,
    via,
  };
  switch (credential.kind) {
    case 'session':
      // A web session holds every scope (docs/api.md §3); every other kind holds what it was granted.
      return { ...base, kind: 'session', scopes: [...SCOPES] };
    case 'access':
      return { ...base, kind: 'access', familyId: credential.familyId, clientId: credential.clientId };
    case 'personal':
      return { ...base, kind: 'personal', repoIds: credential.repoIds };
    case 'automation':
      return { ...base, kind: 'automation', taskGroupId: credential.taskGroupId };
  }
}

/**
 * The caller of a route that declared `config.auth` other than `public`: the authenticator
 * refused the request before the handler otherwise, so the throw is a guard, not a path.
 */
export function requireIdentity(request: FastifyRequest): Identity {
  const identity = request.identity;
  if (!identity) {
    throw new AppError('unauthenticated', 'Sign in or present a bearer token.', {
      headers: { 'www-authenticate': bearerChallenge() },
    });
  }
  return identity;
}

/** The caller of an `interactive` route: a web session or an access token (ADR 0013). */
export function requireInteractiveIdentity(request: FastifyRequest): InteractiveIdentity {
  const identity = requireIdentity(request);
  if (!isInteractive(identity)) throw interactiveCredentialRequired();
  return identity;
}

export function interactiveCredentialRequired(): AppError {
  const description = 'Token management needs an interactive sign-in (session or access token), not a PAT';
  return new AppError('interactive_credential_required', `${description}.`, {
    headers: {
      'www-authenticate': bearerChallenge('invalid_token', { description }),
    },
  });
}
