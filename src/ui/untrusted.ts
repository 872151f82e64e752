// Text a debugged program or a file controls (op names, sites, error messages, trace contents)
// must never become markup in a notification: VS Code turns `[label](command:...)` in a message
// into a link that runs the command when clicked. Every such text goes through `plain()`.

/** Longest piece of untrusted text a notification quotes. */
const MAX_CHARS = 200;

/** The text with every `](` broken apart (no link can form), on one line, cut to a readable length. */
export function plain(text: unknown, max = MAX_CHARS): string {
  let s = String(text).replace(/[\r\n\t]+/g, ' ').replace(/\]\s*\(/g, '] (');
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s;
}
