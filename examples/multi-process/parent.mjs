// The parent starts a session, does some work, and runs a worker process. No code passes the session on: a
// child process started inside a session joins it (AGENTOPS_INHERITED_SESSION_ID, TRACEPARENT and the preload
// in NODE_OPTIONS are added to its environment; AGENTOPS_FOLLOW_CHILDREN=false turns that off).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as agentops from '@agentops/otel';

const session = agentops.init({ tags: ['multi-process'] });
session.record(new agentops.ActionEvent({ actionType: 'dispatch', params: { task: 'summarize' } }));
const { stdout } = await promisify(execFile)(process.execPath, ['worker.mjs'], { cwd: import.meta.dirname });
process.stdout.write(stdout);
const cost = await session.endSession('Success', 'worker finished');
console.log(`Session ${session.id} ended; cost $${cost}`);
