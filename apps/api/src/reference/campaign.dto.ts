import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsLocalDate } from '../common/validators';
import { ProcessingTimeDto } from './dto';

export class CampaignProcedureDto {
  @ApiProperty({ example: '1.001612' })
  @IsString()
  @Matches(/^[\w.-]{1,60}$/, { message: 'procedureCode must be a procedure code (letters, digits, ".", "-", "_"; at most 60)' })
  procedureCode!: string;

  @ApiProperty({
    type: ProcessingTimeDto,
    description: 'The shorter processing time within the campaign (e.g. 1 working_day instead of 3; 1 half_day; 1 working_hour)',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => ProcessingTimeDto)
  processingTime!: ProcessingTimeDto;
}

export class PutCampaignDto {
  @ApiProperty({ example: 'Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiProperty({ description: 'The units (with their descendants) the campaign applies to', example: ['000.00.12.H79'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(/^[\w.-]{1,40}$/, { each: true, message: 'each unitCodes entry must be a unit code' })
  unitCodes!: string[];

  @ApiProperty({ description: 'First local day of the window (inclusive), in the receiving unit’s zone', example: '2021-06-14' })
  @IsLocalDate()
  from!: string;

  @ApiProperty({ description: 'Last local day of the window (inclusive)', example: '2021-06-18' })
  @IsLocalDate()
  to!: string;

  @ApiProperty({ type: [CampaignProcedureDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => CampaignProcedureDto)
  procedures!: CampaignProcedureDto[];
}
