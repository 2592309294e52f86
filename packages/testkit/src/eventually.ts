/**
 * Waits until `check` passes (for work that finishes in the background, like a pub/sub
 * consumer), asking again as soon as the event loop is free; fails after the deadline.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
