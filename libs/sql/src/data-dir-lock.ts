import * as fs from 'node:fs';
import * as path from 'node:path';

/** The embedded store's lock file (in its data directory), holding the owner's pid. */
export const LOCK_FILE = 'motcua.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(lockPath: string): void {
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  assertDataDirFree(path.dirname(lockPath));
  fs.writeFileSync(lockPath, String(process.pid));
}

/** Throws when another live process holds the data directory's lock (checked before anything is started for it). */
export function assertDataDirFree(dataDir: string): void {
  let owner: number;
  try {
    owner = Number(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim());
  } catch {
    return; // no lock file
  }
  if (owner && owner !== process.pid && processAlive(owner)) {
    throw new Error(
      `The embedded database ${dataDir} is already open in process ${owner}. ` +
        'PGlite allows one process per data directory: stop the other process or use PostgreSQL.',
    );
  }
}

export function releaseLock(lockPath: string): void {
  try {
    if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
  } catch {
    /* already gone */
  }
}
