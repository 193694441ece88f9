import type { Command } from 'commander';

/** A command registers itself (and its options and help) on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
