// Shared pieces of the browser tests: a private server on a seeded demo database, and
// Chromium (Debian's /usr/bin/chromium) driven by playwright-core from web/node_modules.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST = join(ROOT, 'web', 'dist');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function loadPlaywright() {
  const req = createRequire(join(ROOT, 'web', 'package.json'));
  try {
    return req('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: run `make web` (npm ci in web/) first');
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seeds a demo database in a temp dir and starts `voronka serve` on a free port. */
export async function startServer() {
  const binary = process.env.VORONKA_BINARY || join(ROOT, 'build', 'debug', 'src', 'voronka');
  if (!existsSync(binary)) throw new Error(`no server binary at ${binary}; set VORONKA_BINARY`);
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`no built web UI in ${WEB_DIST}: run \`make web\``);
  const dir = mkdtempSync(join(tmpdir(), 'voronka-e2e-'));
  const db = join(dir, 'voronka.db');
  const seeded = spawnSync(binary, ['--log-level', 'warn', 'seed-demo', '--db', db], { encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seed-demo failed: ${seeded.stderr || seeded.stdout}`);
  const portFile = join(dir, 'port');
  const proc = spawn(binary, ['--log-level', 'warn', 'serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, '--web', WEB_DIST], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = null;
  proc.on('exit', (code) => (exited = code));
  let port = '';
  for (let i = 0; i < 300 && !port; i++) {
    if (exited !== null) throw new Error(`server exited with ${exited}`);
    if (existsSync(portFile)) port = readFileSync(portFile, 'utf8').trim();
    if (!port) await sleep(50);
  }
  if (!port) throw new Error('server did not write its port file in 15 s');
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (exited === null) {
        proc.kill('SIGTERM');
        for (let i = 0; i < 100 && exited === null; i++) await sleep(50);
        if (exited === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const { chromium } = loadPlaywright();
  const executablePath = process.env.VORONKA_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: install the Debian package chromium (make deps)`);
  // A Russian desktop: native date and time inputs follow the browser's own language.
  const env = { ...process.env, LANGUAGE: 'ru', LANG: 'ru_RU.UTF-8' };
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, env });
}

/** datetime-local value for a moment `minutes` from now (browser and test share the zone). */
export function localInput(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}
