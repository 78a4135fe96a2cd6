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
