/**
 * A schema that exercises everything the SQLite introspector reads from pragmas and from CREATE text. One
 * statement per entry: better-sqlite3 prepares one statement at a time.
 */
export const SPECIAL_SCHEMA = [
  `create table "Größe ""x"" table" (
     id integer primary key autoincrement,
     "Größe ""x""" text not null default 'M' check ("Größe ""x""" in ('S', 'M', 'L')),
     [with space] varchar(20) collate nocase,
     price numeric(8, 2) constraint price_positive check (price > 0),
     qty integer not null default (1 + 1),
     total numeric generated always as (price * qty) stored,
     label text as (upper([with space])) virtual,
     parent_id integer constraint fk_parent references "Größe ""x"" table"(id) on delete cascade,
     code char(3) unique,
     constraint uq_space unique ([with space], qty),
     check (qty >= 0),
     constraint qty_cap check (qty < 1000)
   )`,
  `create table line (order_id integer, line_no integer, note blob, primary key (order_id, line_no)) without rowid`,
  `create table line_ref (
     id int primary key,
     order_id integer not null,
     line_no integer not null,
     \`back\`\`tick\` real,
     constraint fk_line foreign key (order_id, line_no) references line (order_id, line_no) on update cascade on delete set null
   )`,
  `create table employee (
     id integer primary key desc,
     manager_id integer references EMPLOYEE on delete restrict on update set default,
     reviewer_id integer references employee (ID) on delete set null
   )`,
  `create index idx_partial on "Größe ""x"" table" (qty desc) where qty > 10`,
  `create unique index idx_expr on "Größe ""x"" table" (lower([with space]) collate nocase desc, qty)`,
  `create view big_orders as select id, qty, qty * 2 as double_qty from "Größe ""x"" table" where qty > 100`,
  `create virtual table notes using fts5(body)`,
  `create table sqliteX (n text)`,
];
