import { Password } from "@cdktf/provider-random/lib/password";
import { Construct } from "constructs";
import type { DatabaseCredentials, DatabaseUser } from "../app/database-credentials";

export interface InstanceDatabaseProps {
  /** The instance name from the organisation file, e.g. "production". */
  readonly instance: string;
}

/**
 * The names and generated passwords of one instance's database and accounts. The passwords live only in
 * the (encrypted) state; HostBootstrap creates the database and accounts, the containers log in with them.
 */
export class InstanceDatabase extends Construct implements DatabaseCredentials {
  readonly instance: string;
  readonly database: string;
  readonly full: DatabaseUser;
  readonly readWrite: DatabaseUser;
  readonly readOnly: DatabaseUser;

  constructor(scope: Construct, id: string, props: InstanceDatabaseProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(props.instance)) {
      throw new Error(
        `InstanceDatabase: "${props.instance}" is not an instance name (lower case, digits, -)`,
      );
    }
    const base = props.instance.replace(/-/g, "_");
    this.instance = props.instance;
    this.database = `failmap_${base}`;
    this.full = this.user("full", `${base}_full`);
    this.readWrite = this.user("read-write", `${base}_rw`);
    this.readOnly = this.user("read-only", `${base}_ro`);
  }

  private user(id: string, name: string): DatabaseUser {
    // Letters and digits only: the password is safe unquoted in SQL, env files and shell.
    const password = new Password(this, id, { length: 32, special: false });
    return { name, password: password.result };
  }
}
