// `npm run pack:runtime`: stages the @asyncinfo/runtime package from the built bundles (dist/) and
// this folder's files in out/runtime-package/, then writes asyncinfo-runtime-<version>.tgz at the
// repository root. The bundles are dist/'s own, without their source-map comments (no maps ship).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const dist = path.join(root, 'dist');
const stage = path.join(root, 'out/runtime-package');

// agent.js is the ES5 preload; it starts agentMain.js where the Node can run it. cli.js is the
// `asyncinfo` bin, otel.js the `/otel` entry.
const BUNDLES = ['runtime.js', 'agent.js', 'agentMain.js', 'cli.js', 'otel.js'];
for (const built of [...BUNDLES, 'types/runtime/index.d.ts', 'types/otel/index.d.ts']) {
  if (!existsSync(path.join(dist, built))) throw new Error(`dist/${built} is missing: run \`npm run build\` first`);
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const withoutMapComment = (file) => readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
for (const bundle of BUNDLES) writeFileSync(path.join(stage, bundle), withoutMapComment(path.join(dist, bundle)));
cpSync(path.join(dist, 'types'), path.join(stage, 'types'), { recursive: true, filter: (f) => !f.endsWith('.map') });
for (const file of ['package.json', 'README.md', 'index.mjs', 'index.d.ts', 'index.d.mts', 'otel.d.ts']) {
  copyFileSync(path.join(here, file), path.join(stage, file));
}
copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const output = execFileSync(npm, ['pack', stage, '--pack-destination', root, '--json'], { cwd: root, encoding: 'utf8' });
const [{ filename }] = JSON.parse(output);
console.log(path.join(root, filename));
