import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';

const KINDS = ['near-deadline', 'apology-cutoff', 'overdue'];

export class AlertListQueryDto {
  @ApiPropertyOptional({ description: 'Only this unit and its descendants (default: all the caller’s units)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unitCode?: string;

  @ApiPropertyOptional({ enum: ['open', 'acknowledged', 'withdrawn'] })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'withdrawn'])
  state?: 'open' | 'acknowledged' | 'withdrawn';

  @ApiPropertyOptional({ enum: KINDS })
  @IsOptional()
  @IsIn(KINDS)
  kind?: 'near-deadline' | 'apology-cutoff' | 'overdue';

  @ApiPropertyOptional({ description: 'Only the alerts of this dossier' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  dossierId?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Page size, 1–200 (default 50)' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be a whole number from 1 to 200' })
  limit?: string;
}

export class AlertStreamQueryDto {
  @ApiPropertyOptional({ description: 'Only this unit and its descendants (default: all the caller’s units)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unitCode?: string;

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
