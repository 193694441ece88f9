// The Pulumi program of this repository's stacks (Pulumi.yaml; stacks/Pulumi.<tenant>.yaml): the one @byos/pulumi
// ships. Named exports become the stack's outputs.
export * from '@byos/pulumi/program';
