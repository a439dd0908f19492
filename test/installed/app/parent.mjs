// A multi-process agent with no AgentOps code for its children: each child started inside the session joins it.
import { exec, execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as agentops from '@agentops/otel';

const session = agentops.init({ tags: ['multi-process'] });
session.record(new agentops.ActionEvent({ actionType: 'dispatch' }));
const done = (child) => new Promise((resolve) => child.on('exit', resolve));
await done(spawn(process.execPath, ['zero-code.mjs'], { stdio: 'inherit' }));
await done(fork('zero-code.cjs'));
await promisify(exec)(`"${process.execPath}" zero-code.cjs`);
execFileSync(process.execPath, ['zero-code.mjs'], { env: { ...process.env, CHILD: 'spread-env' } });
// A clean env of the app's own making is respected: this child stays out of the session.
execFileSync(process.execPath, ['zero-code.cjs'], { env: { PATH: process.env.PATH, OPENAI_BASE_URL: process.env.OPENAI_BASE_URL, OPENAI_API_KEY: 'sk-x' } });
await done(new Worker(new URL('./worker.mjs', import.meta.url)));
// Not Node: the variables only.
const shell = spawnSync('sh', ['-c', 'echo "$AGENTOPS_INHERITED_SESSION_ID $TRACEPARENT ${NODE_OPTIONS:-none}"'], { encoding: 'utf8' });
console.log(`shell: ${shell.stdout.trim()}`);
console.log(`session: ${session.id}`);
await session.endSession('Success');
