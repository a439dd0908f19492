// Empties ./dist before a package build (portable `rm -rf dist`).
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
