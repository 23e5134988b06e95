import { Inject, Injectable } from '@nestjs/common';
import { ReferenceService } from '@motcua/application';
import { SQL_DRIVER } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';

/** Base of the handlers that answer from the read models within the caller's unit scope (the reference data decides the scope). */
@Injectable()
export abstract class ReadModelHandler {
  constructor(
    protected readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) protected readonly sql: SqlDriver,
  ) {}
}
