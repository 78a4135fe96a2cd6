/**
 * Whether a request names HTML among the types it accepts (RFC 9110 §12.5.1), as a browser's
 * navigation does (`text/html,application/xhtml+xml,…`). A bare `*\/*` — curl, HTTP libraries,
 * load-balancer probes — does not count: those callers want data, and a web page answered to
 * them looks like a false success.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return false;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}
