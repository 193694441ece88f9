import type { Finding } from '../../contracts/finding.ts';
import type { Change } from './rule.ts';
import { runRules } from './run.ts';
import { VOLATILE_FUNCTIONS } from './volatile.ts';

/** Reported when the Postgres parser rejects the text; nothing else is judged then (the parser stops there). */
export const SYNTAX_ERROR_RULE = {
  id: 'syntax-error',
  severity: 'error',
  summary: 'The SQL does not parse as PostgreSQL.',
  remediation: 'Fix the statement at the reported line and column; the file cannot be applied as written.',
} as const;

/** Raw SQL is Postgres's: everything a Postgres server can do, it can do. */
const POSTGRES_CAPABILITIES = { enums: true, concurrentIndexes: true, lockTimeout: true };

type AstNode = Record<string, any>;
type Base = { where: string; newTable: boolean; strongLock: boolean; lockGuarded: boolean };
type BaseFor = (table: string | null, strongLock: boolean) => Base;

/**
 * Lints raw Postgres SQL with the real Postgres parser (libpg-query, the server's own grammar compiled to WASM):
 * each statement becomes the same changes the op linter produces, and the same rules judge them. Findings name the
 * statement by `source:line`.
 */
export async function lintPostgresSql(sqlText: string, source = 'sql'): Promise<Finding[]> {
  const { parse } = await import('libpg-query');
  const bytes = Buffer.from(sqlText, 'utf8');
  let tree: { stmts?: { stmt?: AstNode; stmt_location?: number }[] };
  try {
    tree = await parse(sqlText);
  } catch (error) {
    const details = (error as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    // Postgres reports the error cursor in characters (statement locations, below, are in bytes).
    const at = lineAndColumn(Buffer.from(sqlText.slice(0, details?.cursorPosition ?? 0), 'utf8'), Number.MAX_SAFE_INTEGER);
    const message = details?.message ?? (error instanceof Error ? error.message : String(error));
    return [
      {
        rule: SYNTAX_ERROR_RULE.id,
        severity: SYNTAX_ERROR_RULE.severity,
        subject: `${source}:${at.line}:${at.column}`,
        message: `${message} (line ${at.line}, column ${at.column})`,
        remediation: SYNTAX_ERROR_RULE.remediation,
      },
    ];
  }
  const created = new Set<string>();
  const changes: Change[] = [];
  for (const entry of tree.stmts ?? []) {
    if (!entry.stmt) continue;
    const where = `${source}:${lineAndColumn(bytes, firstTokenOffset(bytes, entry.stmt_location ?? 0)).line}`;
    changes.push(...statementChanges(entry.stmt, where, created, () => leadingWords(bytes, entry.stmt_location ?? 0)));
  }
  return runRules({ dialect: 'postgres', capabilities: POSTGRES_CAPABILITIES, intent: changes, mechanics: changes });
}

function statementChanges(stmt: AstNode, where: string, created: Set<string>, written: () => string[]): Change[] {
  const base: BaseFor = (table, strongLock) => {
    const newTable = table !== null && created.has(table);
    return { where, newTable, strongLock: strongLock && !newTable, lockGuarded: false };
  };
  const [type, node] = Object.entries(stmt)[0] as [string, AstNode];
  switch (type) {
    case 'VariableSetStmt': {
      if (node.name !== 'lock_timeout') return [];
      const value = node.kind === 'VAR_SET_VALUE' ? constValue(node.args?.[0]) : '0';
      return [{ ...base(null, false), kind: 'set-lock-timeout', enabled: !/^0(s|ms)?$/i.test(value.trim()) }];
    }
    case 'CreateStmt': {
      const table = node.relation.relname as string;
      created.add(table);
      return [{ ...base(table, false), kind: 'create-table', table }];
    }
    case 'IndexStmt': {
      const table = node.relation.relname as string;
      const concurrently = Boolean(node.concurrent);
      return [{ ...base(table, !concurrently), kind: 'create-index', table, name: node.idxname ?? '', unique: Boolean(node.unique), concurrently }];
    }
    case 'DropStmt': {
      const names: string[] = (node.objects ?? []).map((o: AstNode) => lastString(o.List?.items ?? [o]));
      if (node.removeType === 'OBJECT_TABLE') {
        return names.map((table) => {
          const change: Change = { ...base(table, true), kind: 'drop-table', table };
          created.delete(table);
          return change;
        });
      }
      if (node.removeType === 'OBJECT_INDEX') {
        const concurrently = Boolean(node.concurrent);
        return names.map((name) => ({ ...base(null, !concurrently), kind: 'drop-index', name, concurrently }));
      }
      return [];
    }
    case 'RenameStmt': {
      const table = node.relation?.relname as string | undefined;
      if (!table) return [];
      if (node.renameType === 'OBJECT_TABLE') {
        const change: Change = { ...base(table, true), kind: 'rename-table', from: table, to: node.newname };
        if (created.delete(table)) created.add(node.newname);
        return [change];
      }
      if (node.renameType === 'OBJECT_COLUMN') return [{ ...base(table, true), kind: 'rename-column', table, from: node.subname, to: node.newname }];
      return [{ ...base(table, true), kind: 'alter-table', table, action: 'rename' }];
    }
    case 'AlterTableStmt': {
      if (node.objtype !== 'OBJECT_TABLE') return [];
      const table = node.relation.relname as string;
      return (node.cmds ?? []).flatMap((cmd: AstNode) => alterTableCmd(cmd.AlterTableCmd, table, base));
    }
    case 'TransactionStmt': {
      // START TRANSACTION, PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK TO: name the statement by its first two words.
      const words = written();
      const two = /^TRANS_STMT_(START|PREPARE|COMMIT_PREPARED|ROLLBACK_PREPARED|ROLLBACK_TO)$/.test(node.kind) ? 2 : 1;
      return [{ ...base(null, false), kind: 'transaction-control', statement: words.slice(0, two).join(' ') }];
    }
    case 'VacuumStmt':
      // VACUUM cannot run in a transaction; ANALYZE alone (also a VacuumStmt) can.
      return node.is_vacuumcmd ? [{ ...base(null, false), kind: 'transaction-control', statement: written()[0] ?? 'VACUUM' }] : [];
    case 'AlterEnumStmt':
      if (!node.newVal || node.oldVal) return []; // RENAME VALUE carries oldVal
      return [{ ...base(null, false), kind: 'add-enum-value', enum: lastString(node.typeName), value: node.newVal, positioned: Boolean(node.newValNeighbor) }];
    default:
      return [];
  }
}

function alterTableCmd(cmd: AstNode, table: string, base: BaseFor): Change[] {
  const b = base(table, cmd.subtype !== 'AT_ValidateConstraint');
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def.ColumnDef;
      const constraints: AstNode[] = (def.constraints ?? []).map((c: AstNode) => c.Constraint);
      const has = (t: string) => constraints.some((c) => c.contype === t);
      const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
      const identity = has('CONSTR_IDENTITY') || has('CONSTR_GENERATED') || isSerial(def.typeName);
      const out: Change[] = [
        {
          ...b,
          kind: 'add-column',
          table,
          column: def.colname,
          required: has('CONSTR_NOTNULL') || has('CONSTR_PRIMARY'),
          filled: defaultExpr !== undefined || identity,
          volatileDefault: identity ? 'identity' : defaultExpr ? volatileFunction(defaultExpr) : null,
        },
      ];
      for (const c of constraints) {
        if (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') out.push(constraintChange(b, table, c, def.colname));
      }
      return out;
    }
    case 'AT_DropColumn':
      return [{ ...b, kind: 'drop-column', table, column: cmd.name }];
    case 'AT_AlterColumnType':
      return [{ ...b, kind: 'alter-type', table, column: cmd.name, from: null, to: null, toText: typeText(cmd.def.ColumnDef.typeName) }];
    case 'AT_SetNotNull':
      return [{ ...b, kind: 'set-not-null', table, column: cmd.name }];
    case 'AT_AddConstraint': {
      const c = cmd.def.Constraint;
      if (!CONSTRAINT_KINDS[c.contype]) return [{ ...b, kind: 'alter-table', table, action: 'add constraint' }];
      return [constraintChange(b, table, c, null)];
    }
    case 'AT_ValidateConstraint':
      return [{ ...b, kind: 'validate-constraint', table, name: cmd.name }];
    default:
      return [{ ...b, kind: 'alter-table', table, action: String(cmd.subtype).replace(/^AT_/, '') }];
  }
}

