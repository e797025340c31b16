/**
 * The browser path for real: headless Chromium follows the API's single-use link through the
 * control plane's proxy, gets the session cookie, and uses the terminal page and Jupyter.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Api } from './support/client.ts';
import { type BerthProcess, removeContainersOf, startServer } from './support/server.ts';

let server: BerthProcess;
let user: Api;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  user = await new Api(server.url, server.adminKey).createUser('browser');
  await user.createSession('web');
  await user.waitFor('web', 'RUNNING');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // No sandbox as root; no background traffic, which this machine's closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) await removeContainersOf(server.dataDir);
});

it('opens the terminal from its link and runs a command in it', async () => {
  const page = await browser.newPage();
  await page.goto(await user.appUrl('web', 'ttyd'));
  expect(new URL(page.url()).search).toBe('');
  const screen = page.locator('.xterm-rows');
  await screen.waitFor({ timeout: 30_000 });
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo browser-$((20+22))\n');
  await expect.poll(() => screen.innerText(), { timeout: 20_000 }).toContain('browser-42');
  await page.close();
});

it('opens Jupyter from its link, and the link works only once', async () => {
  const url = await user.appUrl('web', 'jupyter');
  const page = await browser.newPage();
  await page.goto(url);
  await expect.poll(() => page.title(), { timeout: 30_000 }).toMatch(/Jupyter|Home/);
  await page.close();

  const stranger = await browser.newContext();
  const again = await stranger.newPage();
  const response = await again.goto(url);
  expect(response?.status()).toBe(401);
  await stranger.close();
});
