// The main job: runs the quickstart agent and prints its session's analytics.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, ['index.mjs'], { cwd: path.join(root, 'examples', 'quickstart'), stdio: 'inherit' });
process.exit(r.status ?? 1);
