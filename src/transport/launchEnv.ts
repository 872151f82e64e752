// What NODE_OPTIONS a Node launch would give its program without us, so the agent is added to it
// rather than replacing it. js-debug takes a launch config's `env` over its `envFile`, and both
// over the editor's own environment: setting `env.NODE_OPTIONS` ourselves would silently drop a
// value that only the envFile sets.
import { readFileSync } from 'fs';

/** The value of `name` in a dotenv file's text (`KEY=value`, quotes and `export` allowed), if set. */
export function dotenvValue(text: string, name: string): string | undefined {
  let found: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || m[1] !== name) continue;
    const raw = m[2];
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) found = raw.slice(1, -1).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    else if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) found = raw.slice(1, -1);
    else found = raw.replace(/\s+#.*$/, '');
  }
  return found;
}

/** NODE_OPTIONS as the launched program would get it: the config's `env`, else its `envFile`
 *  (unreadable: ignored, js-debug reports it), else `inherited`. */
export function launchNodeOptions(env: Readonly<Record<string, unknown>>, envFile: unknown, inherited: string | undefined): string | undefined {
  if (typeof env.NODE_OPTIONS === 'string') return env.NODE_OPTIONS;
  if (typeof envFile === 'string' && envFile) {
    try {
      const fromFile = dotenvValue(readFileSync(envFile, 'utf8'), 'NODE_OPTIONS');
      if (fromFile !== undefined) return fromFile;
    } catch {
      // no such file: the launch itself says so
    }
  }
  return inherited;
}
