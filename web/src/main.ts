/** The Berth console: sign in with an API key, then sessions, settings and (admins) users. */
import './style.css';
import { Api, storedKey, storeKey } from './api.ts';
import { describeError, h } from './dom.ts';
import type { User } from './types.ts';
import { adminView } from './views/admin.ts';
import { sessionsView } from './views/sessions.ts';
import { settingsView } from './views/settings.ts';
import { signInView } from './views/sign-in.ts';

export interface Context {
  api: Api;
  me: User;
  /** replaces the signed-in user after a change (settings) */
  setMe(me: User): void;
}

export interface View {
  el: HTMLElement;
  /** stops timers when the user leaves the page */
  dispose?(): void;
}

const routes: Record<string, { title: string; admin?: boolean; view: (ctx: Context) => View }> = {
  '#/': { title: 'Sessions', view: sessionsView },
  '#/settings': { title: 'Settings', view: settingsView },
  '#/admin': { title: 'Admin', admin: true, view: adminView },
};

const root = document.getElementById('app') as HTMLElement;
let current: View | undefined;
let ctx: Context | undefined;

function signOut(message?: string): void {
  storeKey(null);
  ctx = undefined;
  showSignIn(message);
}

function showSignIn(message?: string): void {
  current?.dispose?.();
  current = undefined;
  document.title = 'Sign in · Berth';
  root.replaceChildren(
    signInView(message, (api, me) => {
      storeKey(api.key);
      start(api, me);
    }),
  );
}

function start(api: Api, me: User): void {
  api.onUnauthorized = (problem) => signOut(`Your API key is no longer accepted: ${problem.detail}`);
  ctx = {
    api,
    me,
    setMe(next) {
      if (ctx) ctx.me = next;
    },
  };
  if (!routes[location.hash]) history.replaceState(null, '', '#/');
  render();
}

function render(): void {
  if (!ctx) return;
  current?.dispose?.();
  const route = routes[location.hash] ?? routes['#/'];
  if (!route) return;
  const allowed = !route.admin || ctx.me.role === 'admin';
  const links = Object.entries(routes)
    .filter(([, r]) => !r.admin || ctx?.me.role === 'admin')
    .map(([hash, r]) => h('a', { href: hash, 'aria-current': r === route ? 'page' : undefined }, r.title));
  current = allowed
    ? route.view(ctx)
    : { el: h('p', { role: 'alert', class: 'message error' }, 'This page is for administrators only.') };
  document.title = `${route.title} · Berth`;
  root.replaceChildren(
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, 'Berth'),
      h('nav', { 'aria-label': 'Main' }, links),
      h(
        'div',
        { class: 'who' },
        h(
          'span',
          { class: 'user' },
          ctx.me.name,
          ctx.me.role === 'admin' ? h('span', { class: 'tag' }, 'admin') : null,
        ),
        h('button', { type: 'button', class: 'secondary small', onclick: () => signOut() }, 'Sign out'),
      ),
    ),
    h('main', { id: 'main', tabindex: -1 }, h('h1', {}, route.title), current.el),
  );
}

window.addEventListener('hashchange', render);

async function boot(): Promise<void> {
  const key = storedKey();
  if (!key) return showSignIn();
  const api = new Api(key);
  try {
    start(api, await api.me());
  } catch (error) {
    signOut(`Sign in again: ${describeError(error)}`);
  }
}

void boot();
