// @byos/pulumi: the tenant program's parts (`@byos/pulumi/program` runs it as a Pulumi program), the
// TenantDatabase component, the provider modules, and offline runs under Pulumi's mocks.
export * from './components/program.ts';
export * from './components/tenant-database.ts';
export * from './components/stack-file.ts';
export * from './components/tenant-tags.ts';
export * from './components/mock-run.ts';
export * from './providers/index.ts';
export * from './providers/errors.ts';
export * from './providers/network.ts';
export * from './providers/residency.ts';
