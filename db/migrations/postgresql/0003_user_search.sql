-- 0003 search key of users (full name and user name, lower case, without
-- diacritics), so that "ngo gia bao" finds "Ngô Gia Bảo".  Written by the
-- application (src/core/text.c); rows older than this migration have ''
-- and are found by user name until their next update.
ALTER TABLE users ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
