import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { BadRequestProblem, Public } from '@motcua/platform';
import { PUBLIC_CODE, PublicDossierStatus, PublicLookupQueryDto } from './dto';
import { GetPublicDossierQuery } from './queries';

/** Routes for citizens, without a token. */
@ApiTags('public')
@Public()
@Controller('public')
export class PublicController {
  constructor(private readonly queries: QueryBus) {}

  @Get('dossiers/:code')
  @ApiOperation({
    // public: no bearer token
    security: [],
    summary: 'Public status of a dossier, by its code and the look-up PIN printed on the receipt (no token)',
    description:
      'Shows the procedure, the status and the times, nothing personal. An unknown code, a wrong PIN and a dossier received before PINs existed ' +
      'get the same 404. Rate-limited per client address (PUBLIC_LOOKUP_PER_MINUTE): over it, 429 with Retry-After.',
  })
  @ApiParam({ name: 'code', description: 'the dossier code on the receipt', example: '000.27.01.H29-250304-0001' })
  @ApiOkResponse({ type: PublicDossierStatus })
  @ApiNotFoundResponse({ description: 'No dossier with this code and PIN (the same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many look-ups from this address' })
  status(@Param('code') code: string, @Query() q: PublicLookupQueryDto): Promise<PublicDossierStatus> {
    if (!PUBLIC_CODE.test(code))
      throw new BadRequestProblem('code must be a dossier code as printed on the receipt', { errors: [{ field: 'code', message: 'not a dossier code' }] });
    return this.queries.execute(new GetPublicDossierQuery(code, q.pin));
  }
}
