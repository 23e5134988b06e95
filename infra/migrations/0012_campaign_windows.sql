-- Campaign windows (issue #15, api-v1 "Campaign windows"): the campaign whose shorter processing time
-- applied at reception (DossierReceived.campaignId), for `GET /statistics?campaign=<id>`. NULL for
-- every dossier received outside a campaign (and all older ones).
ALTER TABLE dossier_summary ADD COLUMN IF NOT EXISTS campaign_id text;
CREATE INDEX IF NOT EXISTS dossier_summary_campaign ON dossier_summary (campaign_id, unit_code) WHERE campaign_id IS NOT NULL;
