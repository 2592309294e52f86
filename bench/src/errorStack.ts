// What reading an Error's stack costs in this process, spawned by bench/src/functions.ts
// once compiled and once through tsx (which turns source maps on, so each of our frames is
// mapped back to its .ts line when the stack is read). Prints `stack {"microseconds":…}`.
const ROUNDS = 20_000;
const DEPTH = 8;

/** An error created DEPTH calls down, as one thrown inside a resolver would be. */
function errorAt(depth: number): Error {
  return depth === 0 ? new Error('measured') : errorAt(depth - 1);
}

let length = 0;
for (let i = 0; i < ROUNDS / 10; i++) length += errorAt(DEPTH).stack?.length ?? 0;
const began = performance.now();
for (let i = 0; i < ROUNDS; i++) length += errorAt(DEPTH).stack?.length ?? 0;
const microseconds = ((performance.now() - began) * 1000) / ROUNDS;
// `length` is printed so that no engine can drop the reads as unused.
process.stdout.write(`stack ${JSON.stringify({ microseconds, length })}\n`);
