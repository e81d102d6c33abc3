/** A problem one of the config checks found: the organisation file field it is about, and what to do. */
export interface Check {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}
