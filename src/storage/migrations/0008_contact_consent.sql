-- Version 8: personal data (152-FZ, GDPR). A contact carries the person's consent to the
-- processing of personal data, where it was given (site form, paper, call…) and when; NULL
-- consent: never asked. erased_at is set once the person's data was erased on request
-- (POST /api/contacts/{id}/erase): the record stays, so deals keep their contact and money.
ALTER TABLE contacts ADD COLUMN consent INTEGER;
ALTER TABLE contacts ADD COLUMN consent_source TEXT;
ALTER TABLE contacts ADD COLUMN consent_at BIGINT;
ALTER TABLE contacts ADD COLUMN erased_at BIGINT;
