/** Administrators: users (create, with the key shown once; delete) and everyone's sessions. */
import { copyButton, describeError, field, formatDate, h, messageBox, showFieldErrors } from '../dom.ts';
import type { Context, View } from '../main.ts';
import type { User } from '../types.ts';
import { sessionsTable } from './sessions.ts';

export function adminView(ctx: Context): View {
  const { api } = ctx;
  const box = messageBox();
  const usersList = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const sessionsList = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const reveal = h('div', { class: 'reveal', hidden: true, role: 'status' });

  const name = field(
    'Name',
    h('input', { name: 'userName', required: true, maxlength: 32, autocomplete: 'off', spellcheck: 'false' }),
    'A lowercase letter, then lowercase letters, digits, "_" or "-".',
  );
  const role = field(
    'Role',
    h(
      'select',
      { name: 'role' },
      h('option', { value: 'user' }, 'user'),
      h('option', { value: 'admin' }, 'admin'),
    ),
  );
  const createBox = messageBox();
  const submit = h('button', { type: 'submit' }, 'Create user');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'create-user-title', novalidate: true },
    h('h2', { id: 'create-user-title' }, 'Create a user'),
    createBox.el,
    h('div', { class: 'grid' }, name.wrap, role.wrap),
    h('div', { class: 'form-actions' }, submit),
  );

  const showKey = (user: User, key: string) => {
    const done = h('button', { type: 'button', class: 'secondary small' }, 'Done');
    done.addEventListener('click', () => {
      reveal.replaceChildren();
      reveal.hidden = true;
    });
    reveal.replaceChildren(
      h(
        'p',
        {},
        h('strong', {}, `API key for ${user.name}`),
        ' — shown only this once. Copy it and hand it over safely.',
      ),
      h(
        'div',
        { class: 'ssh' },
        h('code', { class: 'api-key' }, key),
        copyButton(key, `Copy the API key of ${user.name}`),
      ),
      done,
    );
    reveal.hidden = false;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    createBox.clear();
    submit.disabled = true;
    const fields = { name };
    showFieldErrors(undefined, fields);
    try {
      const created = await api.createUser({
        name: name.input.value.trim(),
        role: role.input.value === 'admin' ? 'admin' : 'user',
      });
      name.input.value = '';
      showKey(created.user, created.apiKey);
      await loadUsers();
    } catch (error) {
      const unclaimed = showFieldErrors(error, fields);
      createBox.error([describeError(error), ...unclaimed].join(' '));
    } finally {
      submit.disabled = false;
    }
  });

  async function removeUser(user: User): Promise<void> {
    if (!window.confirm(`Delete user ${user.name} and their sessions? Their home folder is kept.`)) return;
    box.clear();
    try {
      await api.deleteUser(user.id);
      await Promise.all([loadUsers(), loadSessions()]);
    } catch (error) {
      box.error(`Deleting ${user.name}: ${describeError(error)}`);
    }
  }

  async function loadUsers(): Promise<void> {
    try {
      const users = await api.users();
      usersList.replaceChildren(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'users' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Name', 'Role', 'Id', 'Created', 'Actions'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              {},
              users.map((u) =>
                h(
                  'tr',
                  { 'data-user': u.name },
                  h('th', { scope: 'row', 'data-label': 'Name' }, u.name),
                  h('td', { 'data-label': 'Role' }, u.role),
                  h('td', { 'data-label': 'Id' }, h('code', {}, u.id)),
                  h('td', { 'data-label': 'Created' }, formatDate(u.createdAt)),
                  h(
                    'td',
                    { 'data-label': 'Actions' },
                    u.id === ctx.me.id
                      ? h('span', { class: 'muted' }, 'you')
                      : h(
                          'button',
                          {
                            type: 'button',
                            class: 'small danger',
                            'aria-label': `Delete user ${u.name}`,
                            onclick: () => void removeUser(u),
                          },
                          'Delete',
                        ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      box.error(`Could not load users: ${describeError(error)}`);
    }
  }

  async function loadSessions(): Promise<void> {
    try {
      sessionsList.replaceChildren(sessionsTable(await api.sessions(true), { showOwner: true }));
    } catch (error) {
      box.error(`Could not load sessions: ${describeError(error)}`);
    }
  }

  void loadUsers();
  void loadSessions();
  return {
    el: h(
      'div',
      {},
      box.el,
      form,
      reveal,
      h('section', { 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, 'Users'), usersList),
      h(
        'section',
        { 'aria-labelledby': 'all-sessions-title' },
        h('h2', { id: 'all-sessions-title' }, 'All sessions'),
        sessionsList,
      ),
    ),
  };
}
