-- Finding a dossier (GET /dossiers?code=, GET /dossiers?q=, GET /public/dossiers/{code}?pin=):
-- one row per dossier, written by the `dossier-summary` projection with the dossier's summary row
-- (libs/projections/src/read-models/dossier-search.ts), from its reception. Holds the applicant's
-- name, identity and phone numbers normalised for look-ups, so it is personal data like the
-- events: only the scoped staff routes read them; the public route reads the code and the pin.
--
-- Dossiers received before this migration have no row until the projection is rebuilt
-- (`npm run cli -- rebuild dossier-summary`, or POST /admin/projections/dossier-summary/rebuild).
CREATE TABLE IF NOT EXISTS dossier_search (
  dossier_id  text PRIMARY KEY,
  -- the code in lower case (codes hold letters of the unit code: H29)
  code_key    text NOT NULL,
  unit_code   text NOT NULL,
  -- the name's words without accents (đ → d), lower case, in order
  name_words  text[] NOT NULL,
  -- the identity number and the phone as digits only (a phone +84… as 0…)
  id_number   text,
  phone       text,
  -- the citizen's look-up PIN (DossierReceived.lookupPin); null on dossiers received before it
  lookup_pin  text
);

-- exact code and code prefix (a scanner, partial typing); text_pattern_ops serves LIKE 'abc%' in any collation
CREATE INDEX IF NOT EXISTS dossier_search_code ON dossier_search (code_key text_pattern_ops);
CREATE INDEX IF NOT EXISTS dossier_search_id_number ON dossier_search (id_number text_pattern_ops) WHERE id_number IS NOT NULL;
CREATE INDEX IF NOT EXISTS dossier_search_phone ON dossier_search (phone text_pattern_ops) WHERE phone IS NOT NULL;
-- every word of the query among the name's words: name_words @> ARRAY[...]
CREATE INDEX IF NOT EXISTS dossier_search_name ON dossier_search USING gin (name_words);
