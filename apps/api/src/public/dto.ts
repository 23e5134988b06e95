import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

/** A dossier code as printed on the receipt (`<unit>-<YYMMDD>-<NNNN>`), loosely: letters, digits, dots, dashes, underscores. */
export const PUBLIC_CODE = /^[A-Za-z0-9._-]{1,100}$/;

export class PublicLookupQueryDto {
  @ApiProperty({ description: 'The look-up PIN printed on the receipt (6 letters and digits; case does not matter)', example: 'K7MX4Q' })
  @IsString()
  @Matches(/^[A-Za-z0-9]{6}$/, { message: 'pin must be the 6 letters and digits printed on the receipt' })
  pin!: string;
}

/** What the public status page shows: nothing personal. */
export class PublicDossierStatus {
  @ApiProperty({ example: '000.27.01.H29-250304-0001' }) code!: string;
  @ApiProperty({ example: 'Đăng ký khai sinh' }) procedureName!: string;
  @ApiProperty({ example: 'assigned' }) status!: string;
  @ApiProperty({ example: '2025-03-04T02:00:00.000Z' }) receivedAt!: string;
  @ApiProperty({ description: 'The return time in force (re-appointed after an apology, else the legal one)', example: '2025-03-07T10:00:00.000Z' })
  dueAt!: string;
  @ApiProperty({ required: false }) resolvedAt?: string;
  @ApiProperty({ required: false }) returnedAt?: string;
}
