/** An action as hcloud-go's `schema.Action` has it. */
export interface Action {
  readonly id: number;
  readonly command: string;
  status: "running" | "success" | "error";
  progress: number;
  readonly started: string;
  finished: string | null;
  error: { code: string; message: string } | null;
  readonly resources: readonly ActionResource[];
}

export interface ActionResource {
  readonly id: number;
  readonly type: string;
}

export interface ActionsContext {
  nextId(): number;
  now(): string;
  changed(): void;
}

/**
 * Every action the API started, kept for `GET /actions`. Synchronous changes return an action that is already
 * `success` (hcloud-go never polls those); work done by the machine backend returns a `running` action that
 * settles when the backend's promise does, and is polled until then.
 */
export class Actions {
  private readonly actions = new Map<number, Action>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly context: ActionsContext) {}

  succeeded(command: string, resources: readonly ActionResource[]): Action {
    const action = this.start(command, resources);
    this.finish(action, null);
    return action;
  }

  /**
   * A running action that ends when `work` settles: `success` after `onSuccess` ran, or `error` with the
   * rejection's message after `onError` ran.
   */
  track(
    command: string,
    resources: readonly ActionResource[],
    work: () => Promise<void>,
    handlers: { onSuccess?: () => void; onError?: (message: string) => void } = {},
  ): Action {
    const action = this.start(command, resources);
    const settled = Promise.resolve()
      .then(work)
      .then(
        () => {
          handlers.onSuccess?.();
          this.finish(action, null);
        },
        (reason: unknown) => {
          const message = reason instanceof Error ? reason.message : String(reason);
          handlers.onError?.(message);
          this.finish(action, { code: "action_failed", message });
        },
      )
      .finally(() => this.pending.delete(settled));
    this.pending.add(settled);
    return action;
  }

  get(id: number): Action | undefined {
    return this.actions.get(id);
  }

  all(): Action[] {
    return [...this.actions.values()];
  }

  running(): Action[] {
    return this.all().filter((a) => a.status === "running");
  }

  /** Resolves when every running action has settled: for shutdown and for tests. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  snapshot(): Action[] {
    return this.all();
  }

  /** Actions that were running when the API stopped cannot finish any more: they end in `error`. */
  restore(actions: readonly Action[]): void {
    for (const action of actions) {
      this.actions.set(action.id, { ...action });
      if (action.status === "running") {
        this.finish(this.actions.get(action.id)!, {
          code: "action_failed",
          message: "the local API was restarted while this action was running",
        });
      }
    }
  }

  private start(command: string, resources: readonly ActionResource[]): Action {
    const action: Action = {
      id: this.context.nextId(),
      command,
      status: "running",
      progress: 0,
      started: this.context.now(),
      finished: null,
      error: null,
      resources,
    };
    this.actions.set(action.id, action);
    return action;
  }

  private finish(action: Action, error: Action["error"]): void {
    action.status = error ? "error" : "success";
    action.progress = 100;
    action.finished = this.context.now();
    action.error = error;
    this.context.changed();
  }
}
