/** SQLSTATE codes the services translate into answers (PostgreSQL appendix A; PGlite reports the same). */
export const PostgresErrorCode = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
} as const;

export function hasPostgresErrorCode(
  error: unknown,
  code: (typeof PostgresErrorCode)[keyof typeof PostgresErrorCode],
): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** A unique constraint refused the row (a name taken, a race lost to a concurrent insert). */
export function isUniqueViolation(error: unknown): boolean {
  return hasPostgresErrorCode(error, PostgresErrorCode.uniqueViolation);
}

/** A foreign key refused the change (the referenced row is gone, or still referenced under RESTRICT). */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasPostgresErrorCode(error, PostgresErrorCode.foreignKeyViolation);
}
