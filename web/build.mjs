// Bundles the operator pages with esbuild: src/main.js (+ uPlot) into one
// ES module, src/style.css (+ uPlot's CSS) into one stylesheet, both named
// by content hash so the gateway can cache them forever, and writes
// index.html pointing at them. Usage: node build.mjs OUT_DIR
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, 'dist'));
const assets = path.join(out, 'assets');

await rm(assets, { recursive: true, force: true });
await rm(path.join(out, 'index.html'), { force: true });
await mkdir(assets, { recursive: true });

const result = await build({
  entryPoints: { app: path.join(here, 'src/main.js'), style: path.join(here, 'src/style.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  splitting: true,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const names = Object.keys(result.metafile.outputs).map((p) => path.relative(assets, path.resolve(p)));
const js = names.find((n) => /^app-.*\.js$/.test(n));
const css = names.find((n) => /^style-.*\.css$/.test(n));
if (!js || !css) throw new Error(`esbuild did not write app.js/style.css: ${names.join(', ')}`);

const template = await readFile(path.join(here, 'src/index.html'), 'utf8');
const html = template
  .replace('{{CSS}}', `/assets/${css}`)
  .replace('{{JS}}', `/assets/${js}`);
await writeFile(path.join(out, 'index.html'), html);

// Precompressed copies: the gateway sends them to browsers that take gzip.
for (const f of [...(await readdir(assets)), '../index.html']) {
  if (f.endsWith('.gz')) continue;
  const p = path.join(assets, f);
  const body = await readFile(p);
  if (body.length > 1024) await writeFile(p + '.gz', gzipSync(body, { level: 9 }));
}

let total = 0;
for (const [p, o] of Object.entries(result.metafile.outputs)) total += o.bytes;
console.log(`web: built ${out} (${js}, ${css}; ${(total / 1024).toFixed(1)} KiB)`);
