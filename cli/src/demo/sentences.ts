import { writeSentenceMigration } from '@byos/runtime/migrate';

/** Sentences for the demo: a small shop schema grown step by step, every kind the builder knows once. */
export const DEMO_SENTENCES = [
  'create table customers with id (integer) primary key, email (text) required, name (varchar(80))',
  'create table orders with id (integer) primary key, customer_id (integer), total (decimal(10,2)) default 0',
  'orders.customer_id references customers on delete cascade',
  "add column status (varchar(20)) with default 'new' to orders",
  'add a unique index on customers (email)',
  'rename column name in customers to full_name',
];

/**
 * For `byos demo`: writes one migration per sentence into `dir` (numbered after what is there) exactly as
 * `byos migrate new` does, and returns the files written. The runner's `up` then applies them to each tenant.
 */
export async function demoSentenceMigrations(dir: string, sentences: readonly string[] = DEMO_SENTENCES): Promise<string[]> {
  const files: string[] = [];
  for (const sentence of sentences) files.push(await writeSentenceMigration(dir, sentence));
  return files;
}
