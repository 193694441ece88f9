/**
 * Environment variables that stand for the URL flags, so a URL holding a password need not be typed on the command
 * line (where shell history and `ps` show it). A flag given on the command line wins over its variable.
 */
export const URL_ENV = { url: 'BYOS_URL', from: 'BYOS_FROM_URL', to: 'BYOS_TO_URL' } as const;
