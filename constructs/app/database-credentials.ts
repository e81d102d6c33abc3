/** A MariaDB account; the password is a token from random_password, kept in the encrypted state. */
export interface DatabaseUser {
  readonly name: string;
  readonly password: string;
}

/**
 * One instance's database and its three accounts, least privilege first: the frontend reads, the app's
 * row-level work writes rows, and only migrations and the admin change the schema.
 */
export interface DatabaseCredentials {
  readonly instance: string;
  readonly database: string;
  readonly full: DatabaseUser;
  readonly readWrite: DatabaseUser;
  readonly readOnly: DatabaseUser;
}
