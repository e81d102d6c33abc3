import { Token } from "cdktf";
import type { DatabaseCredentials, DatabaseUser } from "../app/database-credentials";

const IDENTIFIER = /^[a-z0-9_]{1,64}$/;

/**
 * The SQL that makes each instance's database and its three accounts, safe to run any number of times:
 * CREATE ... IF NOT EXISTS, the password set again, and each account's rights revoked and granted afresh
 * so a right that was taken away in the code is taken away on the server too.
 */
export function renderDatabaseSql(databases: readonly DatabaseCredentials[]): string {
  const statements = databases.flatMap((db) => {
    check(db.database, "database name");
    const on = `\`${db.database}\`.*`;
    return [
      `-- Instance ${db.instance}.`,
      `CREATE DATABASE IF NOT EXISTS \`${db.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
      ...account(db.full, `ALL PRIVILEGES ON ${on}`),
      ...account(db.readWrite, `SELECT, INSERT, UPDATE, DELETE ON ${on}`),
      ...account(db.readOnly, `SELECT ON ${on}`),
    ];
  });
  return ["-- Managed by failmap bootstrap.", ...statements, "FLUSH PRIVILEGES;", ""].join("\n");
}

function account(user: DatabaseUser, grant: string): string[] {
  check(user.name, "user name");
  // Passwords are random_password tokens (letters and digits); a literal one is checked to be as safe.
  if (!Token.isUnresolved(user.password) && !/^[A-Za-z0-9]{16,}$/.test(user.password)) {
    throw new Error(`the password of ${user.name} must be 16 or more letters and digits`);
  }
  const who = `'${user.name}'@'localhost'`;
  return [
    `CREATE USER IF NOT EXISTS ${who};`,
    `ALTER USER ${who} IDENTIFIED BY '${user.password}';`,
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${who};`,
    `GRANT ${grant} TO ${who};`,
  ];
}

function check(name: string, what: string): void {
  if (!IDENTIFIER.test(name)) throw new Error(`${name} is not a safe MariaDB ${what}: use a-z, 0-9 and _`);
}
