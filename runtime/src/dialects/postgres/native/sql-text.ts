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

export type AclTriple = [grantee: string, privilege: string, grantable: boolean, grantor: string];

/**
 * GRANT and REVOKE statements that turn the ACL a new object gets by default into `actual`, as pg_dump computes
 * them: privileges of the default that are missing are revoked, the others granted, grantee by grantee in the
 * order of the source's ACL (so the target's ACL array ends in the same order). `on` is `TABLE app.account`. A
 * privilege granted by someone other than the owner (who holds it WITH GRANT OPTION) is granted as that role
 * (pg_dump's SET SESSION AUTHORIZATION, here SET ROLE), so the grantor is kept and a REVOKE … CASCADE still works.
 */
export function aclStatements(on: string, actual: AclTriple[] | null, fallback: AclTriple[] | null, roles: Roles, owner: string): string[] {
  if (!actual) return [];
  const key = (t: AclTriple) => `${t[0]}\u0000${t[1]}\u0000${t[2]}\u0000${t[3]}`;
  const have = new Set(actual.map(key));
  const had = new Set((fallback ?? []).map(key));
  const statements: string[] = [];
  for (const [grantee, privileges] of byGrantee((fallback ?? []).filter((t) => !have.has(key(t))))) {
    statements.push(`REVOKE ${privileges.map((p) => p[1]).join(', ')} ON ${on} FROM ${roles.role(grantee)}`);
  }
  statements.push(
    ...grants(
      actual.filter((t) => !had.has(key(t))),
      (_list) => `ON ${on}`,
      (p) => p,
      roles,
      owner,
    ),
  );
  return statements;
}

/** Column privileges: columns start with none, so every entry is a grant. */
export function columnGrants(table: string, column: string, acl: AclTriple[] | null, roles: Roles, owner: string): string[] {
  return acl
    ? grants(
        acl,
        () => `ON TABLE ${table}`,
        (p) => `${p} (${column})`,
        roles,
        owner,
      )
    : [];
}

function grants(entries: AclTriple[], on: (list: string[]) => string, privilege: (p: string) => string, roles: Roles, owner: string): string[] {
  const statements: string[] = [];
  for (const [grantee, privileges] of byGrantee(entries)) {
    for (const grantor of [...new Set(privileges.map((p) => p[3]))]) {
      const as = grantor !== owner && grantor !== roles.self;
      if (as) statements.push(`SET ROLE ${roles.role(grantor)}`);
      for (const grantable of [false, true]) {
        const some = privileges.filter((p) => p[2] === grantable && p[3] === grantor).map((p) => privilege(p[1]));
        if (some.length) statements.push(`GRANT ${some.join(', ')} ${on(some)} TO ${roles.role(grantee)}${grantable ? ' WITH GRANT OPTION' : ''}`);
      }
      if (as) statements.push('RESET ROLE');
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
  return (options ?? [])
    .map((o) => {
      const at = o.indexOf('=');
      return `${quoteOptionName(o.slice(0, at))} ${literal(o.slice(at + 1))}`;
    })
    .join(', ');
}

/** reloptions keep `=`: `WITH (fillfactor='70')`. */
export function relOptions(options: string[] | null | undefined): string {
  return (options ?? [])
    .map((o) => {
      const at = o.indexOf('=');
      return `${o.slice(0, at)}=${literal(o.slice(at + 1))}`;
    })
    .join(', ');
}

function quoteOptionName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The first identifier of a qualified name as quote_ident prints it (`"Odd ""S"""` or `app`), still quoted. */
export function leadingIdentifier(text: string): string {
  if (!text.startsWith('"')) return text.split(/[.( ]/)[0]!;
  let i = 1;
  while (i < text.length) {
    if (text[i] === '"' && text[i + 1] === '"') i += 2;
    else if (text[i] === '"') break;
    else i++;
  }
  return text.slice(0, i + 1);
}

export function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier;
}
