// A live terminal view of petitions' signature counts, kept the way a mobile app keeps them
// (petitionWatcher.ts): survives gateway restarts, and is exact again after each one.
//   npm run watch -w client-example -- <petition id> [<petition id> …]
//   GATEWAY_URL=… to point elsewhere; AGORA_TOKEN=… to watch signed in.
import { fileURLToPath } from 'node:url';
import { watchPetitions, type WatchView } from './petitionWatcher.js';

/**
 * The view as lines of text: the connection, then one line per petition. Given the
 * terminal's width, a longer line is cut to it with '…': redrawing in place moves up one row
 * per line, so a line the terminal wrapped would leave its first rows behind.
 */
export function renderView(view: WatchView, columns = Infinity): string[] {
  return viewLines(view).map((line) => (line.length <= columns ? line : `${line.slice(0, columns - 1)}…`));
}

function viewLines(view: WatchView): string[] {
  const connection =
    view.connection === 'reconnecting'
      ? `reconnecting (attempt ${view.attempt}${view.retryInMs === undefined ? '' : `, next in ${(view.retryInMs / 1000).toFixed(1)} s`})`
      : view.connection;
  return [
    `Agora · ${connection}${view.problem === undefined ? '' : ` · ${view.problem}`}`,
    ...[...view.counts].map(
      ([id, count]) => `  ${id}  ${count === undefined ? '…' : `${count.toLocaleString('en')} signature(s)`}`,
    ),
  ];
}

function main(): void {
  const petitionIds = process.argv.slice(2);
  if (petitionIds.length === 0) {
    process.stderr.write('Usage: npm run watch -w client-example -- <petition id> [<petition id> …]\n');
    process.exit(2);
  }
  let drawn = 0;
  const draw = (view: WatchView) => {
    const lines = renderView(view, process.stdout.columns);
    // In a terminal the view is redrawn in place; in a log each change is a new block.
    if (process.stdout.isTTY && drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    process.stdout.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const watcher = watchPetitions({
    gatewayUrl: process.env['GATEWAY_URL'] ?? 'http://localhost:4000/graphql',
    token: process.env['AGORA_TOKEN'],
    petitionIds,
    onChange: draw,
  });
  process.once('SIGINT', () => {
    void watcher.stop().then(() => process.exit(0));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
