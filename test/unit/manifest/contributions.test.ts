// package.json declares what contributions.ts names: a command, setting or view id that exists in
// one and not the other is a button that does nothing or a setting that is never read.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { SETTING_DEFAULTS } from '../../../src/contributions';

const root = path.resolve(__dirname, '../../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributions = readFileSync(path.join(root, 'src/contributions.ts'), 'utf8');

function enumValues(name: string): string[] {
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(contributions)?.[1] ?? '';
  return [...body.matchAll(/=\s*'([^']+)'/g)].map((m) => m[1]);
}

describe('manifest', () => {
  it('declares every command contributions.ts names, and no other', () => {
    const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(declared, enumValues('Commands').sort());
  });

  it('declares every setting contributions.ts names, and no other', () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).sort();
    assert.deepEqual(declared, enumValues('Settings').map((s) => `asyncOperations.${s}`).sort());
  });

  it('declares the defaults SETTING_DEFAULTS gives the code', () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).sort();
    assert.deepEqual(Object.keys(SETTING_DEFAULTS).map((s) => `asyncOperations.${s}`).sort(), declared);
    for (const [name, value] of Object.entries(SETTING_DEFAULTS)) {
      assert.deepEqual(manifest.contributes.configuration.properties[`asyncOperations.${name}`].default, value, name);
    }
  });

  it('puts the view in Run and Debug, with a welcome text', () => {
    const view = manifest.contributes.views.debug.find((v: { id: string }) => v.id === 'asyncOperations.view');
    assert.equal(view?.name, 'Async Operations');
    assert.ok(manifest.contributes.viewsWelcome.some((w: { view: string }) => w.view === 'asyncOperations.view'));
  });

  it('uses only known context keys and row contexts in when clauses, with == (not ===)', () => {
    const keys = enumValues('ContextKeys');
    const rows = enumValues('RowContext');
    const menus = Object.values(manifest.contributes.menus).flat() as { when?: string }[];
    for (const { when } of menus) {
      if (!when) continue;
      assert.ok(!when.includes('==='), `"${when}" uses ===`);
      for (const key of when.match(/asyncOperations\.[a-zA-Z]+/g) ?? []) {
        if (key === 'asyncOperations.view') continue;
        assert.ok(keys.includes(key), `unknown context key ${key} in "${when}"`);
      }
      for (const row of when.match(/viewItem == ([\w.]+)/g) ?? []) {
        assert.ok(rows.includes(row.replace('viewItem == ', '')), `unknown row context in "${when}"`);
      }
    }
  });

  it('every command the code registers is one contributions.ts names', () => {
    const ui = path.join(root, 'src/ui');
    const sources = readdirSync(ui).map((f) => readFileSync(path.join(ui, f), 'utf8')).join('\n');
    for (const literal of sources.match(/registerCommand\('([^']+)'/g) ?? []) {
      assert.fail(`command registered by string literal, not through contributions.ts: ${literal}`);
    }
  });
});
