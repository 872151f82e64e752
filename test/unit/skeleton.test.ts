import * as assert from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

describe('build', () => {
  it('writes the three bundles and the runtime types', () => {
    const dist = path.resolve(__dirname, '../../../dist');
    for (const file of ['extension.js', 'runtime.js', 'runtime.d.ts', 'agent.js']) {
      assert.ok(existsSync(path.join(dist, file)), `dist/${file} is missing`);
    }
  });
});
