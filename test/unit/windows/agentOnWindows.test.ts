// The agent and the extension's channel code on Windows, for real: Node for Windows under Wine
// runs test/fixtures/windows/pipes.js, which uses the built channel server and attach client
// against the real agent over named pipes: connect mode with the window's token (a child
// process connecting too), cancel and cancelMany, a stranger without the token refused, listen
// mode with the attach client, and trace mode.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureWindowsNode, type WindowsNode } from '../../harness/windows';

const ROOT = path.resolve(__dirname, '../../../..');

describe('on Windows (Node for Windows under Wine)', function () {
  this.timeout(240_000);
  let windows: WindowsNode | undefined;
  let results: Record<string, unknown> = {};

  before(function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') this.skip(); // Wine runs Windows x64 programs on linux-x64
    windows = ensureWindowsNode();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-win-'));
    const file = path.join(dir, 'results.json');
    const run = windows.run([path.join(ROOT, 'test', 'fixtures', 'windows', 'pipes.js'), windows.windowsPath(file)], 180_000);
    assert.ok(fs.existsSync(file), `node.exe wrote no results (exit ${run.status}): ${run.stderr}`);
    results = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(results.error, undefined, String(results.error));
  });

  it('the window\'s channel is a named pipe with a random name', () => {
    assert.equal(results.pipe, true);
  });

  it('a program and the child it spawns connect over the pipe with the token, each with its op', () => {
    assert.equal(results.parentConnected, true);
    assert.deepEqual(results.names, ['childOnWindows', 'onWindows']);
  });

  it('cancel ends the program\'s op canceled; an unknown op is NOT_FOUND; cancelMany names what it could not cancel', () => {
    assert.equal(results.canceled, true);
    assert.equal(results.unknownOp, 'NOT_FOUND');
    assert.deepEqual(results.cancelManyFailures, [[424242, 'NOT_FOUND']]);
  });

  it('a program without the window\'s token is never shown', () => {
    assert.equal(results.strangerShown, false);
  });

  it('listen mode on a named pipe: the attach client gets the program\'s hello', () => {
    assert.equal(results.attachedPid, true);
  });

  it('trace mode writes the stream to a file', () => {
    assert.equal(results.traced, true);
  });
});
