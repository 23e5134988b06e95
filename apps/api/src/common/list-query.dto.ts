import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { InvalidCursor } from '@motcua/projections';
import { BadRequestProblem } from '@motcua/platform';

/** `?unitCode=`: a unit and its descendants (checked by `unitScope`). */
export class UnitQueryDto {
  @ApiPropertyOptional({ description: 'Only this unit and its descendants (default: all the caller’s units)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unitCode?: string;
}

/** A list of a unit subtree paged with a cursor (`libs/projections/src/read-models/cursor.ts`). */
export class PagedUnitQueryDto extends UnitQueryDto {
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

export const DEFAULT_PAGE_SIZE = 50;

/** The page size of a `PagedUnitQueryDto`. */
export function pageSize(q: { limit?: string }): number {
  return q.limit ? Number(q.limit) : DEFAULT_PAGE_SIZE;
}

/** Reads a page: a cursor the codec refuses is a 400 naming `cursor`. */
export async function readPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InvalidCursor) throw new BadRequestProblem(err.message, { errors: [{ field: 'cursor', message: err.message }] });
    throw err;
  }
}