const CONSTRAINT_KINDS: Record<string, 'foreign-key' | 'check' | 'unique' | 'primary-key' | 'exclude'> = {
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_EXCLUSION: 'exclude',
};

function constraintChange(b: Base, table: string, c: AstNode, column: string | null): Change {
  const expr = c.raw_expr?.NullTest;
  const notNullColumn =
    c.contype === 'CONSTR_CHECK' && expr?.nulltesttype === 'IS_NOT_NULL' && expr.arg?.ColumnRef ? lastString(expr.arg.ColumnRef.fields) : null;
  return {
    ...b,
    kind: 'add-constraint',
    table,
    name: c.conname ?? (column ? `${table}_${column}` : ''),
    constraint: CONSTRAINT_KINDS[c.contype]!,
    notValid: Boolean(c.skip_validation),
    usingIndex: Boolean(c.indexname),
    notNullColumn,
  };
}

/** The first volatile function called anywhere in an expression tree. */
function volatileFunction(expr: unknown): string | null {
  if (Array.isArray(expr)) {
    for (const item of expr) {
      const found = volatileFunction(item);
      if (found) return found;
    }
    return null;
  }
  if (expr === null || typeof expr !== 'object') return null;
  const call = (expr as AstNode).FuncCall;
  if (call) {
    const name = lastString(call.funcname).toLowerCase();
    if (VOLATILE_FUNCTIONS.has(name)) return `${name}()`;
  }
  return volatileFunction(Object.values(expr));
}

