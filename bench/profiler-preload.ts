import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loaded into the api and worker with `--require` when the benchmark runs with `--profile PHASE`: SIGWINCH (whose
 * default action is to do nothing, and which Nest's shutdown hooks do not listen to, unlike SIGUSR2) starts
 * the V8 CPU profiler, the next SIGWINCH stops it and writes `<BENCH_PROFILE_DIR>/<name>-<pid>.cpuprofile`
 * (open it in Chrome DevTools or speedscope). The benchmark sends the signals at the edges of the phase, so the
 * profile holds that phase only, not startup.
 */
const dir = process.env.BENCH_PROFILE_DIR ?? '.';
const name = process.env.BENCH_PROFILE_NAME ?? 'node';
const session = new Session();
session.connect();
let running = false;

process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
    );
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
