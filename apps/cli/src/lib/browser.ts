import { spawn } from 'node:child_process';

/**
 * Opens a URL in the user's browser; false when that could not be tried. `$BROWSER` wins (as for
 * git and gh); `BROWSER=none` never opens one, for tests and headless machines.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let command: string;
  let args: string[];
  if (env.BROWSER) {
    if (env.BROWSER === 'none') return false;
    const [program = 'none', ...rest] = env.BROWSER.split(' ').filter(Boolean);
    [command, args] = [program, [...rest, url]];
  } else if (process.platform === 'darwin') {
    [command, args] = ['open', [url]];
  } else if (process.platform === 'win32') {
    [command, args] = ['rundll32', ['url.dll,FileProtocolHandler', url]];
  } else {
    [command, args] = ['xdg-open', [url]];
  }
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
