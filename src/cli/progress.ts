// A one-line progress display on stderr, only when stderr is a terminal (CI logs stay clean).
export interface Progress { update(done: number, total: number, what?: string): void; done(): void }

export function progressLine(label: string): Progress {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(done, total, what) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const cols = process.stderr.columns || 80;
      const line = `${label} ${done}/${total}${what ? ' ' + what : ''}`;
      process.stderr.write('\r' + line.slice(0, cols - 1).padEnd(cols - 1));
    },
    done() {
      if (tty) process.stderr.write('\r' + ' '.repeat((process.stderr.columns || 80) - 1) + '\r');
    },
  };
}
