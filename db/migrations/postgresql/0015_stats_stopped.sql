-- 0015 dossiers whose processing was stopped (form 05) are counted in the
-- statistics like the withdrawn and the refused ones, per day, month and
-- year of the stop; the ones stopped before are counted now.
ALTER TABLE dossier_stats ADD COLUMN stopped BIGINT NOT NULL DEFAULT 0;

INSERT INTO dossier_stats (agency_id, procedure_code, field_code, period, stopped)
SELECT competent_agency_id, procedure_code, field_code,
       p.p || to_char(to_timestamp(completed_at / 1000.0) AT TIME ZONE 'Asia/Ho_Chi_Minh', p.f), COUNT(*)
  FROM dossiers, (VALUES ('D', 'YYYY-MM-DD'), ('M', 'YYYY-MM'), ('Y', 'YYYY')) AS p (p, f)
 WHERE status = 'stopped' AND received_at IS NOT NULL AND completed_at IS NOT NULL
 GROUP BY 1, 2, 3, 4
    ON CONFLICT (period, agency_id, procedure_code) DO UPDATE SET stopped = excluded.stopped;

-- The periodic report finds the dossiers open during a period by when
-- they ended (NULL: not yet).
CREATE INDEX dossiers_completed ON dossiers (completed_at);
