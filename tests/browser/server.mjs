// One doorstep binary on a free loopback port, in a temporary directory of its own, with mail
// written to files there: the tests read the mailed links as a person would from their inbox.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// This process's environment without any `DOORSTEP_*` variable: the test configuration alone
// decides.
function ownEnvironment() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DOORSTEP_')),
  );
}

// A port nobody listens on now (the binary takes it a moment later).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts `binary` with the test configuration plus `extra` properties; resolves once
// `/healthz` answers.
export async function startDoorstep(binary, extra = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'doorstep-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const properties = {
    'doorstep.base-url': base,
    'doorstep.database.url': `sqlite://${dir}/doorstep.db?mode=rwc`,
    'doorstep.auth.signup': 'on',
    'doorstep.auth.password-reset': 'on',
    'doorstep.auth.password.min-length': '10',
    'doorstep.auth.email.from': 'doorstep <signup@doorstep.localhost>',
    // The page's own script solves the proof of work, as it does for people; the cheapest
    // cost keeps that to milliseconds. The picture challenge cannot be read by a test.
    'doorstep.auth.captcha.pow': 'on',
    'doorstep.auth.captcha.pow.max-number': '1000',
    'doorstep.mail.transport': 'file',
    'doorstep.mail.dir': join(dir, 'mail'),
    // Every flow comes from one address and signs in and out many times.
    'doorstep.ratelimit.ip': '100000/1m',
    'doorstep.ratelimit.email': '100000/1m',
    'doorstep.ratelimit.mail': '100000/1m',
    ...extra,
  };
  const config = join(dir, 'doorstep.properties');
  await writeFile(
    config,
    Object.entries(properties)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(''),
  );

  const log = [];
  const child = spawn(binary, ['--config', config], {
    cwd: dir,
    env: {
      ...ownEnvironment(),
      ROCKET_ADDRESS: '127.0.0.1',
      ROCKET_PORT: String(port),
      DOORSTEP_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => log.push(chunk));
  child.stderr.on('data', (chunk) => log.push(chunk));
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = signal ?? code;
  });

  const server = {
    base,
    dir,
    mailDir: join(dir, 'mail'),
    config,
    binary,
    log: () => Buffer.concat(log).toString(),
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };

  for (let tries = 0; tries < 150; tries++) {
    if (exited !== null) {
      break;
    }
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) {
        return server;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  const output = server.log();
  await server.stop();
  throw new Error(`doorstep did not start (exit: ${exited}):\n${output}`);
}

// The first link in the newest letter to `to` that `pattern` matches, waiting for the
// outbox worker (it polls every second) to write it.
export async function mailedLink(server, to, pattern, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const letters = await lettersTo(server.mailDir, to);
    for (const letter of letters.reverse()) {
      const link = letter.text.match(pattern);
      if (link) {
        return link[0];
      }
    }
    await sleep(200);
  }
  throw new Error(`no letter to ${to} with a link like ${pattern} within ${timeoutMs} ms`);
}

// The `.eml` files addressed to `to`, oldest first.
async function lettersTo(dir, to) {
  let names;
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const letters = [];
  for (const name of names.filter((n) => n.endsWith('.eml'))) {
    const path = join(dir, name);
    const text = await readFile(path, 'utf8');
    const header = text.split(/\r?\n\r?\n/, 1)[0];
    if (new RegExp(`^To:.*<?${escape(to)}>?`, 'mi').test(header)) {
      letters.push({ text, written: (await stat(path)).mtimeMs });
    }
  }
  return letters.sort((a, b) => a.written - b.written);
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Runs `doorstep users …` on the server's configuration (for what has no page yet).
export function users(server, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(server.binary, ['--config', server.config, 'users', ...args], {
      cwd: server.dir,
      env: ownEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`doorstep users ${args.join(' ')}: ${out}`)),
    );
  });
}
