// The extension-test entry: VS Code's extension host loads this module and calls run(); the
// promise's outcome is the run's exit code. Runs every *.test.js beside it (and below), so a new
// test file needs no registration.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { terminalMark } from './support';

export async function run(): Promise<void> {
  const Mocha = require('mocha') as typeof import('mocha');
  // The extension host forwards console arguments unformatted (and ignores reassigning
  // console.log), while mocha's reporters log printf-style ('%d passing', n): format first.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(terminalMark + util.format(...args));
  const mocha = new Mocha({
    ui: 'bdd',
    color: process.env.ASYNCOPS_TEST_COLOR === '1',
    timeout: 60_000,
    ...(process.env.ASYNCOPS_TEST_GREP ? { grep: process.env.ASYNCOPS_TEST_GREP } : {}),
  });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension test(s) failed`);
}

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(dir, name));
}
