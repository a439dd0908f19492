// Bundles the dashboard into dist/: index.html, app.js (Preact + htm + uPlot, minified) and app.css.
// Everything it needs is in dist/: the page loads nothing from elsewhere.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  outfile: path.join(dist, 'app.js'),
  legalComments: 'none',
});
const uplotCss = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
writeFileSync(path.join(dist, 'app.css'), `${uplotCss}\n${readFileSync(path.join(here, 'src', 'style.css'), 'utf8')}`);
copyFileSync(path.join(here, 'src', 'index.html'), path.join(dist, 'index.html'));
console.log('dashboard built into dist/');
