import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  Max,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { IsLocalDate } from '../common/validators';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class OfficeSessionDto {
  @ApiProperty({ example: '07:30' })
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start!: string;

  @ApiProperty({ example: '11:30' })
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end!: string;
}

export class OfficeHoursDto {
  @ApiProperty({ type: [OfficeSessionDto] })
  @IsArray()
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => OfficeSessionDto)
  sessions!: OfficeSessionDto[];
}

export class PutUnitDto {
  @ApiProperty({ example: 'UBND Phường Bến Nghé' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ['province', 'district', 'commune'] })
  @IsIn(['province', 'district', 'commune'])
  level!: 'province' | 'district' | 'commune';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  parentCode?: string;

  @ApiPropertyOptional({ example: 'Asia/Ho_Chi_Minh' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ type: OfficeHoursDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OfficeHoursDto)
  officeHours?: OfficeHoursDto;

  @ApiPropertyOptional({ example: '2020-01-01' })
  @IsOptional()
  @IsLocalDate()
  validFrom?: string;

  @ApiPropertyOptional({ example: '2025-06-30' })
  @IsOptional()
  @IsLocalDate()
  validTo?: string;

  @ApiPropertyOptional({
    example: '2025-07-01',
    description:
      'This definition (e.g. a new parentCode) is in force from this date; reports over earlier periods keep the previous one. Absent: corrects the definition in force.',
  })
  @IsOptional()
  @IsLocalDate()
  effectiveFrom?: string;

  @ApiPropertyOptional({ enum: ['exact', 'day'], description: 'Timing class by exact time (default) or by date only' })
  @IsOptional()
  @IsIn(['exact', 'day'])
  timingMode?: 'exact' | 'day';

  @ApiPropertyOptional({
    type: [String],
    description: 'Units this one took over (a merge), from its validFrom: its reports include their dossiers',
    example: ['26734', '26737'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(40, { each: true })
  predecessors?: string[];
}

/** `POST /units/{code}/succession` (issue #16). */
export class SuccessionDto {
  @ApiProperty({ description: 'The unit that takes over', example: '26734' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  successorCode!: string;

  @ApiProperty({ description: 'The first day of the successor (the unit closes the day before)', example: '2025-07-01' })
  @IsLocalDate()
  effectiveDate!: string;
}

export class ProcessingTimeDto {
  @ApiProperty({ example: 3 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.25)
  @Max(3650)
  amount!: number;

  @ApiProperty({ enum: ['working_day', 'half_day', 'working_hour'] })
  @IsIn(['working_day', 'half_day', 'working_hour'])
  unit!: 'working_day' | 'half_day' | 'working_hour';
}

export class PutProcedureDto {
  @ApiProperty({ example: 'Đăng ký khai sinh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  name!: string;

  @ApiProperty({ description: 'Sector (lĩnh vực)', example: 'Hộ tịch' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  field!: string;

  @ApiProperty({ type: ProcessingTimeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ProcessingTimeDto)
  processingTime!: ProcessingTimeDto;

  @ApiPropertyOptional({ enum: ['none', 'partial', 'full'] })
  @IsOptional()
  @IsIn(['none', 'partial', 'full'])
  onlineLevel?: 'none' | 'partial' | 'full';
}

export class PutCalendarDto {
  @ApiProperty({ description: 'Days off beyond weekends', example: ['2025-01-01'] })
  @IsArray()
  @ArrayMaxSize(366)
  @IsLocalDate({ each: true })
  holidays!: string[];

  @ApiProperty({ description: 'Weekend days that are worked (làm bù)', example: ['2025-04-26'] })
  @IsArray()
  @ArrayMaxSize(366)
  @IsLocalDate({ each: true })
  workingDays!: string[];
}
