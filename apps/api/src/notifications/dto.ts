import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsObject, IsOptional } from 'class-validator';
import { NOTICE_CHANNELS, NOTICE_KINDS, TEMPLATE_VARIABLES, type NoticeChannel, type TemplateOverrides } from '@motcua/domain';

export class PutNotificationSettingsDto {
  @ApiProperty({ enum: NOTICE_CHANNELS, isArray: true, description: 'The channels the unit tells citizens on (each must be configured on the service)' })
  @IsArray()
  @ArrayMaxSize(NOTICE_CHANNELS.length)
  @ArrayUnique()
  @IsIn(NOTICE_CHANNELS, { each: true })
  channels!: NoticeChannel[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      `Overrides of the Vietnamese default texts, per notice (${NOTICE_KINDS.join(', ')}): {subject?, email?, sms?}, ` +
      `with {{variable}} placeholders (${TEMPLATE_VARIABLES.join(', ')}). A malformed template answers 422.`,
    example: { received: { sms: 'Ho so {{code}} da tiep nhan, hen tra {{dueDate}}. {{lookupUrl}}' } },
  })
  @IsOptional()
  @IsObject()
  templates?: TemplateOverrides;
}

export class OptOutDto {
  @ApiPropertyOptional({ enum: NOTICE_CHANNELS, isArray: true, description: 'The channels the applicant no longer wants (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(NOTICE_CHANNELS.length)
  @ArrayUnique()
  @IsIn(NOTICE_CHANNELS, { each: true })
  channels?: NoticeChannel[];
}
