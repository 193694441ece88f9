/** Small SQL text helpers shared by the native schema builders. Names arrive quoted from the catalog queries. */

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `COMMENT ON <what> IS '…'`, or nothing when there is no comment. */
export function commentOn(what: string, comment: string | null | undefined): string[] {
  return comment == null ? [] : [`COMMENT ON ${what} IS ${literal(comment)}`];
}

/**
 * The role a statement names. The role the reader connects as is written CURRENT_USER, so that a database read as
 * one user and recreated as another keeps "owned by whoever runs it" (and both sides compare equal).
 */
export class Roles {
  /** Roles named since the last `take()`: the unit being built names them. */
  private pending = new Set<string>();
  readonly self: string;
  constructor(self: string) {
    this.self = self;
  }
  role(name: string): string {
    if (name === this.self) return 'CURRENT_USER';
    if (name !== 'PUBLIC') this.pending.add(name);
    return name;
  }
  take(): string[] {
    const named = [...this.pending];
    this.pending = new Set();
    return named;
  }
  /** `ALTER <what> OWNER TO …`, unless the owner is the connecting role (who creates it anyway). */
  owner(what: string, owner: string): string[] {
    return owner === this.self ? [] : [`ALTER ${what} OWNER TO ${this.role(owner)}`];
  }
}

export type AclTriple = [grantee: string, privilege: string, grantable: boolean];

/**
 * GRANT and REVOKE statements that turn the ACL a new object gets by default into `actual`, as pg_dump computes
 * them: privileges of the default that are missing are revoked, the others granted, grantee by grantee in the
 * order of the source's ACL (so the target's ACL array ends in the same order). `on` is `TABLE app.account`.
 */
export function aclStatements(on: string, actual: AclTriple[] | null, fallback: AclTriple[] | null, roles: Roles): string[] {
  if (!actual) return [];
  const key = (t: AclTriple) => `${t[0]}\u0000${t[1]}\u0000${t[2]}`;
  const have = new Set(actual.map(key));
  const had = new Set((fallback ?? []).map(key));
  const statements: string[] = [];
  for (const [grantee, privileges] of byGrantee((fallback ?? []).filter((t) => !have.has(key(t))))) {
    statements.push(`REVOKE ${privileges.map((p) => p[1]).join(', ')} ON ${on} FROM ${roles.role(grantee)}`);
  }
  for (const [grantee, privileges] of byGrantee(actual.filter((t) => !had.has(key(t))))) {
    for (const grantable of [false, true]) {
      const some = privileges.filter((p) => p[2] === grantable).map((p) => p[1]);
      if (some.length) statements.push(`GRANT ${some.join(', ')} ON ${on} TO ${roles.role(grantee)}${grantable ? ' WITH GRANT OPTION' : ''}`);
    }
  }
  return statements;
}

/** Column privileges: columns start with none, so every entry is a grant. */
export function columnGrants(table: string, column: string, acl: AclTriple[] | null, roles: Roles): string[] {
  if (!acl) return [];
  const statements: string[] = [];
  for (const [grantee, privileges] of byGrantee(acl)) {
    for (const grantable of [false, true]) {
      const some = privileges.filter((p) => p[2] === grantable).map((p) => `${p[1]} (${column})`);
      if (some.length) statements.push(`GRANT ${some.join(', ')} ON TABLE ${table} TO ${roles.role(grantee)}${grantable ? ' WITH GRANT OPTION' : ''}`);
    }
  }
  return statements;
}

function byGrantee(triples: AclTriple[]): Map<string, AclTriple[]> {
  const map = new Map<string, AclTriple[]>();
  for (const t of triples) map.set(t[0], [...(map.get(t[0]) ?? []), t]);
  return map;
}

/** `{fillfactor=70,autovacuum_enabled=false}` → `fillfactor='70', autovacuum_enabled='false'`. */
export function optionList(options: string[] | null | undefined): string {
  return (options ?? []).map((o) => {
    const at = o.indexOf('=');
    return `${quoteOptionName(o.slice(0, at))} ${literal(o.slice(at + 1))}`;
  }).join(', ');
}

/** reloptions keep `=`: `WITH (fillfactor='70')`. */
export function relOptions(options: string[] | null | undefined): string {
  return (options ?? []).map((o) => {
    const at = o.indexOf('=');
    return `${o.slice(0, at)}=${literal(o.slice(at + 1))}`;
  }).join(', ');
}

function quoteOptionName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
