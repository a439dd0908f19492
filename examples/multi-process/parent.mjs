// The parent starts a session, does some work, and runs a worker process that joins the same session
// through AGENTOPS_INHERITED_SESSION_ID; the worker is an unmodified app run with the preload.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as agentops from '@agentops/otel';

const session = agentops.init({ tags: ['multi-process'] });
session.record(new agentops.ActionEvent({ actionType: 'dispatch', params: { task: 'summarize' } }));
const { stdout } = await promisify(execFile)(process.execPath, ['--import', '@agentops/otel/register', 'worker.mjs'], {
  cwd: import.meta.dirname,
  env: { ...process.env, AGENTOPS_INHERITED_SESSION_ID: session.id },
});
process.stdout.write(stdout);
const cost = await session.endSession('Success', 'worker finished');
console.log(`Session ${session.id} ended; cost $${cost}`);
