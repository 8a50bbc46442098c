-- 0018 a version of the working-time calendar, so that a process can keep
-- the calendar it built (src/dossier/holidays.c) and know, with one cheap
-- read, when another process or connection changed it.  Every change of
-- the exceptions or of an official year gives it a new random value: a
-- number never reused after a rollback, and unlike any other database's.
CREATE TABLE calendar_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, random());

CREATE TRIGGER calendar_exceptions_ins AFTER INSERT ON calendar_exceptions
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_exceptions_upd AFTER UPDATE ON calendar_exceptions
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_exceptions_del AFTER DELETE ON calendar_exceptions
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_years_ins AFTER INSERT ON calendar_years
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_years_upd AFTER UPDATE ON calendar_years
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_years_del AFTER DELETE ON calendar_years
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_year_days_ins AFTER INSERT ON calendar_year_days
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_year_days_upd AFTER UPDATE ON calendar_year_days
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER calendar_year_days_del AFTER DELETE ON calendar_year_days
BEGIN UPDATE calendar_version SET version = random() WHERE id = 1; END;
