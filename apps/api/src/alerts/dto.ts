import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { ALERT_KINDS, AlertKind } from '@motcua/domain';
import { AlertState } from '@motcua/projections';
import { PagedUnitQueryDto, UnitQueryDto } from '../common/list-query.dto';

const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'withdrawn'];

export class AlertListQueryDto extends PagedUnitQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATES })
  @IsOptional()
  @IsIn(ALERT_STATES)
  state?: AlertState;

  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: AlertKind;

  @ApiPropertyOptional({ description: 'Only the alerts of this dossier' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  dossierId?: string;
}

export class AlertStreamQueryDto extends UnitQueryDto {
  @ApiPropertyOptional({
    description:
      'The JWT, for clients that cannot send an Authorization header (the browser’s EventSource). Accepted on this route only; prefer the header elsewhere (URLs end up in logs).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16_384)
  access_token?: string;

  @ApiPropertyOptional({ description: 'Replay the alerts raised after this alert id (same as the Last-Event-ID header of a reconnecting EventSource)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  lastEventId?: string;
}

export class PutWebhookDto {
  @ApiProperty({ description: 'http(s) URL that receives a POST of each new alert of the unit', example: 'https://hooks.example.vn/motcua' })
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiProperty({ description: 'Shared secret (≥ 16 characters): the body is signed with HMAC-SHA256, header X-Motcua-Signature: sha256=<hex>' })
  @IsString()
  @MinLength(16)
  @MaxLength(500)
  secret!: string;
}
