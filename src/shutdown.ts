/** What a step still gets once the deadline has passed: closing Redis and SQLite must not be skipped because sends overran. */
const GRACE_MS = 2_000;

/**
 * One registry of things to close, closed in registration order with a deadline:
 * HTTP first, then workers, queues, Redis, SQLite. Closing twice is safe.
 */
export class Shutdown {
  private readonly steps: Array<{ name: string; close: () => unknown }> = [];
  private closing: Promise<void> | null = null;

  add(name: string, close: () => unknown): void {
    this.steps.push({ name, close });
  }

  close(deadlineMs = 10_000, onError?: (name: string, err: unknown) => void): Promise<void> {
    this.closing ??= (async () => {
      const deadline = Date.now() + deadlineMs;
      for (const step of this.steps) {
        const left = Math.max(GRACE_MS, deadline - Date.now());
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(step.close),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`did not close within the deadline`)), left);
            }),
          ]);
        } catch (err) {
          onError?.(step.name, err);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.closing;
  }
}
