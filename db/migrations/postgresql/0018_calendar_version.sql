-- 0018 a version of the working-time calendar, so that a process can keep
-- the calendar it built (src/dossier/holidays.c) and know, with one cheap
-- read, when another process or connection changed it.  Every change of
-- the exceptions or of an official year gives it a new random value: a
-- number never reused after a rollback, and unlike any other database's.
CREATE TABLE calendar_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, (random() * 9e18)::bigint);

CREATE FUNCTION calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE calendar_version SET version = (random() * 9e18)::bigint WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER calendar_exceptions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_exceptions
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_changed();
CREATE TRIGGER calendar_years_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_changed();
CREATE TRIGGER calendar_year_days_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_year_days
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_changed();
