// The command line's arguments, checked whole before anything is read or written.
export type Invocation =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'export'; trace: string; format: 'chrome'; output: string | undefined }
  | { command: 'summary'; trace: string; json: boolean };

/** Wrong arguments: the message says what is wrong; usage follows it. */
export class UsageError extends Error {}

const FORMATS = ['chrome'] as const;

export function parseArgs(argv: readonly string[]): Invocation {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return { command: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { command: 'version' };
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing a command (export or summary)');
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--format' || flag === '-o' || flag === '--output') {
      const value = inline ?? rest[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      options.set(flag === '--output' ? '-o' : flag, value);
    } else if (flag === '--json') {
      options.set(flag, true);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    } else {
      positional.push(arg);
    }
  }
  const trace = (): string => {
    if (positional.length === 0) throw new UsageError(`${command} needs a trace file`);
    if (positional.length > 1) throw new UsageError(`${command} takes one trace file, not ${positional.length}`);
    return positional[0];
  };
  const allow = (...names: string[]) => {
    for (const name of options.keys()) if (!names.includes(name)) throw new UsageError(`${name} is not an option of ${command}`);
  };
  switch (command) {
    case 'export': {
      allow('--format', '-o');
      const format = options.get('--format') ?? 'chrome';
      if (!FORMATS.includes(format as 'chrome')) throw new UsageError(`unknown format ${JSON.stringify(format)} (known: ${FORMATS.join(', ')})`);
      const output = options.get('-o');
      return { command, trace: trace(), format: 'chrome', output: typeof output === 'string' ? output : undefined };
    }
    case 'summary':
      allow('--json');
      return { command, trace: trace(), json: options.has('--json') };
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)} (known: export, summary)`);
  }
}
