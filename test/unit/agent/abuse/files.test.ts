// Issue 14, item 5: files and sockets in directories others share. The address file and the
// trace are the agent's own new files (0600), never written through a symlink or into a file
// someone else made; the listening socket is 0600 whatever the umask; a socket left by a killed
// program is replaced, a live one is not. Tests about another user's files need root (CI is).
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import { Scope, waitUntil, type Program } from '../harness';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;

describe('abuse: files and sockets in shared directories', function () {
  this.timeout(30000);
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  /** The program with this umask (children inherit it). */
  async function programWithUmask(umask: number, env: Record<string, string>): Promise<Program> {
    const previous = process.umask(umask);
    try {
      return await scope.program(env);
    } finally {
      process.umask(previous);
    }
  }

  /** Where the agent listens, once it does; null when it has not after 2 s (it gave up). */
  async function listeningAddress(program: Program): Promise<string | null> {
    for (let i = 0; i < 200; i++) {
      const { agent } = await program.call('stats');
      if (agent.listening) return agent.listening;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return null;
  }

  const mode = (path: string) => fs.lstatSync(path).mode & 0o777;

  it('makes its Unix socket, address file and trace 0600 under umask 000', async () => {
    fs.chmodSync(scope.dir, 0o755);
    const sock = scope.file('agent.sock');
    const program = await programWithUmask(0, { ASYNCINFO_LISTEN: sock, ASYNCINFO_LISTEN_FILE: scope.file('addr'), ASYNCINFO_TRACE: scope.file('t.ndjson') });
    assert.strictEqual((await program.call('umask')).umask, 0);
    assert.strictEqual(await listeningAddress(program), sock);
    assert.strictEqual(mode(sock), 0o600);
    assert.strictEqual(mode(scope.file('addr')), 0o600);
    assert.strictEqual(mode(scope.file('t.ndjson')), 0o600);
    assert.strictEqual((await program.call('umask')).umask, 0, "the program's umask is its own again");
    await (await scope.dial(sock)).waitForType('snapshotEnd');
    if (isRoot) {
      // Another user, in a directory they may enter, cannot connect.
      const probe = `require('net').connect(${JSON.stringify(sock)}).on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(1); })`;
      const other = spawn(process.execPath, ['-e', probe], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      other.stdout!.on('data', (d) => (out += d));
      const code = await new Promise((resolve) => other.on('exit', resolve));
      assert.strictEqual(code, 1);
      assert.strictEqual(out.trim(), 'EACCES');
    }
  });

  it('replaces a socket left by a killed program, but not a live one, nor a file that is not a socket', async () => {
    const stale = scope.file('stale.sock');
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.ok(fs.lstatSync(stale).isSocket(), 'the killed program left its socket');
    const program = await scope.program({ ASYNCINFO_LISTEN: stale });
    assert.strictEqual(await listeningAddress(program), stale);
    await (await scope.dial(stale)).waitForType('snapshotEnd');

    const live = await scope.server({ path: scope.file('live.sock') });
    const second = await scope.program({ ASYNCINFO_LISTEN: live.address, ASYNCINFO_DEBUG: '1' });
    await waitUntil(() => second.stderr.includes('another process is listening there'), 'the agent to give up');
    assert.strictEqual((await second.call('stats')).agent.listening, null);
    await scope.dial(live.address);
    await live.nextClient(); // the live server still has its socket

    const file = scope.file('not-a-socket');
    fs.writeFileSync(file, 'keep me');
    const third = await scope.program({ ASYNCINFO_LISTEN: file, ASYNCINFO_DEBUG: '1' });
    await waitUntil(() => third.stderr.includes('something else is there'), 'the agent to give up');
    assert.strictEqual((await third.call('stats')).agent.listening, null);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'keep me');
    assert.strictEqual(program.stderr, '');
  });

  it('writes the address file as a new file of its own: never through a symlink or into a file it does not own', async () => {
    const victim = scope.file('victim');
    fs.writeFileSync(victim, 'victim');
    const link = scope.file('addr-link');
    fs.symlinkSync(victim, link);
    const p1 = await scope.program({ ASYNCINFO_LISTEN: scope.file('a.sock'), ASYNCINFO_LISTEN_FILE: link });
    assert.ok(await listeningAddress(p1));
    assert.strictEqual(fs.readFileSync(victim, 'utf8'), 'victim');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is left as it was');

    const own = scope.file('addr-own');
    fs.writeFileSync(own, 'stale address\n', { mode: 0o600 });
    const p2 = await scope.program({ ASYNCINFO_LISTEN: scope.file('b.sock'), ASYNCINFO_LISTEN_FILE: own });
    assert.ok(await listeningAddress(p2));
    assert.strictEqual(fs.readFileSync(own, 'utf8'), `${scope.file('b.sock')}\n`, 'its own stale file is replaced');

    if (isRoot) {
      const theirs = scope.file('addr-theirs');
      fs.writeFileSync(theirs, 'theirs', { mode: 0o666 });
      fs.chownSync(theirs, NOBODY, NOBODY);
      const p3 = await scope.program({ ASYNCINFO_LISTEN: scope.file('c.sock'), ASYNCINFO_LISTEN_FILE: theirs });
      assert.ok(await listeningAddress(p3));
      assert.strictEqual(fs.readFileSync(theirs, 'utf8'), 'theirs');
      assert.strictEqual(fs.statSync(theirs).uid, NOBODY);
    }
    assert.deepStrictEqual(fs.readdirSync(scope.dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  });

  it('appends its trace only to a file of its own: refuses a symlink, a hard link, a FIFO (without blocking), another user\'s file', async () => {
    const victim = scope.file('victim');
    fs.writeFileSync(victim, 'victim\n');
    fs.symlinkSync(victim, scope.file('t-link'));
    fs.linkSync(victim, scope.file('t-hard'));
    execFileSync('mkfifo', [scope.file('t-fifo')]);
    const refused = ['t-link', 't-hard', 't-fifo'];
    if (isRoot) {
      fs.writeFileSync(scope.file('t-theirs'), 'theirs\n', { mode: 0o666 });
      fs.chownSync(scope.file('t-theirs'), NOBODY, NOBODY);
      refused.push('t-theirs');
    }
    for (const name of refused) {
      const program = await scope.program({ ASYNCINFO_TRACE: scope.file(name), ASYNCINFO_DEBUG: '1' });
      const id = await program.start();
      await program.call('complete', { id });
      assert.strictEqual((await program.call('roundTrip')).ok, true);
      await waitUntil(() => program.stderr.includes('cannot write the trace'), `the reason ${name} was refused`);
    }
    assert.strictEqual(fs.readFileSync(victim, 'utf8'), 'victim\n');
    if (isRoot) assert.strictEqual(fs.readFileSync(scope.file('t-theirs'), 'utf8'), 'theirs\n');
  });
});
