import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DOSSIER_STATUSES } from '@motcua/domain';
import { PagedUnitQueryDto } from '../common/list-query.dto';
import { IsIsoInstant, IsLocalDate } from '../common/validators';

export class StatisticsQueryDto {
  @ApiPropertyOptional({
    description: 'The unit reported on, with all its descendants; default: the caller’s unit when it has exactly one',
    example: '000.00.27.H29',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unitCode?: string;

  @ApiProperty({
    description: 'First day of the period (local date, inclusive); with `campaign`, default: the campaign’s first day; not with `period`',
    example: '2025-01-01',
  })
  @ValidateIf((q: StatisticsQueryDto) => (q.campaign === undefined && q.period === undefined) || q.from !== undefined)
  @IsLocalDate()
  from!: string;

  @ApiProperty({
    description: 'Last day of the period (local date, inclusive); with `campaign`, default: the campaign’s last day; not with `period`',
    example: '2025-03-31',
  })
  @ValidateIf((q: StatisticsQueryDto) => (q.campaign === undefined && q.period === undefined) || q.to !== undefined)
  @IsLocalDate()
  to!: string;

  @ApiPropertyOptional({ description: 'Count only the dossiers received under this campaign window (`GET /campaigns`)', example: 'q12-2021-06' })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,60}$/, { message: 'campaign must be a campaign id (letters, digits, ".", "-", "_"; at most 60)' })
  campaign?: string;

  @ApiPropertyOptional({ enum: ['unit', 'field', 'procedure'], description: 'What `rows` break the report down by (default unit)' })
  @IsOptional()
  @IsIn(['unit', 'field', 'procedure'])
  groupBy?: 'unit' | 'field' | 'procedure';

  @ApiPropertyOptional({
    enum: ['competent', 'receiving'],
    description:
      'The unit a dossier counts under: its competent unit (default; a dossier received at another commune’s centre counts for the unit that resolves it) or its receiving centre',
  })
  @IsOptional()
  @IsIn(['competent', 'receiving'])
  perspective?: 'competent' | 'receiving';

  @ApiPropertyOptional({
    enum: ['json', 'csv', 'xlsx'],
    description:
      'json (default), csv (Biểu 06 columns; also chosen by `Accept: text/csv`) or xlsx (the Biểu 06 layout as an Excel workbook; also chosen by `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`)',
  })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format?: 'json' | 'csv' | 'xlsx';

  @ApiPropertyOptional({
    description: 'A period preset instead of from/to: a month `2026-11`, a quarter `2026-Q4` or a year `2026` (400 with from/to)',
    example: '2026-11',
  })
  @IsOptional()
  @Matches(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, { message: 'period must be YYYY, YYYY-MM or YYYY-Qn' })
  period?: string;

  @ApiPropertyOptional({
    enum: ['calendar', 'nd09'],
    description:
      'With `period`: `calendar` (default: the calendar month, quarter or year) or `nd09` (the reporting cut-off of Nghị định 09/2019/NĐ-CP: from the 15th of the month before to the 14th)',
  })
  @IsOptional()
  @IsIn(['calendar', 'nd09'])
  cutoff?: 'calendar' | 'nd09';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'false: leave out the QĐ 766 `indicators` (and spare their second scan of the read model); default true',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  indicators?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      'Answer exactly as the system would have at that moment: events recorded later (e.g. backdated entries made afterwards) are ignored. Computed by replaying the dossier streams (slower than the read model)',
  })
  @IsOptional()
  @IsIsoInstant()
  asRecordedAt?: string;
}

export class WorkListQueryDto extends PagedUnitQueryDto {
  @ApiPropertyOptional({ description: `One status or several separated by commas: ${DOSSIER_STATUSES.join(', ')}`, example: 'received,assigned' })
  @IsOptional()
  @Matches(new RegExp(`^(${DOSSIER_STATUSES.join('|')})(,(${DOSSIER_STATUSES.join('|')}))*$`), {
    message: `status must be one or more of ${DOSSIER_STATUSES.join(', ')} separated by commas`,
  })
  status?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: open, clock running and past the due time in force (re-appointed or legal)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Due (re-appointed or legal) strictly before this time (ISO-8601 with offset)' })
  @IsOptional()
  @IsIsoInstant()
  dueBefore?: string;

  @ApiPropertyOptional({ description: 'Assigned to this officer (user id)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  assignee?: string;

  @ApiPropertyOptional({ description: 'The dossier with exactly this code (case-insensitive): a list of 0 or 1', example: '000.27.01.H29-250304-0001' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  code?: string;

  @ApiPropertyOptional({
    description:
      'Find dossiers: a code prefix, an identity-number or phone prefix (digits; +84 counts as 0), or every word of the applicant’s name ' +
      '(accents and case ignored: "nguyen van an" finds "Nguyễn Văn An"); prefixes need 3 characters',
    example: 'nguyen van an',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;
}
