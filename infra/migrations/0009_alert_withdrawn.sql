-- Alerts withdrawn by their dossier's history (DeadlineAlertWithdrawn, libs/domain): a resolution or
-- withdrawal dated before the alert's moment (a backdated history imported after a timer fired).
-- `state` becomes 'withdrawn' (the alert leaves the open list); when and why are kept here.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS withdrawn_at timestamptz;
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS withdrawn_reason text;
