/** Rebuilds of the read models run in this process: one at a time per projection, progress kept for `GET`. */
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ReferenceService } from '@motcua/application';
import { EventStore } from '@motcua/event-store';
import { ConflictProblem, EVENT_STORE, NotFoundProblem, SQL_DRIVER } from '@motcua/platform';
import { Projection, readModelProjections, rebuildProjection, RebuildProgress, RebuildResult } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';

export interface RebuildStatus {
  projection: string;
  state: 'idle' | 'running' | 'done' | 'failed';
  startedAt?: string;
  finishedAt?: string;
  progress?: RebuildProgress;
  result?: RebuildResult;
  error?: string;
}

@Injectable()
export class ProjectionRebuilds implements OnModuleDestroy {
  private readonly logger = new Logger('Rebuild');
  private readonly statuses = new Map<string, RebuildStatus>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<unknown> }>();
  private readonly projections: Record<string, () => Projection>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DRIVER) private readonly driver: SqlDriver,
    reference: ReferenceService,
  ) {
    // built as every process builds them (the worker, the CLI): the same rows whoever rebuilds
    this.projections = readModelProjections(reference.data);
  }

  names(): string[] {
    return Object.keys(this.projections);
  }

  status(name: string): RebuildStatus {
    this.known(name);
    return this.statuses.get(name) ?? { projection: name, state: 'idle' };
  }

  /** Starts a rebuild in the background; returns its status at once. */
  start(name: string): RebuildStatus {
    const make = this.known(name);
    if (this.running.has(name)) throw new ConflictProblem(`a rebuild of ${name} is already running`, { extra: { projection: name } });
    const status: RebuildStatus = { projection: name, state: 'running', startedAt: new Date().toISOString() };
    this.statuses.set(name, status);
    const abort = new AbortController();
    const done = rebuildProjection({
      store: this.store,
      driver: this.driver,
      projection: make(),
      signal: abort.signal,
      logger: this.logger,
      onProgress: (p) => (status.progress = p),
    }).then(
      (result) => Object.assign(status, { state: 'done', result, finishedAt: new Date().toISOString() }),
      (err: unknown) =>
        Object.assign(status, { state: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date().toISOString() }),
    );
    this.running.set(name, { abort, done: done.finally(() => this.running.delete(name)) });
    return { ...status };
  }

  /** Before the store closes: stop a running rebuild (its shadow tables are dropped). */
  async onModuleDestroy(): Promise<void> {
    for (const r of this.running.values()) r.abort.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private known(name: string): () => Projection {
    // own names only: `__proto__`, `constructor`... are not projections (was a 500)
    const make = Object.hasOwn(this.projections, name) ? this.projections[name] : undefined;
    if (!make) throw new NotFoundProblem(`unknown projection ${name} (known: ${this.names().join(', ')})`, { extra: { projection: name } });
    return make;
  }
}
