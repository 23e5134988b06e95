import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsIsoInstant, IsLocalDate } from '../common/validators';

export class StatisticsQueryDto {
  @ApiPropertyOptional({ description: 'The unit reported on, with all its descendants; default: the caller’s unit when it has exactly one', example: '000.00.27.H29' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unitCode?: string;

  @ApiProperty({ description: 'First day of the period (local date, inclusive)', example: '2025-01-01' })
  @IsLocalDate()
  from!: string;

  @ApiProperty({ description: 'Last day of the period (local date, inclusive)', example: '2025-03-31' })
  @IsLocalDate()
  to!: string;

  @ApiPropertyOptional({ enum: ['unit', 'field', 'procedure'], description: 'What `rows` break the report down by (default unit)' })
  @IsOptional()
  @IsIn(['unit', 'field', 'procedure'])
  groupBy?: 'unit' | 'field' | 'procedure';

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'json (default) or csv (Biểu 06 columns; also chosen by `Accept: text/csv`)' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ description: 'Answer exactly as the system would have at that moment: events recorded later (e.g. backdated entries made afterwards) are ignored. Computed by replaying the dossier streams (slower than the read model)' })
  @IsOptional()
  @IsIsoInstant()
  asRecordedAt?: string;
}

const STATUSES = ['received', 'assigned', 'awaiting-supplement', 'resolved', 'withdrawn'];

export class WorkListQueryDto {
  @ApiPropertyOptional({ description: 'Only this unit and its descendants (default: all the caller’s units)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unitCode?: string;

  @ApiPropertyOptional({ description: `One status or several separated by commas: ${STATUSES.join(', ')}`, example: 'received,assigned' })
  @IsOptional()
  @Matches(new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`), { message: `status must be one or more of ${STATUSES.join(', ')} separated by commas` })
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
