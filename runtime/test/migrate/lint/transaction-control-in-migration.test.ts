import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MSSQL_RAW_SQL } from '../../../src/dialects/mssql/migrate/index.ts';
import { POSTGRES_RAW_SQL } from '../../../src/dialects/postgres/migrate/index.ts';
import { SQLITE_RAW_SQL } from '../../../src/dialects/sqlite/migrate/index.ts';
import { parseMigrationOps } from '../../../src/index.ts';
import { findTransactionControl, lintOps, lintPostgresSql } from '../../../src/migrate/lint/index.ts';
import { cases } from '../../../../test/helpers/thorough.ts';
import { SHOP } from '../../../../test/migrate/lint/fixtures.ts';

const found = (text: string, syntax = POSTGRES_RAW_SQL) => findTransactionControl(text, syntax).map((f) => `${f.line}:${f.statement}`);

describe('transaction-control-in-migration', () => {
  it('flags an sql op whose up or down text controls the transaction, as an error naming the line', () => {
    const ops = parseMigrationOps([{ op: 'sql', up: { postgres: 'CREATE TABLE t (id int);\nCOMMIT;' }, down: { postgres: 'BEGIN;\nDROP TABLE t;' } }]);
    const findings = lintOps(ops, { dialect: 'postgres', before: SHOP, rawSql: POSTGRES_RAW_SQL }).filter((f) => f.rule === 'transaction-control-in-migration');
    expect(findings.map((f) => [f.severity, f.subject])).toEqual([
      ['error', 'op 1 (sql), up line 2: COMMIT'],
      ['error', 'op 1 (sql), down line 1: BEGIN'],
    ]);
    expect(findings[0]!.message).toMatch(/could not be rolled back/);
    expect(findings[0]!.remediation).toMatch(/already runs each migration in one transaction/);
  });

  it('raw Postgres SQL (the real parser): every transaction statement and VACUUM, but not ANALYZE', async () => {
    const text = "select 1;\nEND;\nabort;\nstart transaction;\nrollback to savepoint s;\ncommit prepared 'x';\nVACUUM t;\nANALYZE t;";
    const findings = (await lintPostgresSql(text, 'm.sql')).filter((f) => f.rule === 'transaction-control-in-migration');
    expect(findings.map((f) => f.subject)).toEqual([
      'm.sql:2: END',
      'm.sql:3: abort',
      'm.sql:4: start transaction',
      'm.sql:5: rollback to',
      'm.sql:6: commit prepared',
      'm.sql:7: VACUUM',
    ]);
  });

  it('Postgres: words hidden in strings, comments, names and bodies are not statements', () => {
    expect(found('select \'commit\'; select "commit"; -- commit\n/* commit; /* nested; commit */ still; commit */ select 1')).toEqual([]);
    expect(found("select E'it\\'s; commit;'; select $$ ; commit; $$; select $body$ $$ commit $$ $body$")).toEqual([]);
    expect(found('create function f() returns int language sql begin atomic select case when true then 1 end; select 2; end; select 1')).toEqual([]);
    // $1 is a parameter, not a dollar quote; a word may hold $ (a$b$ is a name): neither hides what follows.
    expect(found('select $1;\ncommit;\nselect a$b$;\nend;')).toEqual(['2:commit', '4:end']);
  });

  it('Postgres: a -- comment ends at a carriage return, so what follows it on the "same" line runs', () => {
    expect(found('select 1; -- note\rCOMMIT;')).toEqual(['1:COMMIT']);
    expect(found('select 1; -- note\rCOMMIT;', SQLITE_RAW_SQL)).toEqual([]);
  });

  it('SQLite: trigger bodies are one statement; BEGIN/END outside them control the transaction; [ ] ends at the first ]', () => {
    const trigger = "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE x SET a = CASE WHEN new.a THEN 'end' ELSE 1 END; END;";
    expect(found(`${trigger}\nBEGIN IMMEDIATE;\nEND TRANSACTION;`, SQLITE_RAW_SQL)).toEqual(['2:BEGIN', '3:END']);
    expect(found('select [a]]; commit; --]', SQLITE_RAW_SQL)).toEqual(['1:commit']);
    expect(found('select `commit`; select [commit]; vacuum', SQLITE_RAW_SQL)).toEqual(['1:vacuum']);
  });

  it('SQL Server: no ; needed, BEGIN blocks are not transactions, module bodies run later, GO splits batches', () => {
    expect(found('CREATE TABLE t (id int) COMMIT', MSSQL_RAW_SQL)).toEqual(['1:COMMIT']);
    expect(found('IF 1 = 1 BEGIN SELECT 1 END\nBEGIN TRAN\nSAVE TRANSACTION s\nROLLBACK', MSSQL_RAW_SQL)).toEqual([
      '2:BEGIN TRAN',
      '3:SAVE TRANSACTION',
      '4:ROLLBACK',
    ]);
    expect(found("CREATE PROCEDURE p AS BEGIN BEGIN TRAN; COMMIT; END\nGO\nSELECT 'commit', [commit]], ok]\nGO\nCOMMIT", MSSQL_RAW_SQL)).toEqual(['5:COMMIT']);
  });

  // The tokenizer's verdict on Postgres text must be the real parser's: any disagreement is a statement the runner
  // would wrongly run (or wrongly refuse).
  const benign = [
    "SELECT 'commit; begin'",
    'SELECT $$ COMMIT $$',
    'SELECT $t$ ; END; $t$',
    "SELECT E'\\' ; commit ;'",
    '/* a /* commit; */ b */ SELECT 1',
    '-- commit\rSELECT 1',
    'SELECT 1 AS "commit"',
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END',
    'DO $$BEGIN NULL; END$$',
    'CREATE TABLE t_commit (id int)',
    'ANALYZE',
  ];
  const control = [
    'COMMIT',
    'END',
    'BEGIN',
    'ABORT',
    'START TRANSACTION',
    'SAVEPOINT s',
    'RELEASE s',
    'ROLLBACK',
    'VACUUM',
    '-- x\rCOMMIT',
    '/* */COMMIT',
    'commit and chain',
  ];
  it(`agrees with the Postgres parser on mixed statements (${cases(200, 3000)} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...benign, ...control), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(';\n', '; ', ';\n\n'),
        async (statements, separator) => {
          const text = statements.join(separator);
          const parser = (await lintPostgresSql(text, 'm.sql')).filter((f) => f.rule === 'transaction-control-in-migration' || f.rule === 'syntax-error');
          expect(parser.filter((f) => f.rule === 'syntax-error')).toEqual([]);
          expect(findTransactionControl(text, POSTGRES_RAW_SQL).map((f) => `m.sql:${f.line}: ${f.statement}`)).toEqual(parser.map((f) => f.subject));
        },
      ),
      { numRuns: cases(200, 3000) },
    );
  });
});
