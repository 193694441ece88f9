// The BYOS Console: a local web app over the runtime and the operator (no second implementation of anything).
export { startConsole, createApp, insideFolder, type StartOptions, type RunningConsole } from './server.ts';
export { ConsoleContext, type ConsoleOptions, type FleetTenant } from './context.ts';
export { createSecrets, CSRF_HEADER, COOKIE } from './security.ts';
