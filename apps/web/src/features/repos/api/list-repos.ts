/** The shared query (lib/queries): the token screens read the same list to restrict a token to repositories. */
export { listRepos, reposQueryOptions, useRepos } from '../../../lib/queries/repos.ts';
