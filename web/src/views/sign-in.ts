import { Api } from '../api.ts';
import { describeError, field, h, messageBox } from '../dom.ts';
import type { User } from '../types.ts';

export function signInView(
  message: string | undefined,
  onSignedIn: (api: Api, me: User) => void,
): HTMLElement {
  const key = field(
    'API key',
    h('input', {
      type: 'password',
      name: 'apiKey',
      required: true,
      autocomplete: 'off',
      spellcheck: 'false',
    }),
    'Starts with berth_. An administrator gives it to you; it is kept in this browser until you sign out.',
  );
  const box = messageBox();
  if (message) box.error(message);
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Berth'),
    box.el,
    key.wrap,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = key.input.value.trim();
    if (!value) return;
    submit.disabled = true;
    box.clear();
    const api = new Api(value);
    try {
      onSignedIn(api, await api.me());
    } catch (error) {
      box.error(`That API key was not accepted: ${describeError(error)}`);
      key.input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return h('main', { id: 'main', class: 'center' }, form);
}
