/**
 * The web console for real: web/dist (built by global-setup) served by the host server's own code
 * next to the API over dynalite with fake compute, driven in headless Chromium.
 */
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../lambdas/host/console.ts';
import { SessionProxy } from '../../lambdas/host/proxy.ts';
import { createHostServer } from '../../lambdas/host/server.ts';
import { ADMIN_KEY, type Harness, startHarness } from '../support/harness.ts';

let h: Harness;
let server: Server;
let proxy: SessionProxy;
let url: string;
let browser: Browser;
let alice: { user: { id: string; name: string }; apiKey: string };
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newUser('alice');
  proxy = new SessionProxy((id) => h.ingress.route(id));
  server = createHostServer(h.app, proxy, { consoleRoot: CONSOLE_DIST });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  proxy?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

async function signIn(p: Page, key: string): Promise<void> {
  await p.goto(url);
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

const row = (name: string) => page.locator(`tr[data-session="${name}"]`);

async function sessionView(name: string) {
  const res = await h.request('GET', `/v1/sessions/${name}`, { key: alice.apiKey });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; status: string; ssh: { port: number | null } };
}

it('serves the console beside the API, which keeps its own 404s', async () => {
  const index = await fetch(`${url}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-type')).toMatch(/text\/html/);
  expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(await index.text()).toContain('<div id="app">');
  const missing = await fetch(`${url}/v1/nothing-here`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toBe('application/problem+json');
  expect((await fetch(`${url}/openapi.json`)).headers.get('content-type')).toMatch(/json/);
});

it('rejects a wrong key visibly, signs in with a good one, and hides the admin page from users', async () => {
  await signIn(page, 'berth_not-a-real-key');
  await expect
    .poll(() => page.getByRole('alert').innerText(), { timeout: 10_000 })
    .toContain('That API key was not accepted');

  await page.getByLabel('API key').fill(alice.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
  expect(await page.locator('.who .user').innerText()).toContain('alice');
  expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);

  await page.goto(`${url}/#/admin`);
  await page.getByText('This page is for administrators only.').waitFor();
  expect(await page.locator('table.users').count()).toBe(0);
  await page.getByRole('link', { name: 'Sessions' }).click();
});

it('shows the API’s 422 inline for a bad session name', async () => {
  await page.getByLabel('Name').fill('Bad Name');
  await page.getByRole('button', { name: 'Start session' }).click();
  await expect.poll(() => page.getByRole('alert').innerText()).toContain('The request body is not valid.');
  const name = page.getByLabel('Name');
  expect(await name.getAttribute('aria-invalid')).toBe('true');
  const errorId = (await name.getAttribute('aria-describedby'))?.split(' ').pop();
  expect(await page.locator(`#${errorId}`).innerText()).toMatch(/^must be /);
  expect(await row('bad-name').count()).toBe(0);
});

it('starts a session and shows it RUNNING, with its ssh line, without a reload', async () => {
  await page.getByLabel('Name').fill('web1');
  await page.getByLabel('vCPUs').fill('1');
  await page.getByRole('button', { name: 'Start session' }).click();
  await row('web1').waitFor();
  expect(await row('web1').locator('.status').innerText()).toMatch(/PENDING|PROVISIONING/);
  expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBeNull();

  const { id } = await sessionView('web1');
  await h.makeRunning(id);
  await expect.poll(() => row('web1').locator('.status').innerText(), { timeout: 10_000 }).toBe('RUNNING');
  const { ssh } = await sessionView('web1');
  expect(ssh.port).toBeGreaterThan(0);
  expect(await row('web1').locator('code').innerText()).toBe(`ssh -p ${ssh.port} work@berth.test`);
  expect(await row('web1').innerText()).toContain('1 vCPU');
  await row('web1').getByRole('button', { name: 'Open Jupyter web1' }).waitFor();
  await row('web1').getByRole('button', { name: 'Open Terminal web1' }).waitFor();
});

it('downloads the session key as an OpenSSH file', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row('web1').getByRole('button', { name: 'Download key web1' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('id_container_web1');
  const key = await readFile(await download.path(), 'utf8');
  expect(key.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')).toBe(true);

  const [ppk] = await Promise.all([
    page.waitForEvent('download'),
    row('web1').getByRole('button', { name: 'Download .ppk web1' }).click(),
  ]);
  expect(ppk.suggestedFilename()).toBe('id_container_web1.ppk');
  expect(await readFile(await ppk.path(), 'utf8')).toMatch(/^PuTTY-User-Key-File-\d:/);
});

it('stops a session: the list shows STOPPING', async () => {
  await row('web1').getByRole('button', { name: 'Stop web1' }).click();
  await expect.poll(() => row('web1').locator('.status').innerText(), { timeout: 10_000 }).toBe('STOPPING');
  expect((await sessionView('web1')).status).toBe('STOPPING');
  expect(await row('web1').getByRole('button', { name: 'Open Jupyter web1' }).count()).toBe(0);
});

it('looks right (screenshot of the sessions page)', async () => {
  await page.getByLabel('Name').fill('notebook');
  await page.getByLabel('Memory (MiB)').fill('4096');
  await page.getByRole('button', { name: 'Start session' }).click();
  await row('notebook').waitFor();
  await h.makeRunning((await sessionView('notebook')).id);
  await expect
    .poll(() => row('notebook').locator('.status').innerText(), { timeout: 10_000 })
    .toBe('RUNNING');
  expect(await page.locator('tbody tr').count()).toBe(2);
  await page.screenshot({ path: '/tmp/console.png', fullPage: true });
});

it('saves and clears the preferred SSH port, with the API’s errors inline', async () => {
  const me = async () =>
    (
      (await (await h.request('GET', '/v1/me', { key: alice.apiKey })).json()) as {
        settings: { preferredSshPort?: number };
      }
    ).settings;
  await page.getByRole('link', { name: 'Settings' }).click();
  const port = page.getByLabel('Preferred SSH port');

  await port.fill('80');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => port.getAttribute('aria-invalid')).toBe('true');
  expect(await me()).toEqual({});

  await port.fill('23456');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Preferred SSH port set to 23456.').waitFor();
  expect(await me()).toEqual({ preferredSshPort: 23456 });

  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByText('Preferred SSH port cleared.').waitFor();
  expect(await me()).toEqual({});
  expect(await port.inputValue()).toBe('');
});

it('lets an admin create a user and shows the new key once', async () => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, ADMIN_KEY);
  await admin.getByRole('link', { name: 'Admin' }).click();
  await admin.locator('tr[data-user="alice"]').waitFor();
  await admin.locator('table.sessions tr[data-session="web1"]').waitFor();
  expect(await admin.locator('table.sessions tr[data-session="web1"]').innerText()).toContain('alice');

  await admin.getByLabel('Name').fill('carol');
  await admin.getByRole('button', { name: 'Create user' }).click();
  const shown = admin.locator('.reveal .api-key');
  await shown.waitFor();
  const key = await shown.innerText();
  expect(key).toMatch(/^berth_/);
  const res = await h.request('GET', '/v1/me', { key });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { name: string }).name).toBe('carol');
  await admin.locator('tr[data-user="carol"]').waitFor();

  await admin.getByRole('button', { name: 'Done' }).click();
  expect(await admin.locator('.api-key').count()).toBe(0);
  await admin.reload();
  await admin.locator('tr[data-user="carol"]').waitFor();
  expect(await admin.content()).not.toContain(key);
  await admin.close();
});

it('signs out: the key leaves the browser', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  expect(await page.evaluate(() => localStorage.getItem('berth.apiKey'))).toBeNull();
  await page.reload();
  await page.getByLabel('API key').waitFor();
});
