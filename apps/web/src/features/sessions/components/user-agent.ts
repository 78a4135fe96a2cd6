/** A User-Agent reduced to what a person recognises: the browser or app, and the system. */
export interface DeviceSummary {
  /** "Firefox", "Chrome", "Tessera CLI 1.2.3", or the first product named; null when unknown. */
  client: string | null;
  /** "Windows", "macOS", "Linux", …; null when the string does not say. */
  os: string | null;
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b|\bdarwin\b/i, 'macOS'],
  [/\bLinux\b|\blinux\b/, 'Linux'],
];

export function summarizeUserAgent(userAgent: string | null | undefined): DeviceSummary {
  const text = userAgent?.trim() ?? '';
  if (!text) return { client: null, os: null };
  const os = SYSTEMS.find(([pattern]) => pattern.test(text))?.[1] ?? null;
  const cli = /\btessera-cli\/([\w.+-]+)/i.exec(text);
  if (cli) return { client: `Tessera CLI ${cli[1]}`, os };
  const browser = BROWSERS.find(([pattern]) => pattern.test(text))?.[1];
  if (browser) return { client: browser, os };
  // Anything else: the first product token ("curl/8.5.0" → "curl"), unless it is the generic "Mozilla".
  const product = /^([A-Za-z][\w.-]{0,39})\//.exec(text)?.[1];
  return { client: product && product !== 'Mozilla' ? product : null, os };
}
