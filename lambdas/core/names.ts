/** Names users choose. Kept DNS- and shell-friendly so they work in URLs, CLIs and ssh configs. */
export const SESSION_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const SESSION_NAME_RULE =
  'lowercase letters, digits and "-", 1 to 63 characters, starting and ending with a letter or digit';

export const USER_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;
export const USER_NAME_RULE = 'a lowercase letter, then 1 to 31 lowercase letters, digits, "_" or "-"';

export const SSH_PORT_RANGE = { min: 10000, max: 65000 } as const;
