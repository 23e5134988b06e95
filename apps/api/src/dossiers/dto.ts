import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested, Matches } from 'class-validator';
import { IsIsoInstant } from '../common/validators';
import { ProcessingTimeDto } from '../reference/dto';

/** Fields every command may carry. */
export class CommandBaseDto {
  @ApiPropertyOptional({
    description: 'Business time (ISO-8601 with offset); default now. Never in the future, never before the previous step.',
    example: '2025-04-25T10:00:00+07:00',
  })
  @IsOptional()
  @IsIsoInstant({ range: false }) // the application checks it: not in the future first, then the range
  occurredAt?: string;

  @ApiPropertyOptional({ description: 'The dossier version the client saw; a mismatch is 409 (same as If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedVersion?: number;
}

export class ApplicantDto {
  @ApiProperty({ example: 'Nguyễn Văn An' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'CCCD/CMND number (never logged)', example: '079203001234' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z]{6,20}$/, { message: 'applicant.idNumber must be 6–20 letters or digits' })
  idNumber?: string;

  @ApiPropertyOptional({ example: '0901234567' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 .-]{6,20}$/, { message: 'applicant.phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional({ example: '12 Lê Lợi, Phường Bến Nghé, Quận 1' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;
}

export class ReceiveDossierDto extends CommandBaseDto {
  @ApiPropertyOptional({ description: 'Client-chosen UUID: a repeated reception with the same id is not received twice' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: '000.00.27.H29' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  unitCode!: string;

  @ApiProperty({ example: '1.001612' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  procedureCode!: string;

  @ApiProperty({ enum: ['direct', 'online', 'postal'] })
  @IsIn(['direct', 'online', 'postal'])
  channel!: 'direct' | 'online' | 'postal';

  @ApiProperty({ type: ApplicantDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant!: ApplicantDto;

  @ApiPropertyOptional({
    description: 'The unit that resolves the dossier and in whose report it counts (default: unitCode, the receiving centre); both must lie in one province',
    example: '000.00.27.H29',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  competentUnitCode?: string;
}

export class AssignDto extends CommandBaseDto {
  @ApiProperty({ description: 'User id (JWT sub) of the officer', example: 'officer-1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  assignee!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assigneeName?: string;

  @ApiPropertyOptional({ example: 'Phòng Tư pháp' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  department?: string;
}

export class ReasonDto extends CommandBaseDto {
  @ApiProperty({ example: 'Thiếu bản sao giấy khai sinh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class EmptyCommandDto extends CommandBaseDto {}

export class ApologiseDto extends ReasonDto {
  @ApiProperty({ description: 'New return time (re-appointment)', example: '2025-05-06T17:00:00+07:00' })
  @IsIsoInstant()
  newDueAt!: string;

  @ApiPropertyOptional({ example: '15/PXL-UBND' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  letterNumber?: string;
}

export class ResolveDto extends CommandBaseDto {
  @ApiProperty({ enum: ['approved', 'refused'] })
  @IsIn(['approved', 'refused'])
  outcome!: 'approved' | 'refused';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RateDto extends CommandBaseDto {
  @ApiProperty({ enum: ['satisfied', 'neutral', 'dissatisfied'] })
  @IsIn(['satisfied', 'neutral', 'dissatisfied'])
  rating!: 'satisfied' | 'neutral' | 'dissatisfied';
}

export class AsOfQueryDto {
  @ApiPropertyOptional({ description: 'Show the dossier as it was at this time' })
  @IsOptional()
  @IsIsoInstant()
  asOf?: string;

  @ApiPropertyOptional({ enum: ['occurred', 'recorded'], description: 'occurred: business time (default); recorded: what the system knew then' })
  @IsOptional()
  @IsIn(['occurred', 'recorded'])
  by?: 'occurred' | 'recorded';
}

/** `POST /dossiers/{id}/transfers` (liên thông, issue #16). */
export class TransferDto extends CommandBaseDto {
  @ApiPropertyOptional({ description: 'Client-chosen transfer id (UUID); default a new one' })
  @IsOptional()
  @IsUUID()
  transferId?: string;

  @ApiProperty({ description: 'The agency the dossier goes to', example: '000.00.12.H29' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  toUnitCode!: string;

  @ApiProperty({ description: 'What the agency is asked to do', example: 'Xác nhận nghĩa vụ tài chính' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  task!: string;

  @ApiPropertyOptional({ type: ProcessingTimeDto, description: 'The agency’s own processing time, counted in its calendar and office hours (or give dueAt)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProcessingTimeDto)
  processingTime?: ProcessingTimeDto;

  @ApiPropertyOptional({ description: 'The agency’s due time (ISO-8601 with offset), instead of processingTime' })
  @IsOptional()
  @IsIsoInstant()
  dueAt?: string;
}

/** `POST /dossiers/{id}/transfers/{transferId}/return`. */
export class TransferReturnDto extends CommandBaseDto {
  @ApiProperty({ enum: ['done', 'refused'] })
  @IsIn(['done', 'refused'])
  outcome!: 'done' | 'refused';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ description: 'Import lines only: the transfer returned (on the route, the path names it; a different one here is refused)' })
  @IsOptional()
  @IsUUID()
  transferId?: string;
}
