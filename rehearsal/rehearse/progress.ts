/** A step of the rehearsal with its duration, as printed and as kept for the figures. */
export interface StepTiming {
  readonly step: string;
  readonly seconds: number;
  readonly ok: boolean;
}

/** Runs named steps one after another, printing a line when each starts and ends, with its duration. */
export class Progress {
  readonly timings: StepTiming[] = [];

  constructor(private readonly print: (line: string) => void = console.log) {}

  async step<T>(name: string, work: () => T | Promise<T>): Promise<T> {
    const started = Date.now();
    this.print(`> ${name}`);
    const finish = (ok: boolean) => {
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      this.timings.push({ step: name, seconds, ok });
      this.print(`${ok ? "ok" : "FAILED"} ${name} (${seconds} s)`);
    };
    try {
      const result = await work();
      finish(true);
      return result;
    } catch (error) {
      finish(false);
      throw error;
    }
  }

  note(line: string): void {
    this.print(`  ${line}`);
  }
}
