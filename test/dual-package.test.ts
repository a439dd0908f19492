import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (code: string, type: 'commonjs' | 'module') =>
  execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: __dirname, encoding: 'utf8', env: { ...process.env, AGENTOPS_LOG_LEVEL: 'error' } });

describe('@agentops/otel builds to ESM and CommonJS', () => {
  it('works with require()', () => {
    const out = run(
      `const a = require('@agentops/otel'); const s = a.init(); s.record(new a.ActionEvent({actionType:'x'}));
       s.endSession('Success').then(c => console.log(require.resolve('@agentops/otel'), s.getAnalytics().Actions, c));`,
      'commonjs',
    );
    expect(out).toMatch(/dist[/\\]index\.cjs 1 0\.000000/);
  });

  it('works with import, and both builds in one process share one client', () => {
    const out = run(
      `import * as esm from '@agentops/otel'; import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('@agentops/otel');
       const s = esm.init();
       cjs.record(new cjs.ActionEvent({ actionType: 'from-cjs' }));
       esm.record(new esm.ActionEvent({ actionType: 'from-esm' }));
       console.log(import.meta.resolve('@agentops/otel').endsWith('index.js'), cjs.getSession() === s, s.getAnalytics().Actions);
       await s.endSession('Success');`,
      'module',
    );
    expect(out.trim()).toBe('true true 2');
  });
});
