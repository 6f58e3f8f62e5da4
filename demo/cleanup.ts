/**
 * Cleanup for the demo: a LIFO list of undo steps that runs exactly once — on success, on error, and on
 * SIGINT/SIGTERM (after which the process exits 130/143). A failing step is reported and the rest still run.
 */
export class Cleanup {
  private readonly steps: Array<{ label: string; fn: () => Promise<void> | void }> = [];
  private running: Promise<void> | undefined;
  private readonly onSignal: Record<"SIGINT" | "SIGTERM", () => void>;

  constructor(private readonly log: (line: string) => void) {
    const handler = (signal: "SIGINT" | "SIGTERM", code: number) => () => {
      this.log(`${signal}: cleaning up…`);
      void this.run().finally(() => {
        // Undo steps registered by the still-running flow while we cleaned up are folded into `running`.
        void this.running!.finally(() => process.exit(code));
      });
    };
    this.onSignal = { SIGINT: handler("SIGINT", 130), SIGTERM: handler("SIGTERM", 143) };
  }

  /** Starts catching SIGINT/SIGTERM. */
  arm(): void {
    process.once("SIGINT", this.onSignal.SIGINT);
    process.once("SIGTERM", this.onSignal.SIGTERM);
  }

  /** True once clean-up has started (signal or end of run): the run should stop adding work. */
  get started(): boolean {
    return this.running !== undefined;
  }

  /** Registers an undo step; once clean-up has started, runs it right away (and the run waits for it). */
  add(label: string, fn: () => Promise<void> | void): void {
    if (!this.running) {
      this.steps.push({ label, fn });
      return;
    }
    const late = (async () => {
      try {
        await fn();
      } catch (err) {
        this.log(`cleanup: ${label} failed: ${(err as Error).message}`);
      }
    })();
    this.running = Promise.all([this.running, late]).then(() => undefined);
  }

  /** Runs every step (newest first) once; later calls wait for the same run. */
  run(): Promise<void> {
    if (!this.running) {
      this.running = (async () => {
        while (this.steps.length) {
          const step = this.steps.pop()!;
          try {
            await step.fn();
          } catch (err) {
            this.log(`cleanup: ${step.label} failed: ${(err as Error).message}`);
          }
        }
        process.removeListener("SIGINT", this.onSignal.SIGINT);
        process.removeListener("SIGTERM", this.onSignal.SIGTERM);
      })();
    }
    return this.running;
  }
}
