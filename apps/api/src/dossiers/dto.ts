import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
  Matches,
} from 'class-validator';
import { SUPPLEMENT_ITEM_NAME_MAX, SUPPLEMENT_ITEM_NOTE_MAX, SUPPLEMENT_ITEMS_MAX } from '@motcua/domain';
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
  @ApiPropertyOptional({ description: 'The documents were digitised at reception (QĐ 766 digitisation indicator)' })
  @IsOptional()
  @IsBoolean()
  digitised?: boolean;

  @ApiPropertyOptional({ description: 'A fee (phí, lệ phí) is due for this dossier (QĐ 766 fee indicators)' })
  @IsOptional()
  @IsBoolean()
  feeDue?: boolean;

  @ApiPropertyOptional({ description: 'The fee was paid online (needs feeDue: true)' })
  @IsOptional()
  @IsBoolean()
  feePaidOnline?: boolean;
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

  @ApiPropertyOptional({ description: 'The result is issued as an electronic document (QĐ 766 electronic-result indicator)' })
  @IsOptional()
  @IsBoolean()
  electronicResult?: boolean;
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

/* ---------- more steps of a dossier (issue #14) ---------- */

export class PauseDto extends ReasonDto {
  @ApiProperty({ enum: ['fee', 'verification', 'consultation', 'other'], description: 'What is awaited: a fee, a field verification, another body’s answer' })
  @IsIn(['fee', 'verification', 'consultation', 'other'])
  kind!: 'fee' | 'verification' | 'consultation' | 'other';
}

export class RecipientDto {
  @ApiProperty({ example: 'Trần Thị Bình' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'CCCD/CMND number of the person who took the result', example: '079203009999' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z]{6,20}$/, { message: 'recipient.idNumber must be 6–20 letters or digits' })
  idNumber?: string;

  @ApiPropertyOptional({ description: 'The applicant, or an authorised person (giấy ủy quyền)', example: 'được ủy quyền' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  relation?: string;
}

export class ReturnResultDto extends CommandBaseDto {
  @ApiProperty({ enum: ['counter', 'postal', 'online'] })
  @IsIn(['counter', 'postal', 'online'])
  method!: 'counter' | 'postal' | 'online';

  @ApiPropertyOptional({ type: RecipientDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RecipientDto)
  recipient?: RecipientDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  note?: string;
}

export class CorrectDto extends ReasonDto {
  @ApiProperty({ enum: ['resolve', 'return-result', 'assign'], description: 'The step to undo (the last one of its kind)' })
  @IsIn(['resolve', 'return-result', 'assign'])
  undo!: 'resolve' | 'return-result' | 'assign';
}

/** One thing to add, on the one complete list of a supplement request (form 02). */
export class SupplementItemDto {
  @ApiProperty({ example: 'Bản sao giấy khai sinh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SUPPLEMENT_ITEM_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({ example: 'Bản sao có chứng thực' })
  @IsOptional()
  @IsString()
  @MaxLength(SUPPLEMENT_ITEM_NOTE_MAX)
  note?: string;
}

/** `request-supplement`: the reason and, optionally, the one complete list of what to add. */
export class RequestSupplementDto extends ReasonDto {
  @ApiPropertyOptional({ type: [SupplementItemDto], description: `What to add (1–${SUPPLEMENT_ITEMS_MAX} items)` })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUPPLEMENT_ITEMS_MAX)
  @ValidateNested({ each: true })
  @Type(() => SupplementItemDto)
  items?: SupplementItemDto[];
}

/** `POST /refusals`: the body of `POST /dossiers` plus the reason of the refusal and its legal basis. */
export class RefuseAtReceptionDto extends ReceiveDossierDto {
  @ApiProperty({ example: 'Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ example: 'Khoản 2 Điều 18 Nghị định 61/2018/NĐ-CP' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  legalBasis?: string;
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
