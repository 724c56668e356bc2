-- Version 5: an API token has a scope. "all" acts as its user on every route; "intake" may
-- only post leads to /api/intake (the public site form, whose token any visitor can read).
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'all';
