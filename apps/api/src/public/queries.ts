/**
 * The citizen's status look-up (`GET /public/dossiers/{code}?pin=`): no token, no unit scope. The
 * dossier is found by code in the read model (`dossier_search`, filled from the reception) and shown
 * only when the PIN printed on its receipt matches; an unknown code, a dossier without a PIN (received
 * before PINs existed) and a wrong PIN are one and the same 404. The PINs are compared in constant
 * time (over their SHA-256, so that lengths do not matter either).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundProblem } from '@motcua/platform';
import { findDossierByCode } from '@motcua/projections';
import { ReadModelHandler } from '../common/read-model-handler';
import type { PublicDossierStatus } from './dto';

export class GetPublicDossierQuery {
  constructor(
    readonly code: string,
    readonly pin: string,
  ) {}
}

/** The one answer for every look-up that does not show a dossier. */
export function publicNotFound(): NotFoundProblem {
  return new NotFoundProblem('no dossier with this code and look-up PIN: check both on the receipt');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when `given` equals `stored`, in time independent of where they differ; a missing PIN never matches. */
export function pinMatches(stored: string | null | undefined, given: string): boolean {
  const expected = digest(stored ?? randomBytes(16).toString('hex'));
  return timingSafeEqual(expected, digest(given)) && typeof stored === 'string';
}

@QueryHandler(GetPublicDossierQuery)
export class GetPublicDossierHandler extends ReadModelHandler implements IQueryHandler<GetPublicDossierQuery, PublicDossierStatus> {
  async execute({ code, pin }: GetPublicDossierQuery): Promise<PublicDossierStatus> {
    const found = await findDossierByCode(this.sql, code);
    // the PIN is printed in capitals; a citizen may type it in lower case
    if (!pinMatches(found?.lookupPin, pin.toUpperCase()) || !found) throw publicNotFound();
    const f = found.facts;
    const returnedAt = f.returnedAt;
    return {
      code: f.code,
      procedureName: f.procedureName ?? this.reference.data.procedures.get(f.procedureCode)?.name ?? f.procedureCode,
      status: f.status,
      receivedAt: f.receivedAt,
      dueAt: f.effectiveDueAt,
      ...(f.resolvedAt !== undefined ? { resolvedAt: f.resolvedAt } : {}),
      ...(returnedAt !== undefined ? { returnedAt } : {}),
    };
  }
}

export const PUBLIC_QUERY_HANDLERS = [GetPublicDossierHandler];