function isSerial(typeName: AstNode): boolean {
  return /^(small|big)?serial[248]?$/.test(lastString(typeName?.names ?? []));
}

function typeText(typeName: AstNode): string {
  const name = lastString(typeName.names ?? []);
  const mods = (typeName.typmods ?? []).map((m: AstNode) => constValue(m));
  return `${name}${mods.length ? `(${mods.join(',')})` : ''}${typeName.arrayBounds ? '[]' : ''}`;
}

function lastString(items: AstNode[]): string {
  const last = items[items.length - 1];
  return last?.String?.sval ?? '';
}

function constValue(node: AstNode | undefined): string {
  const c = node?.A_Const;
  if (!c) return '';
  if (c.sval) return c.sval.sval ?? '';
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return c.fval.fval ?? '';
  return '';
}

/** libpg-query reports byte offsets; statements start after the previous `;`, so skip blanks and comments. */
function firstTokenOffset(bytes: Buffer, offset: number): number {
  const rest = bytes.subarray(offset).toString('utf8');
  const skipped = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/.exec(rest)?.[0] ?? '';
  return offset + Buffer.byteLength(skipped);
}

/** The statement's first words as written. */
function leadingWords(bytes: Buffer, offset: number): string[] {
  const start = firstTokenOffset(bytes, offset);
  return /^[A-Za-z_]+(?:\s+[A-Za-z_]+)?/.exec(bytes.subarray(start, start + 200).toString('utf8'))?.[0].split(/\s+/) ?? [];
}

function lineAndColumn(bytes: Buffer, byteOffset: number): { line: number; column: number } {
  const before = bytes.subarray(0, Math.max(0, Math.min(byteOffset, bytes.length))).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}
