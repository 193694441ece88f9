export * from './parse.ts';
export * from './tenant-spec.ts';
export * from './connection-profile.ts';
export * from './schema-model.ts';
export * from './finding.ts';
export * from './migration-op.ts';
